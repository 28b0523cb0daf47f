// Shared starts (docs/model.md §8): a run paused at a time, and resumed under other parameters
// that run alike until then, gives the bits of a whole run; shared_until finds that time.
#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "innovation_model.hpp"
#include "leapsim/innovation/parameter_schema.hpp"

namespace leapsim::innovation {

/// A replication paused by pause_run, with the parameters it ran under.
struct PausedRun {
  Parameters parameters;
  std::uint64_t seed;
  std::uint32_t replication;
  Time until;
  std::unique_ptr<model::InnovationModel> model;  // runs under `parameters` above
};

namespace {

constexpr Time kNever = std::numeric_limits<Time>::infinity();

/// The earliest time at which two schedules are in force with different values (kNever if none).
Time first_difference(const Schedule& a, const Schedule& b) {
  if (a.at(-kNever) != b.at(-kNever)) return -kNever;
  std::vector<Time> dates;
  for (const Schedule* s : {&a, &b})
    for (const Schedule::Step& step : s->steps) dates.push_back(step.from);
  std::sort(dates.begin(), dates.end());
  for (const Time d : dates)
    if (a.at(d) != b.at(d)) return d;
  return kNever;
}

/// The earliest date in one list and not the other: a dated event one run has and the other not.
Time first_unshared_date(std::vector<Time> a, std::vector<Time> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<Time> unshared;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(unshared));
  return unshared.empty() ? kNever : unshared.front();
}

/// The earliest time at which two dated lists (carriers by opening, builds by date) part: an entry
/// in one list only, or different in the two, matters from its earliest date.
template <class Item, class DateOf>
Time first_dated_difference(const std::vector<Item>& a, const std::vector<Item>& b, DateOf date_of) {
  Time first = kNever;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size() && i < b.size() && a[i] == b[i]) continue;
    if (i < a.size()) first = std::min(first, date_of(a[i]));
    if (i < b.size()) first = std::min(first, date_of(b[i]));
  }
  return first;
}

/// Every schedule of a parameter set by its path, found by walking the schema: a new lever is
/// compared by its values over time without being listed anywhere.
template <class P>
auto schedules_of(P& p) {
  using S = std::conditional_t<std::is_const_v<P>, const Schedule, Schedule>;
  std::map<std::string, S*> found;
  schema::walk(p, "", [&found](const std::string& path, auto& member, schema::Range) {
    if constexpr (std::is_same_v<std::remove_const_t<std::remove_reference_t<decltype(member)>>, Schedule>)
      found.emplace(path, &member);
  });
  return found;
}

}  // namespace

Time shared_until(const Parameters& a, const Parameters& b) {
  const Time start = year_start(a.start_year);
  // Everything undated must agree: compare copies with the dated parts blanked.
  Parameters undated_a = a, undated_b = b;
  for (Parameters* p : {&undated_a, &undated_b}) {
    for (const auto& [path, schedule] : schedules_of(*p)) *schedule = {};
    p->carriers.clear();
    p->platform_builds.clear();
  }
  if (!(undated_a == undated_b)) return start;
  Time until = kNever;
  const auto schedules_b = schedules_of(b);
  for (const auto& [path, schedule] : schedules_of(a))
    until = std::min(until, first_difference(*schedule, *schedules_b.at(path)));
  until =
      std::min(until, first_unshared_date(model::entry_policy_dates(a.policy), model::entry_policy_dates(b.policy)));
  until = std::min(until, first_dated_difference(a.carriers, b.carriers, [](const Carrier& c) { return c.opens; }));
  until = std::min(until, first_dated_difference(a.platform_builds, b.platform_builds,
                                                 [](const PlatformBuild& build) { return build.date; }));
  return std::clamp(until, start, year_start(a.end_year + 1));
}

std::shared_ptr<const PausedRun> pause_run(const Parameters& parameters, std::uint64_t seed, std::uint32_t replication,
                                           Time until, const InitialPopulation* initial,
                                           const std::atomic<bool>* interrupt) {
  if (!(until >= year_start(parameters.start_year) && until <= year_start(parameters.end_year + 1)))
    throw UsageError("a run pauses within its years, not at " + std::to_string(until));
  auto paused = std::make_shared<PausedRun>(PausedRun{parameters, seed, replication, until, nullptr});
  paused->model = std::make_unique<model::InnovationModel>(paused->parameters, seed, replication, nullptr, interrupt);
  paused->model->pause(initial, until);
  return paused;
}

RunResult resume(const Parameters& parameters, const PausedRun& paused, const std::atomic<bool>* interrupt) {
  if (shared_until(paused.parameters, parameters) < paused.until)
    throw UsageError("these parameters part from the paused run's before its pause; simulate them from the start");
  return model::InnovationModel(parameters, paused.seed, paused.replication, nullptr, interrupt).resume(*paused.model);
}

std::size_t memory_bytes(const PausedRun& paused) { return paused.model->memory_bytes(); }

namespace model {

/// The two parameter sets agree on everything before the pause (shared_until), so the state
/// carries over as it is, except what is kept per parameter set: the carriers (those opening
/// after the pause may differ) and the dated events from the pause on.
RunResult InnovationModel::resume(const InnovationModel& paused) {
  sim_.reserve(paused.sim_.population().issued() + expected_entries() + 1024);  // room the copy keeps
  sim_.resume_from(paused.sim_);
  const Time start = year_start(p_.start_year);
  carriers_.reserve(p_.carriers.size());
  for (std::size_t c = 0; c < p_.carriers.size(); ++c)
    carriers_.push_back(c < paused.carriers_.size()
                            ? paused.carriers_[c]
                            : CarrierState{p_.carriers[c].capacity, 0, p_.carriers[c].opens <= start});
  region_ = paused.region_;
  schedule_dated_events(true);  // this scenario's, replacing the paused run's
  return finish();
}

}  // namespace model
}  // namespace leapsim::innovation
