#pragma once
// Runs independent replications on a pool of threads. Replication r is handed its index and
// writes its result to slot r, so results never depend on the thread count or on which thread
// ran what.

#include <atomic>
#include <cstddef>
#include <functional>

namespace leapsim {

/// Progress of a batch of replications, reported after each one finishes.
struct Progress {
  std::size_t done;
  std::size_t total;
};

/// Settings of a ReplicationRunner.
struct RunnerOptions {
  unsigned threads = 1;                              ///< 0 means one per hardware thread
  std::function<void(const Progress&)> on_progress;  ///< called under a lock, in completion order
  const std::atomic<bool>* stop = nullptr;           ///< when set true, no new replication starts
};

/// Runs task(r) for r in [0, count) on worker threads with dynamic load balancing.
class ReplicationRunner {
 public:
  explicit ReplicationRunner(RunnerOptions options = {});

  /// Runs every replication; rethrows the first exception a task threw (the others stop taking
  /// work), and throws Cancelled if the stop flag was raised before all replications ran.
  void run(std::size_t count, const std::function<void(std::size_t)>& task) const;

  /// Number of worker threads a run uses.
  unsigned threads() const noexcept { return threads_; }

 private:
  RunnerOptions options_;
  unsigned threads_;
};

}  // namespace leapsim
