#pragma once
// printf-style formatting into a std::string, for the command's tables and messages.
#include <cstddef>
#include <cstdio>
#include <string>

namespace leapsim::app {

/// The text printf would print; lines longer than the buffer are cut (the CLI's are short).
inline std::string format(const char* pattern, auto... args) {
  char buffer[320];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

/// Columns a terminal gives a UTF-8 string: two for East Asian wide characters (CJK ideographs,
/// fullwidth forms), one for every other code point.
inline std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t code = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const bool wide = (code >= 0x1100 && code <= 0x115F) || (code >= 0x2E80 && code <= 0xA4CF) ||
                      (code >= 0xAC00 && code <= 0xD7A3) || (code >= 0xF900 && code <= 0xFAFF) ||
                      (code >= 0xFE30 && code <= 0xFE4F) || (code >= 0xFF00 && code <= 0xFF60) ||
                      (code >= 0xFFE0 && code <= 0xFFE6) || (code >= 0x20000 && code <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += length;
  }
  return width;
}

/// The text left-aligned in a field of `width` terminal columns (as printf's %-Ns for ASCII).
inline std::string pad(const std::string& text, std::size_t width) {
  const std::size_t used = display_width(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

}  // namespace leapsim::app
