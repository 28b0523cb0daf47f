#pragma once
// The interface every event queue implements. The simulation is a template over it, so a new
// queue (calendar, ladder, heap) drops in without virtual calls on the hot path and is
// benchmarked against the others in bench/.

#include <concepts>
#include <cstddef>
#include <functional>

#include "leapsim/engine/event.hpp"

namespace leapsim {

/// A priority queue of Events that pops in the total order of Event::operator<.
/// Cancellation is lazy (the simulation skips stale events), so a queue only needs
/// push, top, pop and a bulk purge.
template <class Q>
concept EventQueue = requires(Q q, const Q cq, Event e, std::function<bool(const Event&)> pred) {
  { q.push(e) } -> std::same_as<void>;
  { q.top() } -> std::convertible_to<const Event&>;  ///< smallest event; queue must not be empty
  { q.pop() } -> std::same_as<void>;                 ///< removes the smallest event
  { cq.empty() } -> std::same_as<bool>;
  { cq.size() } -> std::same_as<std::size_t>;
  { q.erase_if(pred) } -> std::same_as<std::size_t>;   ///< removes matching events, returns count
  { cq.memory_bytes() } -> std::same_as<std::size_t>;  ///< heap bytes held, capacity included
  { q.clear() } -> std::same_as<void>;
};

}  // namespace leapsim
