#pragma once
// A binary min-heap: the textbook queue, kept as the reference the others are checked and
// benchmarked against.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <vector>

#include "leapsim/engine/event.hpp"

namespace leapsim {

/// Binary heap over a contiguous vector: O(log n) push and pop.
class HeapQueue {
 public:
  /// Adds an event.
  void push(const Event& e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  /// The smallest event.
  const Event& top() const { return heap_.front(); }
  /// Removes the smallest event.
  void pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  /// Removes every event for which pred is true.
  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    const std::size_t removed = std::erase_if(heap_, pred);
    std::make_heap(heap_.begin(), heap_.end(), later);
    return removed;
  }
  std::size_t memory_bytes() const noexcept { return heap_.capacity() * sizeof(Event); }
  void clear() noexcept { heap_.clear(); }

 private:
  static bool later(const Event& a, const Event& b) noexcept { return b < a; }
  std::vector<Event> heap_;
};

}  // namespace leapsim
