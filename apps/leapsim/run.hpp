#pragma once
// `leapsim run` and `leapsim validate`: run a study file and print what a bureau needs to decide;
// check scenario and study files.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace leapsim::app {

/// Options of the run sub-command; unset ones come from the study file.
struct RunOptions {
  std::string study;
  std::optional<std::uint32_t> replications;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  bool quiet = false;
};

/// Runs a study and prints its report on `out`, progress on `err`; returns the exit code.
int run_study_command(const RunOptions& options, std::ostream& out, std::ostream& err);

/// Checks files and prints every error as file:line:column; returns 0 when all are valid, else 1.
int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

}  // namespace leapsim::app
