#pragma once
// Results files: a ResultGroup tree written to HDF5 with the C API behind RAII handles, and read
// back. Writing is atomic: the file is built under a temporary name in the destination's folder
// and renamed over the destination only once complete, so a run killed at any moment leaves the
// previous file or none, never a truncated one.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

#include "leapsim/engine/result_tree.hpp"

namespace leapsim::io {

/// How an existing destination is treated.
enum class Overwrite : bool { refuse, replace };

/// Writes the tree (the root group's attributes become the file's) to `path` atomically. Throws
/// UsageError if the file exists and overwriting is refused, IoError if writing fails (the
/// temporary file is then removed).
void write_results(const std::filesystem::path& path, const ResultGroup& root, Overwrite overwrite);

/// Reads a results file back into a tree. Nothing in the file is trusted: sizes are checked
/// against what the file stores before anything is allocated, each object is read once (no
/// cycles), only hard links inside the file are followed, texts must be UTF-8, and a file whose
/// root says `format: leapsim-results` must follow that layout (results_layout.hpp). The file is
/// read once in a child process first, so a damaged file that crashes HDF5 itself ends in an
/// error too. Throws IoError naming the file, the object and what is wrong.
ResultGroup read_results(const std::filesystem::path& path);

/// Reads the bytes of a results file held in memory with the same checks as read_results, in this
/// process (no child: the fuzzer reads through here to find what crashes); `name` stands for the
/// file in messages.
ResultGroup read_results_image(std::span<const std::byte> bytes, const std::string& name);

/// The temporary name write_results builds under, for this process: hidden, in the same folder.
std::filesystem::path partial_path(const std::filesystem::path& path);

}  // namespace leapsim::io
