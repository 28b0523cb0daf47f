// Set-up (docs/model.md §3): the initial firms, drawn until each meets the rules of its status,
// the carriers and platforms at the start, and the first event of every process.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

namespace {

/// Draws the initial firms into a simulation from InitialDrawInputs alone: it cannot read any
/// other parameter, so scenarios with equal inputs draw the same firms (same_initial_population).
class InitialDraw {
 public:
  InitialDraw(const InitialDrawInputs& in, Simulation& sim, Column<FirmState>& firms, ProcessId review,
              ProcessId initial_order)
      : in_(in), sim_(sim), firms_(firms), review_(review), initial_order_(initial_order) {
    samplers_.reserve(in.initial.size());
    for (const InitialGroup& g : in.initial) samplers_.emplace_back(g.attributes);
  }

  /// Creates the initial firms with their groups interleaved at random (a draw from the remaining
  /// counts for each id), so that no group clusters in id order.
  void create_all() {
    std::vector<std::uint64_t> left;
    std::size_t total = 0;
    for (const InitialGroup& g : in_.initial) left.push_back(g.count), total += g.count;
    RandomStream s = sim_.stream(initial_order_);
    for (std::size_t remaining = total; remaining > 0; --remaining) {
      auto pick = static_cast<std::uint64_t>(s.uniform() * static_cast<double>(remaining));
      std::size_t g = 0;
      while (pick >= left[g]) pick -= left[g++];
      --left[g];
      create(g);
    }
  }

 private:
  /// Draws a firm's attributes until they meet the rules of its initial status.
  void create(std::size_t group) {
    const InitialGroup& g = in_.initial[group];
    const EntityId f = sim_.add_entity();
    const CaughtUpFirm firm = catch_up_firm(sim_, firms_, f);
    const Time start = year_start(in_.start_year);
    constexpr int kMaxDraws = 1000;
    for (int attempt = 0;; ++attempt) {
      RandomStream s = sim_.stream(review_, f);
      const double age = s.exponential(1.0 / std::max(g.age_mean, 1e-9));
      draw_attributes(firm, samplers_[group], in_.growth, s);
      firm.record.born = static_cast<float>(start - age);
      backfill_history(firm.record);
      if (meets_status(firm, g.status, start)) break;
      if (attempt + 1 == kMaxDraws)
        throw SimulationError("initial group " + std::to_string(group + 1) +
                              ": no firm met the rules of its status in " + std::to_string(kMaxDraws) +
                              " draws; widen its attribute distribution");
    }
    firm.record.last_review = static_cast<float>(start);
    if (g.status == InitialStatus::hte) {
      RandomStream s = sim_.stream(review_, f);
      const int validity = certificate_years(in_.hte);
      // certified in one of the rounds before the start
      const int issued = in_.start_year - validity + static_cast<int>(s.uniform() * validity);
      firm.record.set(Flag::hte);
      firm.record.expiry_year = static_cast<std::int16_t>(issued + validity);
    }
    if (g.status != InitialStatus::latent) firm.record.tech_sme_year = static_cast<std::int16_t>(in_.start_year - 1);
  }

  /// An initial firm's last three years of accounts, grown back from today at the base drift.
  void backfill_history(FirmState& firm) const {
    const double rev = revenue(firm);
    const double age = year_start(in_.start_year) - firm.born;
    const auto years = static_cast<std::uint8_t>(std::clamp(std::floor(age), 1.0, 3.0));
    for (std::size_t k = 0; k < 3; ++k) {
      const double r = rev * std::exp(-in_.growth.drift * static_cast<double>(k));
      firm.revenue_history[k] = static_cast<float>(r);
      firm.rd_history[k] = static_cast<float>(r * firm.rd_intensity);
    }
    firm.history_length = years;
  }

  bool meets_status(const CaughtUpFirm& firm, InitialStatus status, Time t) const {
    const FirmAccounts a = accounts(firm, in_.growth, t);
    switch (status) {
      case InitialStatus::hte:
        return hte_eligible(a, in_.hte);
      case InitialStatus::tech_sme:
        return tech_sme_eligible(a, in_.tech_sme);
      case InitialStatus::latent:
        return true;
    }
    return true;
  }

  const InitialDrawInputs& in_;
  Simulation& sim_;
  Column<FirmState>& firms_;
  ProcessId review_, initial_order_;
  std::vector<AttributeSampler> samplers_;  // one per initial group
};

}  // namespace

std::shared_ptr<const InitialPopulation> InnovationModel::draw_initial() {
  const std::size_t initial = initial_firm_count();
  sim_.reserve(initial);
  auto drawn = std::make_shared<InitialPopulation>();
  drawn->inputs = InitialDrawInputs::of(p_);
  InitialDraw(drawn->inputs, sim_, firms_, review_, initial_order_).create_all();
  drawn->firms.reserve(initial);
  drawn->review_blocks.reserve(initial);
  for (EntityId f = 0; f < initial; ++f) {
    drawn->firms.push_back(firms_[f]);
    drawn->review_blocks.push_back(sim_.stream_position(review_, f));
  }
  return drawn;
}

std::size_t InnovationModel::initial_firm_count() const {
  std::size_t initial = 0;
  for (const InitialGroup& g : p_.initial) initial += g.count;
  return initial;
}

/// What the initial firms are booked into: the first year's books and the certificate cohorts.
void InnovationModel::begin_setup() {
  region_.table.first_year = p_.start_year;
  region_.cohorts.assign(static_cast<std::size_t>(p_.end_year - p_.start_year + 2 * validity_years() + 2), {});
  begin_year(p_.start_year);
}

void InnovationModel::setup(const InitialPopulation* drawn) {
  const Time start = year_start(p_.start_year);
  const std::size_t initial = initial_firm_count();
  sim_.reserve(initial + expected_entries() + 1024);
  carriers_.reserve(p_.carriers.size());
  for (const Carrier& c : p_.carriers) carriers_.push_back({c.capacity, 0, c.opens <= start});
  begin_setup();
  if (drawn != nullptr) {
    adopt_initial_population(*drawn);
  } else {
    InitialDraw(InitialDrawInputs::of(p_), sim_, firms_, review_, initial_order_).create_all();
  }
  for (EntityId f = 0; f < initial; ++f) count_initial_firm(f);
  fill_initial_carriers();
  std::uint32_t platforms = p_.initial_platforms + p_.initial_workstations;
  for (const PlatformBuild& b : p_.platform_builds)
    if (b.date <= start) platforms += b.count;
  attach_platforms(platforms, start);
  // Accounting anniversaries are stratified over the year in id order: firm f reviews in the f-th
  // slice. Groups are interleaved at random, so the order carries no information, and the yearly
  // reviews then sweep the firm records in memory order instead of jumping at random.
  const double slice = 1.0 / static_cast<double>(std::max<std::size_t>(initial, 1));
  for (EntityId f = 0; f < sim_.population().issued(); ++f) {
    RandomStream s = sim_.stream(review_, f);
    sim_.schedule(review_, f, start + (f + s.uniform()) * slice);
    schedule_exit(f);
    refresh_patent_rate(caught_up(f), f);
    if (sim_.pending_time(review_, f) > round_time(p_.start_year)) renew_before_first_review(f, s);
  }
  sim_.schedule(new_year_, year_start(p_.start_year + 1));
  sim_.schedule(hte_round_, round_time(p_.start_year));
  schedule_dated_events(false);
  refresh_entry_rate();
}

/// Entrants over the run at the starting entry rate (the highest talent rate), plus four standard
/// deviations: room reserved up front, since growing by doubling would strand up to half of
/// every per-firm array.
std::size_t InnovationModel::expected_entries() const {
  const EntryParameters& e = p_.entry;
  double slots = 0.0, talent = 0.0;  // free at the start, or when the carrier opens
  for (const Carrier& c : p_.carriers)
    slots += c.capacity * (c.opens <= year_start(p_.start_year) ? 1.0 - c.initial_occupancy : 1.0);
  for (const Schedule::Step& step : p_.policy.talent_firms_per_year.steps) talent = std::max(talent, step.value);
  const double years = p_.end_year - p_.start_year + 1;
  double base = 0.0, scale = 1.0;  // the base part grows year by year
  for (int y = p_.start_year; y <= p_.end_year; ++y) {
    base += e.base_rate * scale;
    scale *= 1.0 + std::max(0.0, e.base_rate_growth.at(year_start(y)));
  }
  const double mean = base + (e.rate_per_free_slot * slots + e.in_migration_rate + talent) * years;
  return static_cast<std::size_t>(mean + 4.0 * std::sqrt(mean));
}

/// Takes in initial firms drawn by another run from the same inputs, key and replication: their
/// records, and their review streams where the draws left them.
void InnovationModel::adopt_initial_population(const InitialPopulation& drawn) {
  if (!(drawn.inputs == InitialDrawInputs::of(p_)))
    throw UsageError("these initial firms were drawn from other inputs; draw them for these parameters");
  for (std::size_t k = 0; k < drawn.firms.size(); ++k) {
    const EntityId f = sim_.add_entity();
    firms_[f] = drawn.firms[k];
    sim_.set_stream_position(review_, f, drawn.review_blocks[k]);
  }
}

/// Books a complete initial firm record: counts, its certificate cohort, its creation event.
void InnovationModel::count_initial_firm(EntityId f) {
  const CaughtUpFirm firm = caught_up(f);
  const bool hte = firm.record.has(Flag::hte);
  if (hte) {
    cohort(firm.record.expiry_year - validity_years()).push_back(f);
    ++region_.htes;
  }
  ++region_.alive;
  region_.patents_held += firm.inventions();
  if (sink_ != nullptr) {
    const InitialStatus status = hte                                              ? InitialStatus::hte
                                 : firm.record.tech_sme_year == p_.start_year - 1 ? InitialStatus::tech_sme
                                                                                  : InitialStatus::latent;
    emit(year_start(p_.start_year), f, FirmEventKind::created, revenue(firm.record), static_cast<double>(status));
  }
}

/// Puts the youngest initial firms into the carriers open at the start.
void InnovationModel::fill_initial_carriers() {
  std::size_t slots = 0;
  for (std::size_t c = 0; c < carriers_.size(); ++c)
    if (carriers_[c].open)
      slots += static_cast<std::size_t>(std::lround(p_.carriers[c].initial_occupancy * carriers_[c].capacity));
  std::vector<EntityId> by_age(sim_.population().issued());
  for (EntityId f = 0; f < by_age.size(); ++f) by_age[f] = f;
  const auto younger = [this](EntityId a, EntityId b) {
    return firms_[a].born != firms_[b].born ? firms_[a].born > firms_[b].born : a < b;
  };
  const std::size_t needed = std::min(slots, by_age.size());
  std::partial_sort(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(needed), by_age.end(), younger);
  std::size_t next = 0;
  for (std::size_t c = 0; c < carriers_.size(); ++c) {
    if (!carriers_[c].open) continue;
    const auto want = static_cast<std::uint32_t>(std::lround(p_.carriers[c].initial_occupancy * carriers_[c].capacity));
    while (carriers_[c].occupied < want && next < by_age.size()) {
      firms_[by_age[next++]].carrier = static_cast<std::uint16_t>(c);
      ++carriers_[c].occupied;
    }
  }
}

}  // namespace leapsim::innovation::model
