#include "python_command.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "report.hpp"

namespace leapsim::app {
namespace {

/// Debian's interpreter: the one whose packages (matplotlib, Jinja2, openpyxl) install-deps.sh installs.
constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

CLI::App* add_python_command(CLI::App& app, const std::string& name, const std::string& description,
                             PythonCommandOptions& options) {
  CLI::App* command = app.add_subcommand(name, description);
  command->add_option("results", options.results, "Results file (HDF5, from leapsim run -o)")
      ->required()
      ->check(CLI::ExistingFile);
  CLI::Option* output = command->add_option("-o,--output", options.output, "The file to write")->required();
  if (name == "export")
    output->check(CLI::Validator(
        [](std::string& path) -> std::string {
          const std::string extension = std::filesystem::path(path).extension().string();
          return extension == ".xlsx" || extension == ".csv" ? "" : "the file must end in .xlsx or .csv: " + path;
        },
        "FILE.xlsx|FILE.csv"));
  command->add_option("--lang", options.lang, "Language of the text: zh (Chinese) or en (English)")
      ->check(CLI::IsMember(kLanguageNames));
  command->add_flag("--force", options.force, "Replace the output file if it exists");
  if (name == "report")
    command
        ->add_option("--sensitivity", options.sensitivity,
                     "A sensitivity file of the same study (leapsim sensitivity -o): the page says which "
                     "assumptions drive the answer")
        ->check(CLI::ExistingFile);
  if (name == "report")
    command
        ->add_option("--backtest", options.backtest,
                     "A back-test table (leapsim backtest -o TABLE.csv): the page says how its forecasts fared")
        ->check(CLI::ExistingFile);
  return command;
}

std::filesystem::path python_package_folder() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw Error("cannot find this executable's folder (/proc/self/exe): " + error.message());
  // The build lays out <build>/apps/leapsim/leapsim and <build>/python/leapsim/.
  const std::filesystem::path folder = (self.parent_path() / ".." / ".." / "python").lexically_normal();
  if (!std::filesystem::is_regular_file(folder / "leapsim" / "__init__.py") ||
      !std::filesystem::is_regular_file(folder / "leapsim" / "html_report.py"))
    throw Error("the LeapSim Python package is missing: expected it in " + folder.string() +
                " (built by the target leapsim_python: make build)");
  return folder;
}

namespace {

/// Checks that Python and the package are there and puts the package on PYTHONPATH.
void prepare_python(const std::string& command) {
  const std::filesystem::path folder = python_package_folder();
  if (access(kPython, X_OK) != 0)
    throw Error(std::string("leapsim ") + command + " needs " + kPython +
                " (Debian's python3; scripts/install-deps.sh installs it)");
  const char* inherited = std::getenv("PYTHONPATH");
  const std::string path = folder.string() + (inherited && *inherited ? ":" + std::string(inherited) : "");
  if (setenv("PYTHONPATH", path.c_str(), 1) != 0) throw Error("cannot set PYTHONPATH: " + std::string(strerror(errno)));
}

/// argv for execv: the strings' buffers, then a null.
std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

int run_python_child(const std::string& command, std::vector<std::string> args) {
  prepare_python(command);
  args.insert(args.begin(), {kPython, "-m", "leapsim.cli", command});
  std::vector<char*> argv = argv_of(args);
  std::cout.flush();
  std::cerr.flush();
  const pid_t child = fork();
  if (child < 0) throw Error(std::string("cannot start ") + kPython + ": " + strerror(errno));
  if (child == 0) {
    execv(kPython, argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) throw Error(std::string("lost the ") + kPython + " process: " + strerror(errno));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void run_python_command(const std::string& command, const PythonCommandOptions& options) {
  prepare_python(command);
  std::vector<std::string> args = {kPython, "-m",           "leapsim.cli", command,     options.results,
                                   "-o",    options.output, "--lang",      options.lang};
  if (options.force) args.emplace_back("--force");
  if (!options.sensitivity.empty()) args.insert(args.end(), {"--sensitivity", options.sensitivity});
  if (!options.backtest.empty()) args.insert(args.end(), {"--backtest", options.backtest});
  std::vector<char*> argv = argv_of(args);
  std::cout.flush();
  std::cerr.flush();
  execv(kPython, argv.data());
  throw Error(std::string("cannot start ") + kPython + ": " + strerror(errno));
}

}  // namespace leapsim::app
