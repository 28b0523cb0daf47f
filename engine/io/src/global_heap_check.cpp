#include "global_heap_check.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace leapsim::io {
namespace {

/// A little-endian unsigned integer of `width` bytes at `at` (the file's sizes are little-endian).
std::uint64_t little_endian(std::span<const std::byte> bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;) v = (v << 8) | std::to_integer<std::uint64_t>(bytes[at + i]);
  return v;
}

/// The superblock's "size of lengths" (2, 4 or 8 bytes), which global heaps use for their sizes; 0
/// when no superblock is found. It is looked for where HDF5 looks: at 0, 512, 1024, 2048, ...
std::size_t size_of_lengths(std::span<const std::byte> file) {
  constexpr std::string_view kSignature("\x89HDF\r\n\x1a\n", 8);
  for (std::size_t at = 0; at + 16 <= file.size(); at = at == 0 ? 512 : at * 2) {
    if (std::memcmp(file.data() + at, kSignature.data(), kSignature.size()) != 0) continue;
    const auto version = std::to_integer<unsigned>(file[at + 8]);
    return std::to_integer<std::size_t>(file[at + (version >= 2 ? 10 : 14)]);
  }
  return 0;
}

}  // namespace

std::optional<std::string> damaged_global_heap(std::span<const std::byte> file) {
  const std::size_t lengths = size_of_lengths(file);
  if (lengths != 2 && lengths != 4 && lengths != 8) return std::nullopt;  // HDF5 refuses such a file itself
  // A collection: "GCOL", version 1, 3 reserved bytes, its size (including this header); then
  // objects: index (2 bytes), reference count (2), reserved (4), size, data padded to 8 bytes.
  // Index 0 is free space, whose size counts its own header; HDF5 parses on after it.
  const std::size_t header = 8 + lengths, object_header = 8 + lengths;
  constexpr std::string_view kMagic("GCOL\x01", 5);
  const char* begin = reinterpret_cast<const char*>(file.data());
  const char* end = begin + file.size();
  for (const char* found = begin; (found = std::search(found, end, kMagic.begin(), kMagic.end())) != end; ++found) {
    const auto at = static_cast<std::size_t>(found - begin);
    if (at + header > file.size()) break;
    const std::uint64_t size = little_endian(file, at + 8, lengths);
    const std::string where = "the global heap at byte " + std::to_string(at);
    if (size < header || size > file.size() - at)
      return where + " states a size of " + std::to_string(size) + " bytes, past the end of the file";
    for (std::uint64_t p = header; p + object_header <= size;) {
      const std::uint64_t index = little_endian(file, at + p, 2);
      const std::uint64_t length = little_endian(file, at + p + 8, lengths);
      if (index == 0 && (length < object_header || length > size - p))
        return where + ": its free space states " + std::to_string(length) + " bytes, which do not fit the collection";
      if (index != 0 && (length > size || object_header + (length + 7) / 8 * 8 > size - p))
        return where + ": object " + std::to_string(index) + " states " + std::to_string(length) +
               " bytes, more than the collection holds";
      p += index == 0 ? length : object_header + (length + 7) / 8 * 8;
    }
  }
  return std::nullopt;
}

}  // namespace leapsim::io
