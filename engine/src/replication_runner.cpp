#include "leapsim/engine/replication_runner.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim {

ReplicationRunner::ReplicationRunner(RunnerOptions options)
    : options_(std::move(options)),
      threads_(options_.threads != 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency())) {}

void ReplicationRunner::run(std::size_t count, const std::function<void(std::size_t)>& task) const {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards first_error, done and the progress callback
  std::exception_ptr first_error;
  std::size_t done = 0;

  auto stop_requested = [&] {
    return failed.load(std::memory_order_relaxed) || (options_.stop && options_.stop->load());
  };
  auto worker = [&] {
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
      const std::lock_guard lock(mutex);
      ++done;
      if (options_.on_progress) options_.on_progress(Progress{done, count});
    }
  };

  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(threads_, std::max<std::size_t>(count, 1)));
  {
    std::vector<std::jthread> pool;
    pool.reserve(n - 1);
    for (unsigned i = 1; i < n; ++i) pool.emplace_back(worker);
    worker();
  }
  if (first_error) std::rethrow_exception(first_error);
  if (done < count)
    throw Cancelled("stopped after " + std::to_string(done) + " of " + std::to_string(count) + " replications");
}

}  // namespace leapsim
