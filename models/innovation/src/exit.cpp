// Exit (docs/model.md §4.6): a piecewise-constant hazard by age, multiplied down for HTEs,
// incubated and larger firms; the exit time is drawn once and moved by a random time change when
// the multiplier changes.
#include <algorithm>
#include <cmath>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

/// Draws the exit time by inverting the integrated age hazard.
void InnovationModel::schedule_exit(EntityId f) {
  FirmState& firm = firms_[f];
  firm.exit_bits = exit_bits(firm, employees(firm, p_.growth), p_.exit);
  RandomStream s = sim_.stream(exit_, f);
  move_exit(f, s.exponential(1.0), exit_multiplier(firm.exit_bits, p_.exit));
}

/// Schedules exit where the integrated hazard from now, times the multiplier, reaches `budget`.
void InnovationModel::move_exit(EntityId f, double budget, double multiplier) {
  const FirmState& firm = firms_[f];
  const double age = sim_.now() - firm.born;
  const double target = hazard_.cumulative(age) + budget / multiplier;
  const double exit_age = hazard_.inverse(target);
  if (std::isfinite(exit_age))
    sim_.schedule(exit_, f, std::max(sim_.now(), static_cast<double>(firm.born) + exit_age));
  else
    sim_.cancel(exit_, f);
}

/// When the multiplier changes, the hazard still owed carries over (a random time change).
void InnovationModel::refresh_exit(EntityId f) { refresh_exit(f, employees(firms_[f], p_.growth)); }

/// The same, with the firm's employees already at hand (the review has them).
void InnovationModel::refresh_exit(EntityId f, double staff) {
  FirmState& firm = firms_[f];
  const std::uint8_t bits = exit_bits(firm, staff, p_.exit);
  if (bits == firm.exit_bits) return;
  const double old_multiplier = exit_multiplier(firm.exit_bits, p_.exit);
  firm.exit_bits = bits;
  const Time pending = sim_.pending_time(exit_, f);
  if (!(pending == pending)) return;
  const double age = sim_.now() - firm.born;
  const double owed = (hazard_.cumulative(pending - firm.born) - hazard_.cumulative(age)) * old_multiplier;
  move_exit(f, owed, exit_multiplier(bits, p_.exit));
}

void InnovationModel::exit(EntityId f) {
  const CaughtUpFirm firm = caught_up(f);
  const Time t = sim_.now();
  if (firm.record.has(Flag::hte)) {
    --region_.htes;
    region_.year[Metric::hte_exits] += 1.0;
  }
  region_.patents_held -= firm.inventions();
  if (firm.record.carrier != kNoCarrier) leave_carrier(f);
  --region_.alive;
  region_.year[Metric::exits] += 1.0;
  emit(t, f, FirmEventKind::exited, t - firm.record.born);
  sim_.remove_entity(f);
}

}  // namespace leapsim::innovation::model
