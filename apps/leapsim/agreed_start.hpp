#pragma once
// The start of a command over MPI ranks: every rank prepares (reads its files, rank 0 also checks
// the output) and they agree before any work, so a bad file is told once and no rank waits in a
// collective for one that failed.
#ifdef LEAPSIM_HAVE_MPI
#include <exception>
#include <optional>
#include <ostream>
#include <string>

#include "failure.hpp"
#include "leapsim/mpi/session.hpp"

namespace leapsim::app {

/// What this rank prepared, its own problem if any, and the exit codes the ranks agreed on:
/// rank 0's and the worst of all (both 0 when every rank is ready).
template <class T>
struct AgreedStart {
  std::optional<T> prepared;
  std::exception_ptr problem;
  int root_code = 0;
  int worst_code = 0;
};

/// Runs prepare() on this rank and agrees with the others (two collectives).
template <class Prepare>
auto agreed_start(const mpi::Session& session, Prepare prepare) {
  AgreedStart<decltype(prepare())> start;
  try {
    start.prepared.emplace(prepare());
  } catch (...) {
    start.problem = std::current_exception();
  }
  const int code = start.problem ? exit_code(start.problem) : 0;
  start.root_code = session.from_root(code);
  start.worst_code = session.max_over_ranks(code);
  return start;
}

/// The exit code when some rank could not start, or nullopt when every rank is ready. Each
/// problem is told once: rank 0's by rank 0 (every rank read the same files, so the others' are
/// the same), otherwise by the rank that met it, named by `rank`.
template <class T>
std::optional<int> start_failure(const AgreedStart<T>& start, bool root, const std::string& rank, std::ostream& err) {
  if (start.root_code != 0) {
    if (root) report_failure(start.problem, "", err);
    return start.root_code;
  }
  if (start.worst_code != 0) {
    if (start.problem) report_failure(start.problem, rank, err);
    return start.worst_code;
  }
  return std::nullopt;
}

}  // namespace leapsim::app
#endif
