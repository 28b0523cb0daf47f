// Entry (docs/model.md §4.7): new firms as a Poisson stream with a base, an incubated (per free
// carrier slot), an in-migration and a talent-programme part; carrier slots taken and left.
#include <array>
#include <cstdint>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

/// Entry rate parts: base, incubated (per free slot), in-migration, talent programme.
std::array<double, 4> InnovationModel::entry_rates() const {
  const EntryParameters& e = p_.entry;
  const Time t = sim_.now();
  const bool payable = region_.budget_left >= levers_.at(t).talent_cost_per_firm;  // thinned again on arrival
  return {e.base_rate * region_.entry_scale, e.rate_per_free_slot * static_cast<double>(free_slots()),
          e.in_migration_rate, payable ? levers_.at(t).talent_firms_per_year : 0.0};
}

void InnovationModel::refresh_entry_rate() {
  const std::array<double, 4> parts = entry_rates();
  const double rate = parts[0] + parts[1] + parts[2] + parts[3];
  time_change(entry_, kNoEntity, region_.entry_rate, rate);
  region_.entry_rate = rate;
}

void InnovationModel::enter(EntityId) {
  const Time t = sim_.now();
  RandomStream s = sim_.stream(entry_);
  // Every change of a rate part refreshes the schedule except the talent part falling away when
  // the fund runs low; the parts now in force never exceed the rate the event was drawn at, and
  // the shortfall is thinned out.
  const std::array<double, 4> parts = entry_rates();
  double u = s.uniform() * region_.entry_rate;
  std::size_t kind = 0;
  while (kind < 4 && u >= parts[kind]) u -= parts[kind++];
  region_.entry_rate = 0.0;  // nothing is pending now: the refresh below draws a fresh gap
  if (kind == 4 || (kind == 3 && !pay(Metric::talent_paid, levers_.at(t).talent_cost_per_firm))) {
    refresh_entry_rate();
    return;
  }
  const EntityId f = sim_.add_entity();
  const CaughtUpFirm caught = caught_up(f);
  FirmState& firm = caught.record;
  RandomStream fs = sim_.stream(review_, f);
  draw_attributes(caught, entrant_sampler_, p_.growth, fs);
  firm.born = firm.last_review = static_cast<float>(t);
  const double rev = revenue(firm);
  firm.revenue_history = {static_cast<float>(rev), 0.0F, 0.0F};
  firm.rd_history = {static_cast<float>(rev * firm.rd_intensity), 0.0F, 0.0F};
  firm.history_length = 0;
  if (kind == 1) take_slot(f);
  ++region_.alive;
  region_.patents_held += caught.inventions();
  region_.year[Metric::entries] += 1.0;
  emit(t, f, FirmEventKind::entered, static_cast<double>(kind));
  sim_.schedule(review_, f, t + 1.0);
  schedule_exit(f);
  refresh_patent_rate(caught, f);
  refresh_entry_rate();
}

std::uint64_t InnovationModel::free_slots() const {
  std::uint64_t free = 0;
  for (const CarrierState& c : carriers_)
    if (c.open) free += c.capacity - c.occupied;
  return free;
}

/// An incubated entrant takes a slot in the open carrier with the most free slots.
void InnovationModel::take_slot(EntityId f) {
  std::size_t best = carriers_.size();
  std::uint32_t most = 0;
  for (std::size_t c = 0; c < carriers_.size(); ++c) {
    const std::uint32_t free = carriers_[c].open ? carriers_[c].capacity - carriers_[c].occupied : 0;
    if (free > most) most = free, best = c;
  }
  if (best == carriers_.size()) return;
  ++carriers_[best].occupied;
  firms_[f].carrier = static_cast<std::uint16_t>(best);
}

void InnovationModel::leave_carrier(EntityId f) {
  FirmState& firm = firms_[f];
  --carriers_[firm.carrier].occupied;
  firm.carrier = kNoCarrier;
  refresh_entry_rate();
}

void InnovationModel::graduate(EntityId f, Time t) {
  leave_carrier(f);
  emit(t, f, FirmEventKind::graduated, 0.0);
}

}  // namespace leapsim::innovation::model
