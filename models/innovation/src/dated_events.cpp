// Carrier openings, platform builds and policy changes (docs/model.md §4.8): global events at
// the dates the scenario gives, each scheduling the next one of its kind.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

namespace {

std::vector<Time> carrier_dates(const Parameters& p) {
  std::vector<Time> d;
  for (const Carrier& c : p.carriers) d.push_back(c.opens);
  return d;
}

std::vector<Time> platform_dates(const Parameters& p) {
  std::vector<Time> d;
  for (const PlatformBuild& b : p.platform_builds) d.push_back(b.date);
  return d;
}

}  // namespace

std::vector<Time> entry_policy_dates(const PolicyLevers& p) {
  std::vector<Time> dates;
  for (const Schedule* lever : {&p.talent_firms_per_year, &p.talent_cost_per_firm})
    for (const Schedule::Step& s : lever->steps) dates.push_back(s.from);
  return dates;
}

void InnovationModel::open_carriers(EntityId) {
  const Time t = sim_.now();
  for (std::size_t c = 0; c < carriers_.size(); ++c)
    if (p_.carriers[c].opens == t) {
      carriers_[c].open = true;
      region_.year[Metric::carrier_build_cost] += p_.costs.carrier_build_per_slot * carriers_[c].capacity;
    }
  refresh_entry_rate();
  schedule_next_dated(carrier_opening_, carrier_dates(p_));
}

void InnovationModel::build_platforms(EntityId) {
  const Time t = sim_.now();
  std::uint32_t count = 0;
  for (const PlatformBuild& b : p_.platform_builds)
    if (b.date == t) count += b.count;
  const std::size_t built = attach_platforms(count, t);
  region_.year[Metric::platform_build_cost] += p_.costs.platform_build * static_cast<double>(built);
  schedule_next_dated(platform_build_, platform_dates(p_));
}

/// A dated lever change. The entry rate holds lever values, so it is refreshed now; firms' patent
/// clocks hold the patent subsidies too and pick a change up at their next review or application;
/// every other lever is read when used.
void InnovationModel::change_policy(EntityId) {
  refresh_entry_rate();
  schedule_next_dated(policy_change_, entry_policy_dates(p_.policy));
}

/// Attaches platforms to the alive firms with the largest R&D spend that have none; returns how
/// many it attached (fewer than asked when fewer firms are left without one).
std::size_t InnovationModel::attach_platforms(std::uint32_t count, Time t) {
  std::vector<EntityId> candidates;
  sim_.population().for_each_alive([&](EntityId f) {
    if (!firms_[f].has(Flag::platform)) candidates.push_back(f);
  });
  const std::size_t n = std::min<std::size_t>(count, candidates.size());
  auto larger = [this](EntityId a, EntityId b) {
    const double ra = firms_[a].rd_history[0], rb = firms_[b].rd_history[0];
    return ra != rb ? ra > rb : a < b;
  };
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n), candidates.end(), larger);
  for (std::size_t i = 0; i < n; ++i) {
    const CaughtUpFirm firm = caught_up(candidates[i]);  // its patent clock changes below
    firm.record.set(Flag::platform);
    emit(t, candidates[i], FirmEventKind::platform_attached, 0.0);
    if (t > year_start(p_.start_year)) refresh_patent_rate(firm, candidates[i]);
  }
  return n;
}

/// Schedules the next carrier opening, platform build and entry-policy change.
void InnovationModel::schedule_dated_events(bool including_now) {
  schedule_next_dated(carrier_opening_, carrier_dates(p_), including_now);
  schedule_next_dated(platform_build_, platform_dates(p_), including_now);
  schedule_next_dated(policy_change_, entry_policy_dates(p_.policy), including_now);
}

/// Schedules a global process at the earliest of the dates strictly ahead, if any; what is dated
/// on or before the start is part of the initial state. A resumed run, where nothing at the
/// current time has happened yet, counts the current time as ahead.
void InnovationModel::schedule_next_dated(ProcessId process, const std::vector<Time>& dates, bool including_now) {
  const Time now = sim_.now();
  Time next = std::numeric_limits<Time>::infinity();
  for (const Time d : dates)
    if ((d > now || (including_now && d == now)) && d < next) next = d;
  if (std::isfinite(next))
    sim_.schedule(process, next);
  else
    sim_.cancel(process);  // none ahead: a resumed run drops the paused run's
}

}  // namespace leapsim::innovation::model
