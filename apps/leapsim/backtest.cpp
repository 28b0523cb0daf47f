#include "backtest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <system_error>

#include "calibrate.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/backtest.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/io/results_file.hpp"
#include "python_command.hpp"
#include "stop_signal.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

namespace fs = std::filesystem;

/// Member progress on stderr: a redrawn line on a terminal, a line per tenth otherwise.
class MemberProgress {
 public:
  explicit MemberProgress(std::ostream& err) : err_(err) {}
  void operator()(std::size_t done, std::size_t total) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta = seconds * static_cast<double>(total - done) / static_cast<double>(done);
    if (terminal_) {
      err_ << format("\rforecast: %zu/%zu members, ETA %.0f s ", done, total, eta) << std::flush;
      if (done == total) err_ << '\n';
    } else if (10 * done >= next_tenth_ * total) {
      err_ << format("forecast: %zu of %zu members, ETA %.0f s\n", done, total, eta);
      next_tenth_ = 10 * done / total + 1;
    }
  }

 private:
  std::ostream& err_;
  bool terminal_ = isatty(fileno(stderr)) != 0;
  std::size_t next_tenth_ = 1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// A CSV field: quoted when it holds a comma or a quote.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// A number for the table: shortest round-trip form, "" for NaN (a score a bound does not have).
std::string csv_number(double x) { return std::isnan(x) ? std::string() : format("%.17g", x); }

/// The table as CSV (docs/calibration.md, "Back-tests"): one row a later figure.
std::string table_csv(const innovation::CalibrationFile& cal, const innovation::BacktestScoresTable& table) {
  std::string text =
      "figure,geography,year,metric,at,qualifier,observed,members,invalid_members,median,low_50,high_50,low_90,"
      "high_90,inside_50,inside_90,interval_score_50,interval_score_90,crps,relative_error\n";
  for (std::size_t k = 0; k < table.figures.size(); ++k) {
    const innovation::FigureScore& s = table.figures[k];
    const innovation::ObservedRow& row = cal.later_rows[k];
    text += csv_field(s.figure.target.name) + "," + csv_field(row.geography) + "," + std::to_string(row.year) + "," +
            std::string(innovation::metric_infos()[static_cast<std::size_t>(s.figure.metric)].name) + "," +
            csv_number(s.figure.year + s.figure.fraction) + "," + csv_field(row.qualifier) + "," +
            csv_number(s.figure.target.value) + "," + std::to_string(s.ensemble.size()) + "," +
            std::to_string(s.invalid_members) + "," + csv_number(s.median) + "," + csv_number(s.band_50.low) + "," +
            csv_number(s.band_50.high) + "," + csv_number(s.band_90.low) + "," + csv_number(s.band_90.high) + "," +
            (s.inside_50 ? "true" : "false") + "," + (s.inside_90 ? "true" : "false") + "," +
            csv_number(s.interval_score_50) + "," + csv_number(s.interval_score_90) + "," + csv_number(s.crps) + "," +
            csv_number(s.relative_error) + "\n";
  }
  return text;
}

/// Writes text to path through a hidden temporary in the same folder, made durable, then renamed
/// (or, without force, hard-linked, which fails if the path appeared meanwhile): complete or absent.
void write_atomically(const fs::path& path, const std::string& text, bool force) {
  const io::Overwrite overwrite = force ? io::Overwrite::replace : io::Overwrite::refuse;
  io::check_destination(path, overwrite);
  const fs::path partial = io::partial_path(path);
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw IoError("cannot write " + partial.string() + ": " + std::generic_category().message(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    written += static_cast<std::size_t>(n);
  }
  const int error = written < text.size() || ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  std::error_code ec;
  if (error != 0) {
    fs::remove(partial, ec);
    throw IoError("cannot write " + path.string() + ": " + std::generic_category().message(error));
  }
  if (force) {
    fs::rename(partial, path, ec);
  } else if (::link(partial.c_str(), path.c_str()) != 0) {
    ec = std::error_code(errno, std::generic_category());
  }
  std::error_code ignored;
  fs::remove(partial, ignored);
  if (ec == std::errc::file_exists) throw UsageError(path.string() + " exists; use --force to replace it");
  if (ec) throw IoError("cannot write " + path.string() + ": " + ec.message());
}

/// Fits the figures up to the cut-off; the draws the ensemble takes (the prior without a fit).
std::optional<innovation::CalibrationOutcome> fit(const innovation::CalibrationFile& cal,
                                                  const abc::AbcOptions& settings, bool quiet, std::ostream& out,
                                                  std::ostream& err) {
  if (!cal.problem) {
    out << format("No figure up to %d to fit: the forecast draws its parameters from the priors.\n", cal.up_to);
    return std::nullopt;
  }
  CalibrationProgress progress(err);
  abc::AbcOptions with_progress = settings;
  if (!quiet) with_progress.on_progress = [&](const abc::AbcProgress& p) { progress(p); };
  innovation::CalibrationOutcome outcome = innovation::calibrate(*cal.problem, with_progress);
  if (!quiet) progress.finish();
  if (outcome.result.particles.empty())
    throw SimulationError(
        "backtest: generation 0 found no particle within the initial tolerance; raise "
        "method.initial_tolerance or method.max_attempts_per_particle");
  print_diagnostics(cal, outcome, out);
  return outcome;
}

std::string band_text(const stats::Interval& band) { return format("[%.0f, %.0f]", band.low, band.high); }

std::string score_text(double x) { return std::isnan(x) ? std::string("-") : format("%.4g", x); }

void print_table(const innovation::CalibrationFile& cal, const innovation::BacktestScoresTable& table,
                 std::size_t members, std::ostream& out) {
  out << format(
      "\nForecasts of the %zu figures after %d (%zu members each; a bound is inside a band that reaches "
      "past it):\n",
      table.figures.size(), cal.up_to, members);
  out << format("  %-36s %-24s %10s %10s %22s %22s %4s %4s %10s %10s %10s %8s\n", "figure", "qualifier", "observed",
                "median", "50% band", "90% band", "50%", "90%", "IS 50%", "IS 90%", "CRPS", "rel.err");
  for (std::size_t k = 0; k < table.figures.size(); ++k) {
    const innovation::FigureScore& s = table.figures[k];
    out << format("  %-36s %-24s %10g %10.0f %22s %22s %4s %4s %10s %10s %10s %8s", s.figure.target.name.c_str(),
                  cal.later_rows[k].qualifier.c_str(), s.figure.target.value, s.median, band_text(s.band_50).c_str(),
                  band_text(s.band_90).c_str(), s.inside_50 ? "yes" : "no", s.inside_90 ? "yes" : "no",
                  score_text(s.interval_score_50).c_str(), score_text(s.interval_score_90).c_str(),
                  score_text(s.crps).c_str(), score_text(s.relative_error).c_str());
    if (s.invalid_members > 0) out << format("  (%zu members could not run)", s.invalid_members);
    out << '\n';
  }
  if (table.summary) {
    const scores::BacktestScores& m = *table.summary;
    out << format(
        "\nSummary over the %zu figures that are not bounds: coverage of the 50%% band %.0f%%, of the 90%% band "
        "%.0f%%;\n  mean interval score %.4g (50%%) and %.4g (90%%); mean CRPS %.4g; median relative error %.3g\n",
        m.figures, 100.0 * m.coverage_50, 100.0 * m.coverage_90, m.mean_interval_score_50, m.mean_interval_score_90,
        m.mean_crps, m.median_relative_error);
  }
  if (table.bounds > 0)
    out << format("Bounds: %zu of %zu inside their 90%% band.\n", table.bounds_inside_90, table.bounds);
}

/// Draws the plot of the table at csv into options.plot by the Python package.
void plot(const fs::path& csv, const BacktestOptions& options) {
  std::vector<std::string> args = {csv.string(), "-o", options.plot, "--lang", options.lang};
  if (options.force) args.emplace_back("--force");
  const int code = run_python_child("backtest-plot", std::move(args));
  if (stop_flag().load()) throw Cancelled("stopped while drawing the plot");
  if (code != 0) throw Error("backtest: drawing " + options.plot + " failed (leapsim.cli backtest-plot above)");
}

}  // namespace

int backtest_command(const BacktestOptions& options, std::ostream& out, std::ostream& err) {
  const innovation::CalibrationFile cal = innovation::load_calibration(options.file, options.cutoff);
  const innovation::Parameters& scenario = cal.scenario.parameters;
  if (cal.later_figures.empty())
    throw UsageError("backtest: " + options.file + " has no observed figure after the cut-off " +
                     std::to_string(options.cutoff) + " inside the scenario's horizon " +
                     std::to_string(scenario.start_year) + "-" + std::to_string(scenario.end_year) +
                     ": nothing to score; choose an earlier --cutoff");
  const io::Overwrite overwrite = options.force ? io::Overwrite::replace : io::Overwrite::refuse;
  if (!options.output.empty()) io::check_destination(options.output, overwrite);
  if (!options.plot.empty()) {
    io::check_destination(options.plot, overwrite);
    (void)python_package_folder();  // missing Python found now, not after the run
  }
  abc::AbcOptions settings = cal.options;
  if (options.seed) settings.seed = *options.seed;
  settings.threads = options.threads;
  stop_on_signals();
  settings.stop = &stop_flag();
  out << format(
             "Back-test of %s cut at %d: %zu free parameters, %zu figures fitted, %zu later figures scored, "
             "%zu members, seed %llu\n",
             options.file.c_str(), cal.up_to, cal.free_parameters.size(),
             cal.problem ? cal.problem->figures().size() : std::size_t{0}, cal.later_figures.size(), options.members,
             static_cast<unsigned long long>(settings.seed))
      << std::flush;
  const auto start = std::chrono::steady_clock::now();
  const std::optional<innovation::CalibrationOutcome> outcome = fit(cal, settings, options.quiet, out, err);
  const double fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const innovation::CalibrationProblem later(scenario, cal.free_parameters, cal.later_figures);
  innovation::BacktestDraws draws;
  if (outcome) {
    draws.particles = outcome->result.particles;
    draws.weights = outcome->result.weights;
  } else {
    draws.priors = later.priors();
  }
  innovation::BacktestOptions ensemble_options{options.members, settings.seed, options.threads, &stop_flag(), {}};
  MemberProgress progress(err);
  if (!options.quiet)
    ensemble_options.on_progress = [&](std::size_t done, std::size_t total) { progress(done, total); };
  const auto forecast_start = std::chrono::steady_clock::now();
  const std::vector<std::vector<double>> ensemble = innovation::forecast_ensemble(later, draws, ensemble_options);
  const double forecast_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - forecast_start).count();
  const innovation::BacktestScoresTable table = innovation::score_figures(cal.later_figures, ensemble);
  print_table(cal, table, options.members, out);
  out << format("\n%.1f s fitting (%zu simulations), %.1f s forecasting (%zu simulations)\n", fit_seconds,
                outcome ? outcome->result.simulations + outcome->predictive.size() : std::size_t{0}, forecast_seconds,
                options.members);

  if (stop_flag().load()) throw Cancelled("stopped before writing");
  const std::string csv = table_csv(cal, table);
  if (!options.output.empty()) {
    write_atomically(options.output, csv, options.force);
    out << "table written to " << options.output << '\n';
  }
  if (!options.plot.empty()) {
    // The plot reads the table from a file: the one just written, or a hidden one beside the plot.
    fs::path table_file = options.output;
    const bool temporary = options.output.empty();
    if (temporary) {
      const fs::path png(options.plot);
      table_file = png.parent_path() / ("." + png.filename().string() + ".table-" + std::to_string(getpid()) + ".csv");
      write_atomically(table_file, csv, true);
    }
    try {
      plot(table_file, options);
    } catch (...) {
      std::error_code ec;
      if (temporary) fs::remove(table_file, ec);
      throw;
    }
    std::error_code ec;
    if (temporary) fs::remove(table_file, ec);
    out << "plot written to " << options.plot << '\n';
  }
  return 0;
}

}  // namespace leapsim::app
