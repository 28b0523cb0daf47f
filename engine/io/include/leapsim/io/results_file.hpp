#pragma once
// Results files: a ResultGroup tree written to HDF5 with the C API behind RAII handles, and read
// back. Writing is atomic: the file is built under a temporary name in the destination's folder
// and renamed over the destination only once complete, so a run killed at any moment leaves the
// previous file or none, never a truncated one.
#include <filesystem>

#include "leapsim/engine/result_tree.hpp"

namespace leapsim::io {

/// How an existing destination is treated.
enum class Overwrite : bool { refuse, replace };

/// Writes the tree (the root group's attributes become the file's) to `path` atomically. Throws
/// UsageError if the file exists and overwriting is refused, IoError if writing fails (the
/// temporary file is then removed).
void write_results(const std::filesystem::path& path, const ResultGroup& root, Overwrite overwrite);

/// Reads a results file back into a tree. Throws IoError if it cannot be read.
ResultGroup read_results(const std::filesystem::path& path);

/// The temporary name write_results builds under, for this process: hidden, in the same folder.
std::filesystem::path partial_path(const std::filesystem::path& path);

}  // namespace leapsim::io
