#pragma once
// A sorted FIFO beside the event queue. Events scheduled at a fixed delay from the current time
// (yearly reviews, anniversaries) arrive in time order, so appending them to a FIFO keeps it
// sorted and costs O(1) each way instead of a trip through the queue.
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "leapsim/engine/event.hpp"

namespace leapsim {

/// Events in nondecreasing order; accepts an event only if it keeps that order.
class FifoLane {
 public:
  /// Appends the event if it is not earlier than the last one; returns whether it was taken.
  bool try_push(const Event& e) {
    if (head_ < events_.size() && e < events_.back()) return false;
    if (head_ == events_.size()) {  // empty: restart at the front of the buffer
      events_.clear();
      head_ = 0;
    } else if (head_ >= 4096 && head_ * 2 >= events_.size()) {
      compact();
    }
    events_.push_back(e);
    return true;
  }
  bool empty() const noexcept { return head_ == events_.size(); }
  std::size_t size() const noexcept { return events_.size() - head_; }
  /// The earliest event; the lane must not be empty.
  const Event& front() const noexcept { return events_[head_]; }
  void pop() noexcept { ++head_; }
  /// The events in order, earliest first (for prefetching).
  std::span<const Event> upcoming() const noexcept { return {events_.data() + head_, size()}; }
  /// Removes the events matching the predicate; order is kept.
  template <class Pred>
  std::size_t erase_if(Pred pred) {
    compact();
    const auto before = events_.size();
    std::erase_if(events_, pred);
    return before - events_.size();
  }
  std::size_t memory_bytes() const noexcept { return events_.capacity() * sizeof(Event); }

 private:
  void compact() {
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  std::vector<Event> events_;
  std::size_t head_ = 0;
};

}  // namespace leapsim
