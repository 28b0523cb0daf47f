// The public entry points of the innovation model (model.hpp) and what every process shares: the
// constructor, which registers the processes, and the run to the end.
#include "leapsim/innovation/model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string_view>

#include "innovation_model.hpp"

namespace leapsim::innovation {

namespace {

constexpr std::array<std::string_view, kFirmEventKindCount> kFirmEventNames{
    "created",         "entered",        "reviewed",          "tech_sme_registered",
    "hte_applied",     "hte_certified",  "hte_renewed",       "hte_rejected",
    "hte_lapsed",      "patent_applied", "patent_granted",    "patent_refused",
    "rd_subsidy_paid", "graduated",      "platform_attached", "exited"};
static_assert(std::none_of(kFirmEventNames.begin(), kFirmEventNames.end(),
                           [](std::string_view name) { return name.empty(); }),
              "every FirmEventKind needs its name");

}  // namespace

std::string_view to_string(FirmEventKind kind) noexcept { return kFirmEventNames[static_cast<std::size_t>(kind)]; }

InitialDrawInputs InitialDrawInputs::of(const Parameters& p) {
  return InitialDrawInputs{p.initial, p.start_year, p.growth, p.tech_sme, p.hte};
}

bool same_initial_population(const Parameters& a, const Parameters& b) {
  return InitialDrawInputs::of(a) == InitialDrawInputs::of(b);
}

std::size_t memory_bytes(const InitialPopulation& initial) {
  return initial.firms.capacity() * sizeof(model::FirmState) + initial.review_blocks.capacity() * sizeof(std::uint32_t);
}

std::shared_ptr<const InitialPopulation> draw_initial_population(const Parameters& parameters, std::uint64_t seed,
                                                                 std::uint32_t replication) {
  return model::InnovationModel(parameters, seed, replication, nullptr).draw_initial();
}

RunResult simulate(const Parameters& parameters, std::uint64_t seed, std::uint32_t replication, EventSink* sink,
                   const InitialPopulation* initial, const std::atomic<bool>* interrupt) {
  return model::InnovationModel(parameters, seed, replication, sink, interrupt).run(initial);
}

namespace model {

InnovationModel::InnovationModel(const Parameters& p, std::uint64_t seed, std::uint32_t replication, EventSink* sink,
                                 const std::atomic<bool>* interrupt)
    : p_(p),
      sink_(sink),
      sim_(seed, replication, year_start(p.start_year)),
      hazard_(p.exit),
      rd_decay_one_year_(std::exp(-p.rd.adjustment_rate)),
      upgrades_on_(p.upgrade.probability > 0.0 || p.upgrade.in_carrier_probability > 0.0 ||
                   p.upgrade.probability_per_100k > 0.0),
      entrant_sampler_(p.entry.attributes),
      firms_(sim_.population().add_column<FirmState>("firm")),
      levers_(p),
      cost_book_(cost_book(p.costs)) {
  // The registration order keys the random streams: never reorder.
  review_ = add_process<&InnovationModel::review>("review", Scope::entity, EventOrder::review);
  exit_ = add_process<&InnovationModel::exit>("exit", Scope::entity, EventOrder::exit);
  patent_ =
      add_process<&InnovationModel::apply_patent>("patent_application", Scope::entity, EventOrder::patent_application);
  decision_ =
      add_process<&InnovationModel::decide_patent>("patent_decision", Scope::entity, EventOrder::patent_decision);
  new_year_ = add_process<&InnovationModel::new_year>("new_year", Scope::global, EventOrder::new_year);
  carrier_opening_ =
      add_process<&InnovationModel::open_carriers>("carrier_opening", Scope::global, EventOrder::dated_change);
  policy_change_ =
      add_process<&InnovationModel::change_policy>("policy_change", Scope::global, EventOrder::dated_change);
  hte_round_ = add_process<&InnovationModel::hte_round>("hte_round", Scope::global, EventOrder::hte_round);
  platform_build_ =
      add_process<&InnovationModel::build_platforms>("platform_build", Scope::global, EventOrder::platform_build);
  entry_ = add_process<&InnovationModel::enter>("entry", Scope::global, EventOrder::entry);
  initial_order_ =
      sim_.add_process("initial_order", Scope::global, static_cast<Priority>(EventOrder::stream_only));  // a stream
  sim_.set_in_order(review_);  // every review is followed by the next one a year later
  sim_.set_interrupt(interrupt);
  // Without patent subsidies a firm's patent events touch only the firm (the patents held are a
  // sum, read at year end), so they wait out of the queue until the firm is next read. A subsidy
  // is paid from the fund in time order, and a sink expects events in time order.
  if (sink_ == nullptr && !pays_patent_subsidies(p)) {
    sim_.set_deferred(patent_);
    sim_.set_deferred(decision_);
  }
  for (const ProcessId firm_process : {review_, exit_, patent_, decision_})
    sim_.set_prefetch(firm_process, [this](EntityId f) { prefetch_firm(f); });
}

RunResult InnovationModel::run(const InitialPopulation* initial) {
  setup(initial);
  return finish();
}

void InnovationModel::pause(const InitialPopulation* initial, Time until) {
  setup(initial);
  sim_.run_until(until);
}

RunResult InnovationModel::finish() {
  sim_.run_until(year_start(p_.end_year + 1));
  close_year(p_.end_year);
  RunResult r;
  r.metrics = std::move(region_.table);
  r.events = sim_.events_fired();
  r.firms_created = sim_.population().issued();
  r.memory_bytes = memory_bytes();
  return r;
}

}  // namespace model
}  // namespace leapsim::innovation
