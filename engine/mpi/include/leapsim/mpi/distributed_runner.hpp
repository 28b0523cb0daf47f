#pragma once
// Runs independent work items over every rank of an MPI job and every thread of each rank, and
// brings every item's result to rank 0 as bytes. Rank 0 hands out chunks of item indices as
// workers ask for them (guided scheduling: a share of what is left, shrinking to one item), so
// ranks with slower items simply ask less often. Which rank ran an item never changes its result.
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/mpi/session.hpp"

namespace leapsim::mpi {

/// Computes item i and returns its result as bytes.
using ComputeItem = std::function<std::string(std::size_t)>;
/// Receives the result of item i on rank 0; called one at a time, in arrival order.
using ReceiveItem = std::function<void(std::size_t, std::string_view)>;

/// Runs compute(i) for every i in [0, count) somewhere in the job and receive(i, bytes) on rank 0.
/// `options.threads` are this rank's worker threads (0: Session::default_threads); progress is
/// reported on rank 0 only. On rank 0 it throws the first error any rank raised (naming the rank)
/// and Cancelled when a stop flag of any rank was raised; on other ranks it returns once rank 0
/// has no more work for it, leaving the reporting to rank 0. When a rank stops answering after a
/// stop it marks the session's peers lost, so the caller ends the job with Session::abort.
void run_distributed(Session& session, std::size_t count, const RunnerOptions& options, const ComputeItem& compute,
                     const ReceiveItem& receive);

}  // namespace leapsim::mpi
