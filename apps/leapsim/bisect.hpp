#pragma once
// `leapsim calibrate SCENARIO --fit ...`, the quick mode: fits scenario parameters so that
// simulated means match observed figures, one parameter per figure, by bisection under common
// random numbers. A point, not a posterior: calibrate.hpp gives the parameters' uncertainty.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace leapsim::app {

/// Options of the quick mode of the calibrate sub-command.
struct BisectOptions {
  std::string file;               // scenario or study file (a study's base is fitted)
  std::vector<std::string> fits;  // "parameter.path=metric:year:observed[:low:high]"
  std::uint32_t replications = 40;
  std::uint64_t seed = 20160101;
  unsigned threads = 0;
  int rounds = 2;
};

/// Runs the fit and prints each step and the fitted values; returns the exit code.
int bisect_command(const BisectOptions& options, std::ostream& out);

}  // namespace leapsim::app
