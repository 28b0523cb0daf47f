#pragma once
// The event record shared by every queue implementation and its total order.

#include <cstdint>
#include <limits>

#include "leapsim/engine/time.hpp"

namespace leapsim {

/// Stable id of an entity: its arrival serial number, never reused.
using EntityId = std::uint32_t;
/// Index of a registered process (a kind of event).
using ProcessId = std::uint16_t;
/// Tie-break rank of a process among events at the same time; lower fires first.
using Priority = std::uint16_t;

/// The entity id that global events (yearly rounds, reports, policy changes) carry; it sorts
/// after every real entity at the same time and priority.
inline constexpr EntityId kNoEntity = std::numeric_limits<EntityId>::max();

/// A scheduled event: 16 bytes, ordered by (time, priority, entity, process).
/// The three integer fields are packed into one word so the whole order is two comparisons.
struct Event {
  Time time;
  std::uint64_t rank;  ///< priority << 48 | entity << 16 | process

  /// Builds an event from its fields.
  static constexpr Event make(Time t, Priority priority, EntityId entity, ProcessId process) noexcept {
    return {t, (std::uint64_t{priority} << 48) | (std::uint64_t{entity} << 16) | process};
  }
  constexpr Priority priority() const noexcept { return static_cast<Priority>(rank >> 48); }
  constexpr EntityId entity() const noexcept { return static_cast<EntityId>(rank >> 16); }
  constexpr ProcessId process() const noexcept { return static_cast<ProcessId>(rank); }

  friend constexpr bool operator<(const Event& a, const Event& b) noexcept {
    return (a.time < b.time) | ((a.time == b.time) & (a.rank < b.rank));  // branch-free: sorts mispredict less
  }
  friend constexpr bool operator==(const Event& a, const Event& b) noexcept = default;
};
static_assert(sizeof(Event) == 16);

}  // namespace leapsim
