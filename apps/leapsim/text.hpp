#pragma once
// printf-style formatting into a std::string, for the command's tables and messages.
#include <cstdio>
#include <string>

namespace leapsim::app {

/// The text printf would print; lines longer than the buffer are cut (the CLI's are short).
inline std::string format(const char* pattern, auto... args) {
  char buffer[320];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

}  // namespace leapsim::app
