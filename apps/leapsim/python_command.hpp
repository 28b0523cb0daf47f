#pragma once
// `leapsim report` and `leapsim export`: the report page and the workbook are built by the Python
// package (python/leapsim/html_report.py, workbook.py), so these commands run it with Debian's
// /usr/bin/python3 and the package the build laid out beside this executable.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace leapsim::app {

/// Options of report and export: a results file, the file to write, its language.
struct PythonCommandOptions {
  std::string results;
  std::string output;
  std::string lang = "zh";  // "zh" or "en"
  bool force = false;       // replace an existing output file
  std::string sensitivity;  // report only: a sensitivity file (leapsim sensitivity -o) for its section
  std::string backtest;     // report only: a back-test table (leapsim backtest -o) for the calibration section
};

/// Adds `report` or `export` (`name`) with its results file, -o, --lang and --force to the app.
CLI::App* add_python_command(CLI::App& app, const std::string& name, const std::string& description,
                             PythonCommandOptions& options);

/// The folder to put on PYTHONPATH for the package built with this executable (the build tree's
/// <build>/python beside <build>/apps/leapsim/leapsim); throws Error naming where it looked.
std::filesystem::path python_package_folder();

/// Runs `python3 -m leapsim.cli <command> ARGS...` as a child process and waits for it; returns
/// its exit code (128 + the signal when one ended it). Throws Error when Python or the package
/// is missing.
int run_python_child(const std::string& command, std::vector<std::string> args);

/// Replaces this process by `python3 -m leapsim.cli <command> ...` (its exit code becomes ours);
/// returns only by throwing Error when Python or the package is missing.
[[noreturn]] void run_python_command(const std::string& command, const PythonCommandOptions& options);

}  // namespace leapsim::app
