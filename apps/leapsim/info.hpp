#pragma once
// `leapsim info`: list what a saved results file holds.

#include <iosfwd>
#include <string>

namespace leapsim::app {

/// Prints what a results file holds: its attributes and its datasets with their shapes.
int info_command(const std::string& file, std::ostream& out);

}  // namespace leapsim::app
