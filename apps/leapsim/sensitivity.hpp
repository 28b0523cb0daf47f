#pragma once
// `leapsim sensitivity STUDY --inputs FILE -o FILE.h5`: which scenario numbers drive a study's
// forecasts and its ranking of packages (Morris screening or Sobol indices, docs/sensitivity.md).
// Runs on the threads of one process.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace leapsim::app {

/// Options of a sensitivity analysis.
struct SensitivityOptions {
  std::string study;                          ///< study file (YAML)
  std::string inputs;                         ///< sensitivity file (YAML): inputs, ranges, design
  std::string output;                         ///< results file to write (HDF5); must not exist
  std::optional<std::string> method;          ///< morris or sobol; replaces the file's
  std::optional<std::uint64_t> seed;          ///< replaces the file's (and the study's)
  std::optional<std::uint32_t> replications;  ///< replaces the file's
  unsigned threads = 0;                       ///< 0: one per core
  bool quiet = false;
  std::string command_line;
};

/// Runs the analysis, prints the inputs ranked per headline output and writes the file; returns the exit code.
int sensitivity_command(const SensitivityOptions& options, std::ostream& out, std::ostream& err);

}  // namespace leapsim::app
