#include "leapsim/mpi/distributed_runner.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "leapsim/engine/bytes.hpp"
#include "leapsim/engine/errors.hpp"

namespace leapsim::mpi {
namespace {

// Message tags. A worker thread on another rank sends kRequest (carrying the results of its last
// chunk) and waits for kReply (its next chunk, empty when there is no more work), or ends with
// kFailed (an error text) or kStopped (its rank was asked to stop).
constexpr int kRequest = 1;
constexpr int kReply = 2;
constexpr int kFailed = 3;
constexpr int kStopped = 4;

// The largest chunk: results travel to rank 0 once per chunk, so this bounds how stale progress
// and how late a stop can be, at a message per 64 items.
constexpr std::size_t kMaxChunk = 64;

// After a stop, how long rank 0 waits for the other ranks' threads to finish their current item.
constexpr auto kStopGrace = std::chrono::seconds(10);

using Chunk = std::pair<std::uint64_t, std::uint64_t>;  // [first, last) item

bool stop_raised(const RunnerOptions& options) { return options.stop != nullptr && options.stop->load(); }

// MPI counts bytes in an int, and a chunk's recorded events can pass 2 GiB: a message goes as its
// size, then parts of at most 1 GiB, all with one tag. Messages between two ranks with one tag
// arrive in the order sent, and a rank's threads send one at a time, so parts never interleave.
constexpr std::size_t kPart = std::size_t{1} << 30;

void send_message(std::string_view bytes, int destination, int tag) {
  std::uint64_t size = bytes.size();
  MPI_Send(&size, 1, MPI_UINT64_T, destination, tag, MPI_COMM_WORLD);
  for (std::size_t at = 0; at < bytes.size(); at += kPart) {
    const std::size_t n = std::min(kPart, bytes.size() - at);
    MPI_Send(bytes.data() + at, static_cast<int>(n), MPI_BYTE, destination, tag, MPI_COMM_WORLD);
  }
}

/// Receives a message send_message sent, given its size (the first message) already probed.
std::string receive_message(int source, int tag) {
  std::uint64_t size = 0;
  MPI_Recv(&size, 1, MPI_UINT64_T, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < bytes.size(); at += kPart) {
    const std::size_t n = std::min(kPart, bytes.size() - at);
    MPI_Recv(bytes.data() + at, static_cast<int>(n), MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return bytes;
}

/// Rank 0: the work queue, the results arriving, and the first failure.
class Coordinator {
 public:
  Coordinator(std::size_t count, unsigned workers, const RunnerOptions& options, const ReceiveItem& receive)
      : count_(count), workers_(workers), options_(options), receive_(receive) {}

  /// The next chunk: a share of the remaining items, shrinking to one (capped at kMaxChunk);
  /// empty once stopping.
  Chunk take() {
    const std::lock_guard lock(mutex_);
    if (stopping_) return {0, 0};
    const std::size_t left = count_ - next_;
    const std::size_t size = std::min({left, kMaxChunk, std::max<std::size_t>(1, left / (2 * workers_))});
    const Chunk chunk{next_, next_ + size};
    next_ += size;
    return chunk;
  }

  /// Hands a finished item to the caller and reports progress.
  void deliver(std::size_t item, std::string_view bytes) {
    const std::lock_guard lock(mutex_);
    if (error_) return;
    try {
      receive_(item, bytes);
    } catch (...) {
      fail_locked(std::current_exception());
      return;
    }
    ++received_;
    if (options_.on_progress) options_.on_progress(Progress{received_, count_});
  }

  /// Records a failure (the first one wins) and stops handing out work.
  void fail(std::exception_ptr error) {
    const std::lock_guard lock(mutex_);
    fail_locked(std::move(error));
  }

  /// Stops handing out work.
  void stop() {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }

  bool stopping() {
    const std::lock_guard lock(mutex_);
    return stopping_;
  }

  /// Rank 0's own worker thread.
  void work(const ComputeItem& compute) {
    for (;;) {
      const auto [first, last] = take();
      if (first == last) return;
      for (std::uint64_t i = first; i < last; ++i) {
        if (stop_raised(options_) || stopping()) return stop();
        try {
          const std::string bytes = compute(i);
          deliver(i, bytes);
        } catch (...) {
          return fail(std::current_exception());
        }
      }
    }
  }

  /// Throws what went wrong, if anything did.
  void finish() const {
    if (error_) std::rethrow_exception(error_);
    if (received_ < count_)
      throw Cancelled("stopped after " + std::to_string(received_) + " of " + std::to_string(count_) + " replications");
  }

 private:
  void fail_locked(std::exception_ptr error) {
    if (!error_) error_ = std::move(error);
    stopping_ = true;
  }

  std::mutex mutex_;
  std::size_t count_;
  unsigned workers_;
  const RunnerOptions& options_;
  const ReceiveItem& receive_;
  std::size_t next_ = 0;
  std::size_t received_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

/// Rank 0's main thread: answers the other ranks until each of their threads has signed off.
void serve(Session& session, Coordinator& coordinator, unsigned remote_threads, const RunnerOptions& options) {
  auto idle = std::chrono::microseconds(50);
  std::chrono::steady_clock::time_point stopped_at{};
  bool stop_seen = false;
  while (remote_threads > 0) {
    if (stop_raised(options)) coordinator.stop();
    if (!stop_seen && coordinator.stopping()) {
      stop_seen = true;
      stopped_at = std::chrono::steady_clock::now();
    }
    int waiting = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &waiting, &status);
    if (waiting == 0) {
      if (stop_seen && std::chrono::steady_clock::now() - stopped_at > kStopGrace) {
        session.mark_peers_lost();
        return;
      }
      // Sleeping, not spinning, leaves the core to this rank's worker threads.
      std::this_thread::sleep_for(idle);
      idle = std::min(idle * 2, std::chrono::microseconds(1000));
      continue;
    }
    idle = std::chrono::microseconds(50);
    const std::string message = receive_message(status.MPI_SOURCE, status.MPI_TAG);
    const std::string rank = "rank " + std::to_string(status.MPI_SOURCE) + ": ";
    if (status.MPI_TAG == kRequest) {
      try {
        ByteReader in(message);
        const auto results = in.get<std::uint64_t>();
        for (std::uint64_t k = 0; k < results; ++k) {
          const auto item = in.get<std::uint64_t>();
          coordinator.deliver(item, in.get_text());
        }
      } catch (const std::exception& e) {
        coordinator.fail(std::make_exception_ptr(SimulationError(rank + e.what())));
      }
      const Chunk chunk = coordinator.take();
      MPI_Send(&chunk, 2, MPI_UINT64_T, status.MPI_SOURCE, kReply, MPI_COMM_WORLD);
      if (chunk.first == chunk.second) --remote_threads;
    } else if (status.MPI_TAG == kFailed) {
      coordinator.fail(std::make_exception_ptr(SimulationError(rank + message)));
      --remote_threads;
    } else if (status.MPI_TAG == kStopped) {
      coordinator.stop();
      --remote_threads;
    }
  }
}

/// A worker thread on a rank other than 0: asks for chunks, computes them, sends results back.
void work_remotely(std::mutex& mpi, const ComputeItem& compute, const RunnerOptions& options) {
  // A request is the number of results it carries, then each as (item, bytes); the count is
  // written when the request goes, over a placeholder, so results are never copied.
  ByteWriter results;
  std::uint64_t held = 0;
  results.put(held);
  for (;;) {
    Chunk chunk;
    {
      std::string message = std::move(results).take();
      std::memcpy(message.data(), &held, sizeof held);
      const std::lock_guard lock(mpi);
      send_message(message, 0, kRequest);
      MPI_Recv(&chunk, 2, MPI_UINT64_T, 0, kReply, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    results = ByteWriter();
    held = 0;
    results.put(held);
    if (chunk.first == chunk.second) return;
    for (std::uint64_t i = chunk.first; i < chunk.second; ++i) {
      if (stop_raised(options)) {
        const std::lock_guard lock(mpi);
        return send_message({}, 0, kStopped);
      }
      try {
        const std::string bytes = compute(i);
        results.put(i);
        results.put_text(bytes);
        ++held;
      } catch (const std::exception& e) {
        const std::lock_guard lock(mpi);
        return send_message(e.what(), 0, kFailed);
      } catch (...) {
        const std::lock_guard lock(mpi);
        return send_message("unknown error", 0, kFailed);
      }
    }
  }
}

}  // namespace

void run_distributed(Session& session, std::size_t count, const RunnerOptions& options, const ComputeItem& compute,
                     const ReceiveItem& receive) {
  unsigned threads = options.threads != 0 ? options.threads : session.default_threads();
  if (session.rank() != 0 && !session.threads_may_call()) threads = 1;
  std::vector<unsigned> per_rank(static_cast<std::size_t>(session.size()));
  MPI_Gather(&threads, 1, MPI_UNSIGNED, per_rank.data(), 1, MPI_UNSIGNED, 0, MPI_COMM_WORLD);

  if (session.rank() != 0) {
    std::mutex mpi;  // threads of this rank call MPI one at a time (MPI_THREAD_SERIALIZED)
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back(work_remotely, std::ref(mpi), std::cref(compute), std::cref(options));
    return;
  }
  unsigned workers = 0;
  for (const unsigned t : per_rank) workers += t;
  Coordinator coordinator(count, workers, options, receive);
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back([&] { coordinator.work(compute); });
    serve(session, coordinator, workers - threads, options);
    if (session.peers_lost()) coordinator.stop();
  }
  coordinator.finish();
}

}  // namespace leapsim::mpi
