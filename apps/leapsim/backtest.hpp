#pragma once
// `leapsim backtest CALIBRATION.yaml --cutoff YEAR`: fits the calibration on the figures up to the
// cut-off, forecasts every later observed figure with an ensemble drawn from the posterior (the
// prior when nothing up to the cut-off can be fitted) and scores the forecasts (docs/calibration.md,
// "Back-tests"): a table on stdout, optionally as CSV (-o) and a plot (--plot, by the Python package).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace leapsim::app {

/// Options of a back-test.
struct BacktestOptions {
  std::string file;                   ///< calibration file (YAML)
  int cutoff = 0;                     ///< the last year whose figures are fitted
  std::string output;                 ///< CSV table to write, or empty
  std::string plot;                   ///< PNG to write, or empty
  std::string lang = "zh";            ///< language of the plot's labels
  bool force = false;                 ///< replace existing output files
  std::optional<std::uint64_t> seed;  ///< replaces the file's method.seed (fit and ensemble)
  std::size_t members = 400;          ///< ensemble size
  unsigned threads = 0;               ///< 0: one per core
  bool quiet = false;                 ///< no progress on stderr
};

/// Runs the back-test, prints the fit's diagnostics, the table and the summary, writes the files
/// asked for; returns the exit code.
int backtest_command(const BacktestOptions& options, std::ostream& out, std::ostream& err);

}  // namespace leapsim::app
