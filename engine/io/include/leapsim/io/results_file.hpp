#pragma once
// Results files: a ResultGroup tree written to HDF5 with the C API behind RAII handles, and read
// back. Writing is atomic: the file is built under a temporary name in the destination's folder
// and renamed over the destination only once complete, so a run killed at any moment leaves the
// previous file or none, never a truncated one.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

#include "leapsim/engine/result_tree.hpp"

namespace leapsim::io {

/// How an existing destination is treated.
enum class Overwrite : bool { refuse, replace };

/// Writes the tree (the root group's attributes become the file's) to `path` atomically: built in
/// memory, written to a hidden temporary in the same folder, then renamed. Temporaries that
/// killed writes of the same path left behind (their process is gone) are removed first. Throws
/// UsageError for a destination check_destination refuses, IoError if writing fails (naming the
/// cause, e.g. "No space left on device"; the temporary is then removed), and Cancelled when
/// `stop` turns true before the rename (nothing is written).
void write_results(const std::filesystem::path& path, const ResultGroup& root, Overwrite overwrite,
                   const std::atomic<bool>* stop = nullptr);

/// Checks that results may be written to `path`, before any work is spent on them: it must be
/// absent, or with Overwrite::replace a regular file (never a device, a FIFO, a folder or a
/// symbolic link), in a folder that exists and where this process can create files. Throws
/// UsageError for the destination, IoError for the folder.
void check_destination(const std::filesystem::path& path, Overwrite overwrite);

/// Reads a results file back into a tree. Nothing in the file is trusted: sizes are checked
/// against what the file stores before anything is allocated, each object is read once (no
/// cycles), only hard links inside the file are followed, texts must be UTF-8, and a file whose
/// root says `format: leapsim-results` must follow that layout (results_layout.hpp). The file is
/// read once in a child process first, so a damaged file that crashes HDF5 itself ends in an
/// error too. Throws IoError naming the file, the object and what is wrong.
ResultGroup read_results(const std::filesystem::path& path);

/// True when the file starts with the HDF5 signature (results files have no user block).
bool has_hdf5_signature(const std::filesystem::path& path);

/// Reads the bytes of a results file held in memory with the same checks as read_results, in this
/// process (no child: the fuzzer reads through here to find what crashes); `name` stands for the
/// file in messages.
ResultGroup read_results_image(std::span<const std::byte> bytes, const std::string& name);

/// The temporary name write_results builds under, for this process: hidden, in the same folder.
std::filesystem::path partial_path(const std::filesystem::path& path);

}  // namespace leapsim::io
