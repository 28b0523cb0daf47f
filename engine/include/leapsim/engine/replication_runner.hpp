#pragma once
// Runs independent replications on a pool of threads. Replication r is handed its index and
// writes its result to slot r, so results never depend on the thread count or on which thread
// ran what.

#include <atomic>
#include <cstddef>
#include <functional>

namespace leapsim {

/// Progress of a batch of replications, reported after each one finishes and, while long
/// replications run, a few times a second.
struct Progress {
  std::size_t done;
  std::size_t total;
  /// Replications' worth of work done in the replications still running (each 0 to 1, from the
  /// fraction its task reports), so progress moves within long replications.
  double running = 0.0;
};

/// Tells the runner how far the calling worker's task has come, 0 to 1 (the kernel reports its
/// simulated time every 65,536 events); a no-op outside a ReplicationRunner task. At most a few
/// calls a second reach the progress callback.
void report_task_fraction(double fraction) noexcept;

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
