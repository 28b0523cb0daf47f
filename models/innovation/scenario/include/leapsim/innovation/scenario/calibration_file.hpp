#pragma once
// Calibration files (docs/calibration.md, "Calibration files"): which scenario to fit, which
// observed figures, how each figure's qualifiers become its tolerance, a prior for each free
// parameter and the sampler's settings. Read into a CalibrationProblem and abc::AbcOptions with
// every error located (file, line, column), like scenario files.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "leapsim/engine/abc_smc.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/innovation/calibration.hpp"
#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// One row of an observed-figures file (data/observed/README.md).
struct ObservedRow {
  std::string geography;
  int year = 0;
  std::string metric;
  double value = 0.0;
  std::string qualifier;  ///< as written: words separated by ';'
  std::string source;
  std::string note;
  int line = 0;      ///< in its file, for messages
  std::string text;  ///< the row as written, for the posterior's record of the data used
};

/// Reads an observed-figures CSV (header geography,year,metric,value,qualifier,source,note).
/// Throws ScenarioError naming the file, line and column of the first bad row.
std::vector<ObservedRow> read_observed(const std::filesystem::path& file);

/// A row the calibration did not fit, and why (before the run, after the cut-off, a qualifier
/// that needs a tolerance of its own, no model metric).
struct LeftOutRow {
  ObservedRow row;
  std::string reason;
};

/// A calibration file, read and checked.
struct CalibrationFile {
  std::string name;
  std::string description;
  std::string file;  ///< as given
  std::string text;  ///< as read
  Scenario scenario;
  int up_to = 2018;  ///< the last year whose figures are fitted
  /// Set after a load, except for a back-test whose cut-off leaves no figure to fit.
  std::optional<CalibrationProblem> problem;
  std::vector<FreeParameter> free_parameters;  ///< as the problem has them, set even without one
  std::vector<ObservedRow> fitted_rows;        ///< in figure order
  std::vector<LeftOutRow> left_out;
  /// Rows after up_to inside the horizon, with the figures they give: what a back-test scores.
  std::vector<ObservedRow> later_rows;
  std::vector<FittedFigure> later_figures;
  abc::AbcOptions options;
  /// The CSV header and the fitted rows (inline figures as rows too): the data the posterior used.
  std::string data_text() const;
};

/// True when the file is a regular file whose top level is a `calibration` mapping (its first
/// key line, within the first 4 KiB); a device or FIFO is never read for it.
bool is_calibration_file(const std::filesystem::path& file);

/// Loads a calibration file; `cutoff`, when given, replaces the file's `up_to` (a back-test), and
/// a cut-off before every figure is then no error: `problem` stays empty, the prior is forecast.
/// Throws ScenarioError listing every located problem, UsageError for a problem of the whole
/// calibration (a prior outside its parameter's domain, no figure to fit).
CalibrationFile load_calibration(const std::filesystem::path& file, std::optional<int> cutoff = std::nullopt);

/// The posterior of a finished calibration, with the file's text, the data used, the resolved
/// scenario and the settings (without threads, stop flag or progress), ready to be written.
abc::Posterior posterior_of(const CalibrationFile& calibration, const CalibrationOutcome& outcome,
                            const abc::AbcOptions& settings, std::string created_by);

}  // namespace leapsim::innovation
