#pragma once
// `leapsim compare`: reprint the comparison tables of a saved results file.

#include <iosfwd>
#include <optional>
#include <string>

namespace leapsim::app {

/// Options of the compare sub-command.
struct CompareOptions {
  std::string file;
  std::optional<std::string> base;  // default: the study's base
  std::optional<std::string> metric;
  std::optional<int> year;
  std::string lang = "en";  // en or zh
};

/// Prints the comparison tables of a results file again.
int compare_command(const CompareOptions& options, std::ostream& out);

}  // namespace leapsim::app
