#pragma once
// `leapsim calibrate`: fits scenario parameters so that simulated means match observed figures,
// one parameter per figure, by bisection under common random numbers.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace leapsim::app {

/// Options of the calibrate sub-command.
struct CalibrateOptions {
  std::string file;               // scenario or study file (a study's base is fitted)
  std::vector<std::string> fits;  // "parameter.path=metric:year:observed[:low:high]"
  std::uint32_t replications = 40;
  std::uint64_t seed = 20160101;
  unsigned threads = 0;
  int rounds = 2;
};

/// Runs the fit and prints each step and the fitted values; returns the exit code.
int calibrate_command(const CalibrateOptions& options, std::ostream& out);

}  // namespace leapsim::app
