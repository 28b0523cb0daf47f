#pragma once
// A ladder queue (after Tang, Goh and Thng, ACM TOMACS 2005), tuned for large populations.
//
// Why not a heap: at a million pending events a heap pays a cache miss per level on every
// push and pop. Here events are only ever appended to unsorted buckets whose tails stay in
// cache, and each bucket is sorted once, when simulated time reaches it. An event is copied
// a few times (top -> rung -> finer rung -> bottom), always sequentially.
//
//   top     unsorted, every event at or after top_start_
//   rungs   rungs_[0] coarsest; each rung splits one bucket of the rung above into
//           equal-width time buckets; buckets before `next` have been handed down
//   bottom  the current small bucket, sorted, consumed from `head_`

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "leapsim/engine/event.hpp"

namespace leapsim {

/// Multi-level bucket queue with amortised O(1) push and pop for smooth time distributions.
class LadderQueue {
 public:
  /// Adds an event; its time must not precede the last popped event's time.
  void push(const Event& e) {
    ++size_;
    if (e.time >= top_start_) {
      top_.push_back(e);
      top_min_ = std::min(top_min_, e.time);
      top_max_ = std::max(top_max_, e.time);
      return;
    }
    for (std::size_t k = 0; k < depth_; ++k) {
      Rung& r = rungs_[k];
      const std::uint32_t i = r.index(e.time);
      if (i >= r.next) {
        std::vector<Event>& bucket = r.buckets[i];
        bucket.push_back(e);
        // A rung spreads pushes over up to 1024 buckets; in a queue larger than the caches each
        // bucket's next line is cold by the time it is needed (a miss to memory every four
        // events). Asking for it now, for writing, lets it arrive while the other buckets fill.
        // A small queue stays in cache, where the prefetch would only cost an instruction.
        if (size_ > kPrefetchAbove) __builtin_prefetch(bucket.data() + bucket.size() + 4, 1);
        return;
      }
    }
    push_bottom(e);
  }

  /// The smallest event; the queue must not be empty.
  const Event& top() {
    if (head_ == bottom_.size()) refill();
    return bottom_[head_];
  }

  /// Removes the smallest event; the queue must not be empty.
  void pop() {
    if (head_ == bottom_.size()) refill();
    ++head_;
    if (--size_ == 0) top_start_ = -std::numeric_limits<double>::infinity();  // empty: restart in top
  }

  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  /// The sorted events due next, smallest first, valid until the next push or pop. The
  /// simulation prefetches their entities' data; it is a subset of what pop will return.
  std::span<const Event> upcoming() const noexcept { return {bottom_.data() + head_, bottom_.size() - head_}; }
  /// Counts refills; a new value means upcoming() shows a fresh batch.
  std::uint64_t batches() const noexcept { return batches_; }

  /// Removes every event for which pred is true, keeping the structure intact.
  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::size_t removed = std::erase_if(top_, pred);
    for (std::size_t k = 0; k < depth_; ++k)
      for (auto& b : rungs_[k].buckets) removed += std::erase_if(b, pred);
    const auto first = bottom_.begin() + static_cast<std::ptrdiff_t>(head_);
    const auto kept = std::remove_if(first, bottom_.end(), pred);
    removed += static_cast<std::size_t>(bottom_.end() - kept);
    bottom_.erase(kept, bottom_.end());
    size_ -= removed;
    return removed;
  }

  /// Heap bytes held by the queue, spare capacity included.
  std::size_t memory_bytes() const noexcept;

  /// Drops every event and returns to the initial state (capacity is kept).
  void clear() noexcept;

 private:
  /// One level of equal-width buckets covering [start, start + count * width).
  struct Rung {
    double start = 0;
    double inv_width = 0;
    std::uint32_t next = 0;  ///< buckets below this index were handed down
    std::vector<std::vector<Event>> buckets;

    /// Bucket of a time; monotone in t, clamped so rounding never leaves the rung.
    std::uint32_t index(Time t) const noexcept {
      const double x = (t - start) * inv_width;
      const double last = static_cast<double>(buckets.size() - 1);
      return static_cast<std::uint32_t>(x <= 0.0 ? 0.0 : (x >= last ? last : x));
    }
  };

  /// False when [lo, hi] is one instant, or so narrow (denormals) that bucket widths overflow.
  static bool splittable(double lo, double hi) noexcept;
  void push_bottom(const Event& e);
  void sort_batch(std::vector<Event>& v);
  void refill();
  void bucket_to_bottom(std::vector<Event>& bucket);
  void spawn_rung(std::vector<Event>& events, double lo, double hi);

  static constexpr std::size_t kSortThreshold = 48;    // buckets this small are sorted directly
  static constexpr std::size_t kTargetPerBucket = 16;  // mean bucket fill of a new rung
  static constexpr std::size_t kMaxBuckets = 1024;     // keeps a rung's bucket headers in L1, tails in L2
  static constexpr std::size_t kMaxDepth = 24;         // past this, a bucket is sorted as is
  // Queues above this many events (1 MiB, half of L2) prefetch a bucket's next line on a push.
  static constexpr std::size_t kPrefetchAbove = std::size_t{1} << 16;

  std::vector<Event> top_;
  double top_start_ = -std::numeric_limits<double>::infinity();
  double top_min_ = std::numeric_limits<double>::infinity();
  double top_max_ = -std::numeric_limits<double>::infinity();
  std::vector<Rung> rungs_;  // rungs_[depth_..] are spares whose bucket arrays are reused
  std::size_t depth_ = 0;
  std::vector<Event> bottom_;  // sorted ascending; [0, head_) already popped
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::uint64_t batches_ = 0;
  std::vector<std::uint32_t> counts_;  // scratch of sort_batch
  std::vector<Event> scratch_;         // scratch of sort_batch
};

}  // namespace leapsim
