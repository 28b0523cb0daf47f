#pragma once
// The innovation model's one class: the processes of docs/model.md §4 over one population of firm
// records. Its member functions live in one file per part of docs/model.md:
//   setup.cpp        §3    set-up, the initial firms and carriers
//   review.cpp       §4.2  annual review: accounts, R&D subsidy, tech-SME registration, HTE application
//   hte_round.cpp    §4.3  the HTE round: certification, renewal, lapse
//   patents.cpp      §4.4-4.5  patent applications and decisions
//   exit.cpp         §4.6  exit
//   entry.cpp        §4.7  entry and carrier slots
//   dated_events.cpp §4.8  carrier openings, platform builds, policy changes
//   year_end.cpp     §4.1, §4.9, §4.10  new year, the special fund, the year-end report
//   shared_start.cpp §8    pausing a run and resuming it under other parameters
//   model.cpp              the public entry points (model.hpp)
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "attributes.hpp"
#include "firm.hpp"
#include "leapsim/engine/simulation.hpp"
#include "leapsim/innovation/cost_book.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/rules.hpp"
#include "levers.hpp"

namespace leapsim::innovation {

/// The records of the initial firms, where each one's review stream stands after its draws, and
/// the inputs they were drawn from. (The stream that interleaves the groups serves the drawing
/// only, so it is not carried over.)
struct InitialPopulation {
  InitialDrawInputs inputs;
  std::vector<model::FirmState> firms;
  std::vector<std::uint32_t> review_blocks;
};

namespace model {

/// The order of processes at equal times (lower first): the kernel's priority of each.
enum class EventOrder : Priority {
  new_year = 0,            ///< the year's books close before anything else that day
  dated_change = 1,        ///< carrier openings and policy changes
  hte_round = 2,           ///< the HTE round
  platform_build = 3,      ///< platforms built
  review = 4,              ///< annual reviews
  exit = 5,                ///< exits
  patent_application = 6,  ///< patent applications
  patent_decision = 7,     ///< patent decisions
  entry = 8,               ///< entrants
  stream_only = 9,         ///< processes that only name a random stream
};

/// One application waiting for the HTE round.
struct Application {
  EntityId firm;
  double pass_draw;  // a double: a float could round a draw just under 1 up to 1
  bool coached;
};

/// An HTE reward split by payer: the province's share and the special fund's.
struct RewardShares {
  double province;
  double fund;
};

/// Carrier state during a run.
struct CarrierState {
  std::uint32_t capacity;
  std::uint32_t occupied;
  bool open;
};

/// Flow metrics of the current year, indexed by Metric.
struct YearFlows {
  std::array<double, kMetricCount> values{};
  double& operator[](Metric m) noexcept { return values[static_cast<std::size_t>(m)]; }
  void fill(double v) noexcept { values.fill(v); }
};

/// The region's state besides the firms and the carriers: what a paused run hands on whole.
struct RegionState {
  std::vector<Application> applications;
  std::vector<std::vector<EntityId>> cohorts;  // certificates issued per round year
  MetricTable table;
  YearFlows year;
  double hte_rd = 0.0;
  double budget_left = 0.0;
  double coaching_left = 0.0;
  double entry_rate = 0.0;
  double entry_scale = 1.0;  // the base entry rate's growth since the start (entry.base_rate_growth)
  std::uint64_t htes = 0;
  std::uint64_t alive = 0;
  std::uint64_t patents_held = 0;
};

/// The talent-lever dates, at which a policy-change event refreshes the entry rate.
std::vector<Time> entry_policy_dates(const PolicyLevers& p);

/// One replication of the innovation model on the kernel.
class InnovationModel {
 public:
  /// A model of these parameters (kept by reference) on a simulation keyed by (seed,
  /// replication); the sink, if any, receives every firm event; a raised `interrupt` flag ends
  /// the run with Cancelled.
  InnovationModel(const Parameters& p, std::uint64_t seed, std::uint32_t replication, EventSink* sink,
                  const std::atomic<bool>* interrupt = nullptr);

  /// Draws the initial firms only, as set-up would, and hands them over.
  std::shared_ptr<const InitialPopulation> draw_initial();
  /// Runs the replication, from initial firms drawn by another run if given (null: draws them).
  RunResult run(const InitialPopulation* initial);
  /// Runs the replication up to (not including) `until` and leaves it there.
  void pause(const InitialPopulation* initial, Time until);
  /// Takes over a run that another model paused, under these parameters, and runs it to the end.
  RunResult resume(const InnovationModel& paused);
  /// Heap bytes of the kernel and the firm records.
  std::size_t memory_bytes() const { return sim_.kernel_memory_bytes() + sim_.population().memory_bytes(); }

 private:
  // model.cpp
  RunResult finish();
  /// Registers a process whose events call a member function (a constant, so it inlines).
  template <void (InnovationModel::*Handler)(EntityId)>
  ProcessId add_process(const char* name, Scope scope, EventOrder order) {
    return sim_.add_process(name, scope, static_cast<Priority>(order), [this](EntityId e) { (this->*Handler)(e); });
  }
  void emit(Time t, EntityId f, FirmEventKind kind, double value, double detail = 0.0) {
    if (sink_ != nullptr) sink_->on_event(FirmEvent{t, f, kind, value, detail});
  }
  /// The firm with its deferred patent events up to now fired.
  CaughtUpFirm caught_up(EntityId f) { return catch_up_firm(sim_, firms_, f); }
  /// Firms come up in random order, so a firm's record is a cache miss; the kernel calls this a
  /// few events ahead so its lines are on their way when the handler runs.
  void prefetch_firm(EntityId f) const noexcept {
    const char* record = reinterpret_cast<const char*>(&firms_[f]);
    __builtin_prefetch(record);
    __builtin_prefetch(record + sizeof(FirmState) - 1);
  }

  // setup.cpp (§3)
  void setup(const InitialPopulation* drawn);
  void begin_setup();
  std::size_t initial_firm_count() const;
  std::size_t expected_entries() const;
  void adopt_initial_population(const InitialPopulation& drawn);
  void count_initial_firm(EntityId f);
  void fill_initial_carriers();

  // review.cpp (§4.2)
  void review(EntityId f);
  void claim_rd_subsidy(FirmState& firm, EntityId f, Time t, const LeversInForce::Values& levers);
  void evaluate_tech_sme(FirmState& firm, EntityId f, const FirmAccounts& a, int year, double draw, Time t,
                         const LeversInForce::Values& levers);
  void consider_hte(FirmState& firm, EntityId f, const FirmAccounts& a, Time t, double apply_draw, double pass_draw,
                    const LeversInForce::Values& levers);
  void renew_before_first_review(EntityId f, RandomStream& s);
  double registration_pull(const FirmState& firm, const FirmAccounts& a, const LeversInForce::Values& levers) const;
  RewardShares reward_shares(bool renewal, const LeversInForce::Values& levers) const;
  double reward_in_reach(bool renewal, const LeversInForce::Values& levers) const;
  void consider_upgrade(const CaughtUpFirm& caught, const FirmAccounts& a, const LeversInForce::Values& levers,
                        double draw);
  void book_tax_foregone(const FirmState& firm, double rd, double revenue, int year,
                         const LeversInForce::Values& levers);

  // hte_round.cpp (§4.3)
  void hte_round(EntityId);
  void certify(EntityId f, Time t, int year);
  double pay_reward(bool renewal, Time t);
  int validity_years() const noexcept;
  Time round_time(int year) const;
  int next_round_year(Time t) const;
  std::vector<EntityId>& cohort(int year);

  // patents.cpp (§4.4-4.5)
  void apply_patent(EntityId f);
  void decide_patent(EntityId f);
  void refresh_patent_rate(const CaughtUpFirm& firm, EntityId f);
  double patent_rate_now(const CaughtUpFirm& firm) const;
  bool patent_subsidy_payable(Time t) const;
  double subsidy_boost(Time t) const;
  void time_change(ProcessId process, EntityId f, double old_rate, double new_rate);
  static bool pays_patent_subsidies(const Parameters& p);

  // exit.cpp (§4.6)
  void exit(EntityId f);
  void schedule_exit(EntityId f);
  void move_exit(EntityId f, double budget, double multiplier);
  void refresh_exit(EntityId f);
  void refresh_exit(EntityId f, double staff);

  // entry.cpp (§4.7)
  void enter(EntityId);
  std::array<double, 4> entry_rates() const;
  void refresh_entry_rate();
  std::uint64_t free_slots() const;
  void take_slot(EntityId f);
  void leave_carrier(EntityId f);
  void graduate(EntityId f, Time t);

  // dated_events.cpp (§4.8)
  void open_carriers(EntityId);
  void build_platforms(EntityId);
  void change_policy(EntityId);
  std::size_t attach_platforms(std::uint32_t count, Time t);
  void schedule_dated_events(bool including_now);
  void schedule_next_dated(ProcessId process, const std::vector<Time>& dates, bool including_now = false);

  // year_end.cpp (§4.1, §4.9, §4.10)
  void new_year(EntityId);
  void begin_year(int year);
  bool pay(Metric kind, double amount);
  void close_year(int year);
  void book_yearly_costs(int year, YearMetrics& m) const;
  void report_firms(int year);

  const Parameters& p_;
  EventSink* sink_;
  Simulation sim_;
  AgeHazard hazard_;
  double rd_decay_one_year_;  // exp(-adjustment rate): R&D relaxation over one year
  bool upgrades_on_;          // firms may upgrade (§4.2): each review draws one more uniform
  AttributeSampler entrant_sampler_;
  Column<FirmState>& firms_;
  mutable LeversInForce levers_;  // a cache, so const readers may move its window
  ProcessId review_{}, exit_{}, patent_{}, decision_{}, new_year_{}, carrier_opening_{}, policy_change_{}, hte_round_{},
      platform_build_{}, entry_{}, initial_order_{};
  std::vector<CarrierState> carriers_;
  std::vector<CostItem> cost_book_;  // the items and their payers under p_.costs
  RegionState region_;
};

}  // namespace model
}  // namespace leapsim::innovation
