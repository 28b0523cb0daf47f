#include "leapsim/engine/replication_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim {
namespace {

/// What a running batch shares with report_task_fraction: each worker's fraction of its task.
struct BatchProgress {
  std::mutex* mutex;  // the batch's lock, under which progress is reported
  const std::size_t* done;
  std::size_t count;
  const std::function<void(const Progress&)>* on_progress;
  std::vector<std::atomic<double>> fractions;
  std::atomic<std::int64_t> next_report_ns{0};  // steady-clock time before which no partial report is made
};

/// Between partial reports: a terminal bar is redrawn at most five times a second.
constexpr std::int64_t kPartialReportNs = 200'000'000;

thread_local BatchProgress* tls_batch = nullptr;
thread_local std::size_t tls_worker = 0;

/// The work the running tasks have done, in tasks.
double running_work(const BatchProgress& b) {
  double sum = 0.0;
  for (const std::atomic<double>& f : b.fractions) sum += f.load(std::memory_order_relaxed);
  return sum;
}

}  // namespace

void report_task_fraction(double fraction) noexcept {
  BatchProgress* b = tls_batch;
  if (b == nullptr) return;
  b->fractions[tls_worker].store(std::clamp(fraction, 0.0, 1.0), std::memory_order_relaxed);
  if (*b->on_progress == nullptr) return;
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::int64_t due = b->next_report_ns.load(std::memory_order_relaxed);
  if (now < due || !b->next_report_ns.compare_exchange_strong(due, now + kPartialReportNs)) return;
  try {
    const std::lock_guard lock(*b->mutex);
    (*b->on_progress)(Progress{*b->done, b->count, running_work(*b)});
  } catch (...) {  // a progress display must never stop a run
  }
}

ReplicationRunner::ReplicationRunner(RunnerOptions options)
    : options_(std::move(options)),
      threads_(options_.threads != 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency())) {}

void ReplicationRunner::run(std::size_t count, const std::function<void(std::size_t)>& task) const {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards first_error, done and the progress callback
  std::exception_ptr first_error;
  std::size_t done = 0;
  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(threads_, std::max<std::size_t>(count, 1)));
  BatchProgress batch{&mutex, &done, count, &options_.on_progress, std::vector<std::atomic<double>>(n), {0}};

  auto stop_requested = [&] {
    return failed.load(std::memory_order_relaxed) || (options_.stop && options_.stop->load());
  };
  auto worker = [&](std::size_t slot) {
    BatchProgress* const outer = tls_batch;  // a task may run a batch of its own
    const std::size_t outer_worker = tls_worker;
    tls_batch = &batch;
    tls_worker = slot;
    struct Restore {
      BatchProgress* batch;
      std::size_t worker;
      ~Restore() { tls_batch = batch, tls_worker = worker; }
    } restore{outer, outer_worker};
    while (!stop_requested()) {
      const std::size_t r = next.fetch_add(1);
      if (r >= count) return;
      try {
        task(r);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
        return;
      }
      batch.fractions[slot].store(0.0, std::memory_order_relaxed);
      const std::lock_guard lock(mutex);
      ++done;
      if (options_.on_progress) options_.on_progress(Progress{done, count, running_work(batch)});
    }
  };

  {
    std::vector<std::jthread> pool;
    pool.reserve(n - 1);
    for (unsigned i = 1; i < n; ++i) pool.emplace_back(worker, i);
    worker(0);
  }
  if (first_error) std::rethrow_exception(first_error);
  if (done < count)
    throw Cancelled("stopped after " + std::to_string(done) + " of " + std::to_string(count) + " replications");
}

}  // namespace leapsim
