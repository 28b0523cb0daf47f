#include "leapsim/io/posterior_file.hpp"

#include <string>
#include <system_error>

#include "leapsim/engine/errors.hpp"

namespace leapsim::io {
namespace {

/// Refuses to replace an existing file unless it reads as a LeapSim posterior file: --force
/// given by mistake must not destroy a results file, a scenario or a damaged file we cannot judge.
void check_replaceable(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, ec))) return;
  try {
    (void)read_posterior(path);
  } catch (const IoError& e) {
    throw UsageError("cannot replace " + path.string() + ": " + e.what() +
                     "; --force replaces only a LeapSim posterior file");
  }
}

}  // namespace

void write_posterior(const std::filesystem::path& path, const abc::Posterior& posterior, Overwrite overwrite,
                     const std::atomic<bool>* stop) {
  const ResultGroup tree = abc::posterior_tree(posterior);  // an inconsistent posterior fails before any check
  check_destination(path, overwrite);                       // links, devices and folders first: never read through them
  if (overwrite == Overwrite::replace) check_replaceable(path);
  write_results(path, tree, overwrite, stop);
}

abc::Posterior read_posterior(const std::filesystem::path& path) {
  return abc::posterior_from_tree(read_results(path), path.string());
}

}  // namespace leapsim::io
