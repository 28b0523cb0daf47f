#pragma once
// A sorted FIFO beside the event queue. Events scheduled at a fixed delay from the current time
// (yearly reviews, anniversaries) arrive in time order, so appending them to a FIFO keeps it
// sorted and costs O(1) each way instead of a trip through the queue.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "leapsim/engine/event.hpp"
#include "leapsim/engine/huge_page_allocator.hpp"

namespace leapsim {

/// Events in nondecreasing order, in a ring buffer; accepts an event only if it keeps that order.
class FifoLane {
 public:
  /// Appends the event if it is not earlier than the last one; returns whether it was taken.
  bool try_push(const Event& e) {
    if (size_ != 0 && e < at(size_ - 1)) return false;
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) & mask_] = e;
    ++size_;
    return true;
  }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  /// The k-th earliest event (0 is the front); k < size().
  const Event& at(std::size_t k) const noexcept { return ring_[(head_ + k) & mask_]; }
  /// The earliest event; the lane must not be empty.
  const Event& front() const noexcept { return ring_[head_]; }
  void pop() noexcept {
    head_ = (head_ + 1) & mask_;
    --size_;
  }
  /// Removes the events matching the predicate; order is kept.
  template <class Pred>
  std::size_t erase_if(Pred pred) {
    std::size_t kept = 0;
    for (std::size_t k = 0; k < size_; ++k) {
      const Event e = at(k);
      if (!pred(e)) ring_[(head_ + kept++) & mask_] = e;
    }
    const std::size_t removed = size_ - kept;
    size_ = kept;
    return removed;
  }
  std::size_t memory_bytes() const noexcept { return ring_.capacity() * sizeof(Event); }

 private:
  /// Doubles the ring (a power of two), unwrapping the events to the front.
  void grow() {
    HugePageVector<Event> bigger(std::max<std::size_t>(64, 2 * ring_.size()));
    for (std::size_t k = 0; k < size_; ++k) bigger[k] = at(k);
    ring_ = std::move(bigger);
    head_ = 0;
    mask_ = ring_.size() - 1;
  }
  HugePageVector<Event> ring_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace leapsim
