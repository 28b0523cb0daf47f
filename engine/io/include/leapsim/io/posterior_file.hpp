#pragma once
// Posterior files: an abc::Posterior (engine/posterior.hpp) written as HDF5 through the results
// file machinery (results_file.hpp: atomic, refuses what is not ours) and read back with every
// check of read_results and of posterior_from_tree. docs/output-format.md, "Posterior files".
#include <atomic>
#include <filesystem>

#include "leapsim/engine/posterior.hpp"
#include "leapsim/io/results_file.hpp"

namespace leapsim::io {

/// Writes the posterior to `path` atomically (write_results). With Overwrite::replace an existing
/// file is replaced only when it is a LeapSim posterior file: anything else, a results file or a
/// file that cannot be read included, is refused with UsageError and left as it was. Throws
/// UsageError for an inconsistent posterior or a refused destination, IoError if writing fails,
/// Cancelled when `stop` turns true before the file is in place (nothing is written).
void write_posterior(const std::filesystem::path& path, const abc::Posterior& posterior, Overwrite overwrite,
                     const std::atomic<bool>* stop = nullptr);

/// Reads a posterior file, trusting nothing in it; throws IoError naming the file, the object and
/// what is wrong (a results file: "FILE is a results file, not a posterior file ...").
abc::Posterior read_posterior(const std::filesystem::path& path);

}  // namespace leapsim::io
