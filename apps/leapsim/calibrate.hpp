#pragma once
// `leapsim calibrate CALIBRATION.yaml -o POSTERIOR.h5`: fits a scenario's free parameters to
// observed figures by ABC-SMC (docs/calibration.md) and writes the weighted posterior draws with
// their diagnostics.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "leapsim/engine/abc_smc.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"

namespace leapsim::app {

/// Options of a calibration run.
struct CalibrateOptions {
  std::string file;                   ///< calibration file (YAML)
  std::string output;                 ///< posterior file to write (HDF5)
  bool force = false;                 ///< replace an existing posterior file
  std::optional<std::uint64_t> seed;  ///< replaces the file's method.seed
  unsigned threads = 0;               ///< 0: one per core
  bool quiet = false;                 ///< no progress on stderr
};

/// Progress of a calibration on stderr: particles accepted in the current generation, with the
/// generation's ETA (one line redrawn on a terminal, a line per tenth otherwise).
class CalibrationProgress {
 public:
  explicit CalibrationProgress(std::ostream& err);
  void operator()(const abc::AbcProgress& p);
  /// Ends the redrawn line.
  void finish();

 private:
  std::ostream& err_;
  bool terminal_;
  bool shown_ = false;
  std::size_t generation_ = static_cast<std::size_t>(-1);
  std::size_t next_percent_ = 10;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point generation_start_ = start_;
};

/// Prints a calibration's generations, parameters, posterior predictive check and the rows left out.
void print_diagnostics(const innovation::CalibrationFile& cal, const innovation::CalibrationOutcome& outcome,
                       std::ostream& out);

/// Runs the calibration, prints its diagnostics and writes the posterior; returns the exit code.
int calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace leapsim::app
