#pragma once
// A check HDF5 1.10 leaves out: that every object of a global heap collection (where variable-
// length strings live) lies inside its collection. Its reader copies an object by the size the
// file states, so a damaged size reads far past the heap (found by fuzz/results_fuzzer).
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace leapsim::io {

/// What is wrong with the first damaged global heap collection in the bytes of an HDF5 file, or
/// nothing when every collection is sound (or the file has none).
std::optional<std::string> damaged_global_heap(std::span<const std::byte> file);

}  // namespace leapsim::io
