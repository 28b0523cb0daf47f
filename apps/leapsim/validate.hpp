#pragma once
// `leapsim validate`: check scenario and study files and print every error.

#include <iosfwd>
#include <string>
#include <vector>

namespace leapsim::app {

/// Checks files and prints every error as file:line:column; returns 0 when all are valid, else 1.
int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

}  // namespace leapsim::app
