#pragma once
// An event sink that keeps every firm event, for the model and study-runner tests.
#include <cstddef>
#include <vector>

#include "leapsim/innovation/model.hpp"

namespace leapsim::innovation::testing {

/// Keeps every firm event.
struct Recorder final : EventSink {
  std::vector<FirmEvent> events;
  void on_event(const FirmEvent& e) override { events.push_back(e); }
  std::size_t count(FirmEventKind kind) const {
    std::size_t n = 0;
    for (const FirmEvent& e : events) n += e.kind == kind;
    return n;
  }
};

/// The same event, field by field.
inline bool same_events(const FirmEvent& a, const FirmEvent& b) {
  return a.time == b.time && a.firm == b.firm && a.kind == b.kind && a.value == b.value && a.detail == b.detail;
}

/// The same events in the same order.
inline bool same_events(const std::vector<FirmEvent>& a, const std::vector<FirmEvent>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_events(a[i], b[i])) return false;
  return true;
}

}  // namespace leapsim::innovation::testing
