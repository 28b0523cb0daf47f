#pragma once
// `leapsim calibrate CALIBRATION.yaml -o POSTERIOR.h5`: fits a scenario's free parameters to
// observed figures by ABC-SMC (docs/calibration.md) and writes the weighted posterior draws with
// their diagnostics.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

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

/// Runs the calibration, prints its diagnostics and writes the posterior; returns the exit code.
int calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace leapsim::app
