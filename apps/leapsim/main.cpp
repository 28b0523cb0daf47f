// leapsim: command-line entry point. Sub-commands parse their flags here and call library code.

#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>

#include "backtest.hpp"
#include "bisect.hpp"
#include "calibrate.hpp"
#include "compare.hpp"
#include "demo.hpp"
#include "failure.hpp"
#include "help.hpp"
#include "info.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "python_command.hpp"
#include "report.hpp"
#include "run.hpp"
#include "sensitivity.hpp"
#include "validate.hpp"

namespace {

/// The one exit code of every bad flag (README), in place of CLI11's many (105, 109, ...).
constexpr int kBadFlagExit = 2;

/// A seed is a whole number from 0 to 2^64 - 1: "-5" and 2^64 are refused, not wrapped or clamped.
const CLI::Validator kSeed(
    [](std::string& text) -> std::string {
      std::uint64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        return "expected a whole number from 0 to 18446744073709551615, got " + text;
      return {};
    },
    "SEED");

/// An input file must be a regular file: a FIFO or a device would block or never end, and a
/// folder is no file (CLI11's ExistingFile lets the first two through).
const CLI::Validator kRegularFile(
    [](std::string& text) -> std::string {
      struct stat info {};
      if (::stat(text.c_str(), &info) != 0)
        return errno == ENOENT ? "File does not exist: " + text : text + ": " + std::strerror(errno);
      if (S_ISDIR(info.st_mode)) return text + " is a directory";
      if (!S_ISREG(info.st_mode)) return text + " is not a regular file";
      return {};
    },
    "FILE");

/// Adds --allow-outside: scenario files may name files outside their own folder tree.
void add_allow_outside(CLI::App* command, bool& allow) {
  command->add_flag("--allow-outside", allow,
                    "Let extends and base name files outside the folder of the file naming them");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"LeapSim: forecasts of a region's technology firms under innovation policy"};
  app.set_version_flag("--version", std::string("leapsim ") + LEAPSIM_VERSION);
  app.require_subcommand(1);

  leapsim::app::DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand("demo", "Run the kernel demo (a birth-death forecast) and print it");
  demo_cmd->add_option("-r,--replications", demo.replications, "Number of replications")
      ->check(CLI::Range(1u, 10000000u));
  demo_cmd->add_option("-j,--threads", demo.threads, "Worker threads (0: one per core)")->check(CLI::Range(0u, 4096u));
  demo_cmd->add_option("--seed", demo.seed, "Random seed")->check(kSeed);

  leapsim::app::RunOptions run;
  CLI::App* run_cmd =
      app.add_subcommand("run", "Run a study file and print forecasts, target probabilities and comparisons");
  run_cmd->add_option("study", run.study, "Study file (YAML)")->required()->check(kRegularFile);
  run_cmd->add_option("-r,--replications", run.replications, "Replications per scenario (default: the study's)")
      ->check(CLI::Range(1u, 10000000u));
  run_cmd->add_option("-j,--threads", run.threads, "Worker threads (0: one per core)")->check(CLI::Range(0u, 4096u));
  run_cmd->add_option("--seed", run.seed, "Random seed (default: the study's)")->check(kSeed);
  run_cmd->add_flag("-q,--quiet", run.quiet, "No progress on stderr");
  run_cmd->add_option("-o,--output", run.output, "Write every result to this HDF5 file (docs/output-format.md)");
  run_cmd->add_flag("--force", run.force, "Replace the output file if it exists (only ever a results file)");
  run_cmd->add_flag("--estimate", run.estimate_only, "Print the run's time and memory estimate and run nothing");
  run_cmd
      ->add_option("--max-memory", run.max_memory,
                   "Refuse runs estimated to need more memory than this, e.g. 8G (default: the memory available)")
      ->transform(CLI::AsSizeValue(false));
  run_cmd->add_option("--precision", run.precision,
                      "Run in batches until every paired difference of METRIC in YEAR has a 95% interval of at most "
                      "+-HALFWIDTH (METRIC:YEAR:HALFWIDTH, e.g. htes:2025:1), or a target's probability "
                      "(target:LABEL:HALFWIDTH); repeatable");
  run_cmd
      ->add_option("--max-replications", run.max_replications,
                   "The cap of a --precision run (default: 16 times the first batch, -r or the study's)")
      ->check(CLI::Range(1u, 10000000u));
  bool allow_outside = false;
  add_allow_outside(run_cmd, allow_outside);
  run_cmd
      ->add_option("--record", run.record,
                   "Also keep detail in the output file: events (the firm event log), firms (year-end snapshots)")
      ->delimiter(',')
      ->check(CLI::IsMember({"events", "firms"}));
  run_cmd
      ->add_option("--record-replications", run.record_replications,
                   "Replications whose detail --record keeps, from the first (default 1)")
      ->check(CLI::Range(1u, 1000000u));

  leapsim::app::CompareOptions compare;
  CLI::App* compare_cmd = app.add_subcommand("compare", "Print the comparison tables of a results file again");
  compare_cmd->add_option("results", compare.file, "Results file (HDF5)")->required()->check(kRegularFile);
  compare_cmd->add_option("--base", compare.base, "Compare against this scenario (default: the study's base)");
  compare_cmd->add_option("--metric", compare.metric, "Compare on this metric only (e.g. htes)");
  compare_cmd->add_option("--year", compare.year, "Compare in this year (default: the last)");

  std::string info_file;
  CLI::App* info_cmd = app.add_subcommand("info", "Show what a results file holds");
  info_cmd->add_option("results", info_file, "Results file (HDF5)")->required()->check(kRegularFile);

  std::vector<std::string> validate_files;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check scenario and study files; print every error");
  validate_cmd->add_option("files", validate_files, "Scenario or study files (YAML)")->required();
  add_allow_outside(validate_cmd, allow_outside);

  // calibrate: a calibration file gives a posterior (ABC-SMC); --fit on a scenario is the quick
  // bisection mode, kept for a point fit of one parameter per figure.
  leapsim::app::CalibrateOptions calibrate;
  leapsim::app::BisectOptions bisect;
  std::uint64_t calibrate_seed = 0;
  CLI::App* calibrate_cmd = app.add_subcommand(
      "calibrate", "Fit a scenario to observed figures: a posterior by ABC-SMC, or a quick bisection fit (--fit)");
  calibrate_cmd
      ->add_option("file", calibrate.file,
                   "Calibration file (YAML, docs/calibration.md); with --fit, a scenario or study file")
      ->required()
      ->check(kRegularFile);
  calibrate_cmd->add_option("-o,--output", calibrate.output, "Posterior file to write (HDF5)");
  calibrate_cmd->add_flag("--force", calibrate.force,
                          "Replace the posterior file if it exists (only ever a posterior file)");
  calibrate_cmd->add_option(
      "--fit", bisect.fits,
      "Quick mode: parameter.path=metric:year:observed[:low:high], e.g. hte.apply_probability=htes:2017:3174");
  calibrate_cmd->add_option("-r,--replications", bisect.replications, "Quick mode: replications per evaluation")
      ->check(CLI::Range(2u, 100000u));
  CLI::Option* seed_option =
      calibrate_cmd
          ->add_option("--seed", calibrate_seed,
                       "Random seed (default: the calibration file's method.seed; quick mode 20160101)")
          ->check(kSeed);
  calibrate_cmd->add_option("-j,--threads", calibrate.threads, "Worker threads (0: one per core)")
      ->check(CLI::Range(0u, 4096u));
  calibrate_cmd->add_flag("-q,--quiet", calibrate.quiet, "No progress on stderr");
  add_allow_outside(calibrate_cmd, allow_outside);
  calibrate_cmd->add_option("--rounds", bisect.rounds, "Quick mode: passes over the parameters")
      ->check(CLI::Range(1, 20));

  // backtest: fit up to a cut-off, forecast and score every later figure (docs/calibration.md).
  leapsim::app::BacktestOptions backtest;
  std::uint64_t backtest_seed = 0;
  CLI::App* backtest_cmd = app.add_subcommand(
      "backtest", "Fit on the figures up to a cut-off year and score the forecast of every later one");
  backtest_cmd->add_option("file", backtest.file, "Calibration file (YAML, docs/calibration.md)")
      ->required()
      ->check(kRegularFile);
  backtest_cmd->add_option("--cutoff", backtest.cutoff, "The last year whose figures are fitted")->required();
  backtest_cmd->add_option("-o,--output", backtest.output, "Write the table as CSV");
  backtest_cmd->add_option("--plot", backtest.plot, "Draw observed figures against the forecast bands (PNG)");
  backtest_cmd->add_option("--lang", backtest.lang, "Language of the plot: zh (Chinese) or en (English)")
      ->check(CLI::IsMember(leapsim::app::kLanguageNames));
  backtest_cmd->add_flag("--force", backtest.force, "Replace the table and the plot if they exist");
  backtest_cmd->add_option("--members", backtest.members, "Ensemble members: posterior draws, one run each")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  CLI::Option* backtest_seed_option =
      backtest_cmd->add_option("--seed", backtest_seed, "Random seed (default: the calibration file's method.seed)")
          ->check(kSeed);
  backtest_cmd->add_option("-j,--threads", backtest.threads, "Worker threads (0: one per core)")
      ->check(CLI::Range(0u, 4096u));
  backtest_cmd->add_flag("-q,--quiet", backtest.quiet, "No progress on stderr");
  add_allow_outside(backtest_cmd, allow_outside);

  // sensitivity: which scenario numbers drive a study's answer (docs/sensitivity.md).
  leapsim::app::SensitivityOptions sensitivity;
  CLI::App* sensitivity_cmd = app.add_subcommand(
      "sensitivity",
      "Find which scenario numbers drive a study's forecasts and its ranking of packages (Morris, Sobol)");
  sensitivity_cmd->add_option("study", sensitivity.study, "Study file (YAML)")->required()->check(kRegularFile);
  sensitivity_cmd
      ->add_option("--inputs", sensitivity.inputs,
                   "Sensitivity file (YAML, docs/sensitivity.md): the inputs, their ranges and the design")
      ->required()
      ->check(kRegularFile);
  sensitivity_cmd
      ->add_option("--method", sensitivity.method, "morris (screening) or sobol (default: the file's, else morris)")
      ->check(CLI::IsMember({"morris", "sobol"}));
  sensitivity_cmd->add_option("-o,--output", sensitivity.output, "Results file to write (HDF5, must not exist)")
      ->required();
  sensitivity_cmd
      ->add_option("-r,--replications", sensitivity.replications,
                   "Replications a design point (default: the file's, else 50)")
      ->check(CLI::Range(2u, 1000000u));
  sensitivity_cmd->add_option("-j,--threads", sensitivity.threads, "Worker threads (0: one per core)")
      ->check(CLI::Range(0u, 4096u));
  sensitivity_cmd->add_option("--seed", sensitivity.seed, "Random seed (default: the file's, else the study's)")
      ->check(kSeed);
  sensitivity_cmd->add_flag("-q,--quiet", sensitivity.quiet, "No progress on stderr");
  add_allow_outside(sensitivity_cmd, allow_outside);

  // The report page and the workbook, built by the Python package; --lang of the printed reports.
  leapsim::app::PythonCommandOptions report_page, workbook;
  CLI::App* report_cmd = leapsim::app::add_python_command(
      app, "report", "Write a self-contained HTML report of a results file (Chinese or English)", report_page);
  CLI::App* export_cmd = leapsim::app::add_python_command(
      app, "export", "Write a results file's tables to an Excel workbook (.xlsx) or a CSV file", workbook);
  run_cmd->add_option("--lang", run.lang, "Language of the printed report: en or zh")
      ->check(CLI::IsMember(leapsim::app::kLanguageNames));
  compare_cmd->add_option("--lang", compare.lang, "Language of the printed tables: en or zh")
      ->check(CLI::IsMember(leapsim::app::kLanguageNames));
  leapsim::app::explain_help(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kBadFlagExit;  // --help and --version are no errors
  }
  // Files a scenario names stay in its folder tree unless the user says otherwise: a study
  // received from someone else must not make leapsim read (and quote) files elsewhere.
  const leapsim::innovation::NamedFilesPolicy named_files(
      allow_outside ? leapsim::innovation::NamedFiles::anywhere : leapsim::innovation::NamedFiles::inside_folder);
  try {
    if (*demo_cmd) return leapsim::app::run_demo(demo, std::cout);
    if (*run_cmd) {
      for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
      return leapsim::app::run_study_command(run, std::cout, std::cerr);
    }
    if (*sensitivity_cmd) {
      for (int i = 0; i < argc; ++i) sensitivity.command_line += (i ? " " : "") + std::string(argv[i]);
      return leapsim::app::sensitivity_command(sensitivity, std::cout, std::cerr);
    }
    if (*compare_cmd) return leapsim::app::compare_command(compare, std::cout);
    if (*info_cmd) return leapsim::app::info_command(info_file, std::cout);
    if (*calibrate_cmd) {
      if (!bisect.fits.empty()) {
        bisect.file = calibrate.file, bisect.threads = calibrate.threads;
        if (*seed_option) bisect.seed = calibrate_seed;
        return leapsim::app::bisect_command(bisect, std::cout);
      }
      if (!leapsim::innovation::is_calibration_file(calibrate.file))
        throw leapsim::UsageError("calibrate: " + calibrate.file +
                                  " is not a calibration file (its top level "
                                  "must be `calibration:`, docs/calibration.md); for the quick bisection fit of a "
                                  "scenario give --fit");
      if (calibrate.output.empty())
        throw leapsim::UsageError("calibrate: give -o POSTERIOR.h5, the file the posterior is written to");
      if (*seed_option) calibrate.seed = calibrate_seed;
      return leapsim::app::calibrate_command(calibrate, std::cout, std::cerr);
    }
    if (*backtest_cmd) {
      if (!leapsim::innovation::is_calibration_file(backtest.file))
        throw leapsim::UsageError("backtest: " + backtest.file +
                                  " is not a calibration file (its top level must be `calibration:`, "
                                  "docs/calibration.md)");
      if (*backtest_seed_option) backtest.seed = backtest_seed;
      return leapsim::app::backtest_command(backtest, std::cout, std::cerr);
    }
    if (*validate_cmd) return leapsim::app::validate_command(validate_files, std::cout, std::cerr);
    if (*report_cmd) leapsim::app::run_python_command("report", report_page);
    if (*export_cmd) leapsim::app::run_python_command("export", workbook);
  } catch (...) {
    return leapsim::app::report_failure(std::current_exception(), "", std::cerr);
  }
  return 0;
}
