#include "leapsim/innovation/study_runner.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "leapsim/engine/bytes.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/posterior_draws.hpp"

namespace leapsim::innovation {

namespace {

/// Keeps the firm events and year-end snapshots of one replication, as asked.
struct Recorder final : EventSink {
  std::vector<FirmEvent>* events;
  std::vector<FirmSnapshot>* firms;
  Recorder(std::vector<FirmEvent>* e, std::vector<FirmSnapshot>* s) : events(e), firms(s) {}
  void on_event(const FirmEvent& e) override {
    if (events != nullptr) events->push_back(e);
  }
  bool wants_firms() const override { return firms != nullptr; }
  void on_firm(const FirmSnapshot& s) override { firms->push_back(s); }
};

// Bounds what is kept for replications whose scenarios are not all done in this process (an MPI
// rank may run only some of them), by count and by bytes (a paused national run holds about
// 0.7 GiB); a start dropped early is made again, at a cost in time only.
constexpr std::size_t kMaxSharedStarts = 64;
constexpr std::size_t kMaxSharedBytes = std::size_t{4} << 30;
// Bytes a shared start holds per initial firm, entrants' room included (a paused run: firm record,
// kernel slots and queue entries); measured 271 on the national scenario paused at 2020.
constexpr std::size_t kStartBytesPerFirm = 288;

/// The lookahead asked for, within the replications and within what the starts it keeps ahead
/// (one per replication ahead, and the current one) may hold.
std::size_t bounded_lookahead(std::size_t asked, std::uint32_t replications, const Study& study) {
  std::size_t firms = 0;
  for (const InitialGroup& g : study.base.parameters.initial) firms += g.count;
  for (const Scenario& s : study.alternatives) {
    std::size_t n = 0;
    for (const InitialGroup& g : s.parameters.initial) n += g.count;
    firms = std::max(firms, n);
  }
  const std::size_t per_start = std::max<std::size_t>(1, firms * kStartBytesPerFirm);
  const std::size_t fit = std::max<std::size_t>(2, kMaxSharedBytes / per_start) - 1;
  return std::min({asked, fit, std::size_t{replications}});
}

}  // namespace

std::string encode(const ReplicationOutcome& outcome) {
  ByteWriter out;
  out.put(outcome.metrics.first_year);
  out.put_array(outcome.metrics.years);
  out.put(outcome.events);
  out.put_array(outcome.event_log);
  out.put_array(outcome.firms);
  return std::move(out).take();
}

ReplicationOutcome decode_outcome(std::string_view bytes) {
  ByteReader in(bytes);
  ReplicationOutcome outcome;
  outcome.metrics.first_year = in.get<int>();
  outcome.metrics.years = in.get_array<YearMetrics>();
  outcome.events = in.get<std::uint64_t>();
  outcome.event_log = in.get_array<FirmEvent>();
  outcome.firms = in.get_array<FirmSnapshot>();
  if (!in.done()) throw SimulationError("replication record has trailing bytes");
  return outcome;
}

StudyRun::StudyRun(const Study& study, std::uint32_t replications, std::uint64_t seed, const RecordRequest& record,
                   std::size_t lookahead, std::size_t max_drawn_kept)
    : posterior_(study.posterior),
      max_drawn_kept_(max_drawn_kept),
      replications_(replications),
      seed_(seed),
      record_(record),
      lookahead_(bounded_lookahead(lookahead, replications, study)) {
  scenarios_.push_back(&study.base);
  for (const Scenario& s : study.alternatives) scenarios_.push_back(&s);
  results_.replications = replications;
  results_.seed = seed;
  if (!study.posterior_file.empty() && !posterior_)
    throw UsageError("the study names the posterior " + study.posterior_file +
                     ", which was not read: attach it before running (attach_posterior)");
  if (posterior_) {  // a pure function of (seed, r): any executor, any rank, the same draws
    results_.particles.resize(replications);
    for (std::uint32_t r = 0; r < replications; ++r) {
      const std::uint32_t d = draw_of(r, study.runs_per_draw);
      results_.particles[r] = r > 0 && d == draw_of(r - 1, study.runs_per_draw)
                                  ? results_.particles[r - 1]
                                  : static_cast<std::uint32_t>(drawn_particle(*posterior_, seed, d));
    }
  }
  results_.scenarios.resize(scenarios_.size());
  const std::uint32_t kept = std::min(record.replications, replications);
  for (std::size_t s = 0; s < scenarios_.size(); ++s) {
    ScenarioResults& out = results_.scenarios[s];
    out.name = scenarios_[s]->name;
    out.replications.resize(replications);
    if (record.events) out.event_logs.resize(kept);
    if (record.firms) out.firms.resize(kept);
  }
  events_.resize(items());
  draws_like_.resize(scenarios_.size());
  draw_users_.assign(scenarios_.size(), 0);
  shared_until_.assign(scenarios_.size(), 0.0);
  // The plan of shared starts, made on replication 0's parameters; with a posterior each particle
  // drawn is checked against it (check_draws).
  std::vector<Parameters> own;
  if (posterior_ && replications > 0)
    for (std::size_t s = 0; s < scenarios_.size(); ++s) own.push_back(drawn(s, 0));
  const auto parameters_of = [&](std::size_t s) -> const Parameters& {
    return own.empty() ? scenarios_[s]->parameters : own[s];
  };
  for (std::size_t s = 0; s < scenarios_.size(); ++s) {
    std::size_t first = 0;
    while (!same_initial_population(parameters_of(first), parameters_of(s))) ++first;
    draws_like_[s] = first;
    ++draw_users_[first];
    const Parameters& p = parameters_of(first);
    shared_until_[first] =
        s == first ? year_start(p.end_year + 1) : std::min(shared_until_[first], shared_until(p, parameters_of(s)));
  }
  if (posterior_) check_draws();
}

Parameters StudyRun::drawn(std::size_t scenario, std::uint32_t replication) const {
  Parameters p = scenarios_[scenario]->parameters;
  apply_particle(*posterior_, results_.particles.at(replication), p);
  return p;
}

void StudyRun::check_draws() {
  // Once per particle drawn, not per item: whether every scenario is valid with it, and whether
  // the plan of shared starts still holds for it (the drawn parameters of a scenario and of the
  // one it starts like still draw alike and run alike as long as the plan says).
  const std::size_t S = scenarios_.size();
  std::map<std::uint32_t, std::size_t> slot_of;
  draw_slot_.reserve(results_.particles.size());
  for (std::uint32_t r = 0; r < results_.particles.size(); ++r) {
    const std::uint32_t particle = results_.particles[r];
    const auto [found, added] = slot_of.try_emplace(particle, slot_of.size());
    draw_slot_.push_back(found->second);
    if (!added) continue;
    std::vector<Parameters> own;
    for (std::size_t s = 0; s < S; ++s) {
      own.push_back(drawn(s, r));
      try {
        validate(own.back());
      } catch (const UsageError& e) {
        throw UsageError(posterior_->file + ": particle " + std::to_string(particle) + " (drawn for replication " +
                         std::to_string(r) + ") makes scenario \"" + scenarios_[s]->name + "\" invalid: " + e.what());
      }
    }
    for (std::size_t s = 0; s < S; ++s) {
      const std::size_t like = draws_like_[s];
      const Parameters& lead = own[like];
      shares_.push_back(like == s ||
                        (same_initial_population(lead, own[s]) && (shared_until_[like] <= year_start(lead.start_year) ||
                                                                   shared_until(lead, own[s]) >= shared_until_[like])));
    }
    if (slot_of.size() * S <= max_drawn_kept_)
      for (Parameters& p : own) drawn_kept_.push_back(std::make_shared<const Parameters>(std::move(p)));
  }
  if (slot_of.size() * S > max_drawn_kept_) drawn_kept_.clear();
}

bool StudyRun::still_shares(std::size_t scenario, std::uint32_t replication) const {
  return !posterior_ || shares_[draw_slot_[replication] * scenarios_.size() + scenario] != 0;
}

std::shared_ptr<const StudyRun::SharedStart> StudyRun::shared_start(std::size_t scenario, std::uint32_t replication) {
  const std::size_t like = draws_like_[scenario];
  std::shared_ptr<SharedStart> start;
  {
    const std::lock_guard lock(shared_mutex_);
    std::shared_ptr<SharedStart>& entry = shared_[{replication, like}];
    if (!entry) {
      entry = std::make_shared<SharedStart>();
      entry->users_left = draw_users_[like];
    }
    start = entry;
    evict_shared_starts();
  }
  std::call_once(start->made, [&] {
    const Parameters p = !posterior_           ? scenarios_[like]->parameters
                         : drawn_kept_.empty() ? drawn(like, replication)
                                               : *drawn_kept_[draw_slot_[replication] * scenarios_.size() + like];
    std::size_t bytes = 0;
    if (shared_until_[like] > year_start(p.start_year)) {
      start->paused = pause_run(p, seed_, replication, shared_until_[like], nullptr, interrupt_);
      bytes = memory_bytes(*start->paused);
    } else {
      start->population = draw_initial_population(p, seed_, replication);
      bytes = memory_bytes(*start->population);
    }
    const std::lock_guard lock(shared_mutex_);
    const auto found = shared_.find({replication, like});
    if (found == shared_.end() || found->second != start) return;  // dropped meanwhile: not counted
    start->bytes = bytes;
    shared_bytes_ += bytes;
    evict_shared_starts();
  });
  return start;
}

/// Drops the oldest replications' starts while over a bound (their users keep their copies).
void StudyRun::evict_shared_starts() {
  while (shared_.size() > 1 && (shared_.size() > kMaxSharedStarts || shared_bytes_ > kMaxSharedBytes)) {
    shared_bytes_ -= shared_.begin()->second->bytes;
    shared_.erase(shared_.begin());
  }
}

void StudyRun::release_shared_start(std::size_t scenario, std::uint32_t replication, const SharedStart* taken) {
  const std::lock_guard lock(shared_mutex_);
  const auto found = shared_.find({replication, draws_like_[scenario]});
  if (found != shared_.end() && found->second.get() == taken && --found->second->users_left == 0) {
    shared_bytes_ -= found->second->bytes;
    shared_.erase(found);
  }
}

std::pair<std::uint32_t, std::size_t> StudyRun::item_at(std::size_t item) const noexcept {
  // The first `lookahead` items are the first scenario of as many replications. Then replication
  // k's other scenarios come, each block followed by the first scenario of replication k + lookahead
  // while there is one.
  const std::size_t S = scenarios_.size(), R = replications_, L = lookahead_;
  if (S == 1) return {static_cast<std::uint32_t>(item), 0};
  if (item < L) return {static_cast<std::uint32_t>(item), 0};
  std::size_t p = item - L;
  const std::size_t led = R - L;  // blocks followed by a lead
  if (p < led * S) {
    const std::size_t k = p / S, j = p % S;
    return j + 1 < S ? std::pair{static_cast<std::uint32_t>(k), j + 1}
                     : std::pair{static_cast<std::uint32_t>(k + L), std::size_t{0}};
  }
  p -= led * S;
  return {static_cast<std::uint32_t>(led + p / (S - 1)), p % (S - 1) + 1};
}

ReplicationOutcome StudyRun::compute(std::size_t item) {
  const auto [r, s] = item_at(item);
  ReplicationOutcome outcome;
  const bool kept = r < record_.replications;
  Recorder recorder(kept && record_.events ? &outcome.event_log : nullptr,
                    kept && record_.firms ? &outcome.firms : nullptr);
  const bool recording = recorder.events != nullptr || recorder.firms != nullptr;
  // Scenarios that draw the same initial firms start alike (common random numbers make it the
  // same population); those that also run alike for a while share those years, paused where
  // they part. A recorded replication runs whole, since its events are all wanted.
  std::optional<Parameters> with_draw;  // made here only when too many were drawn to keep them all
  const Parameters* kept_draw =
      drawn_kept_.empty() ? nullptr : drawn_kept_[draw_slot_[r] * scenarios_.size() + s].get();
  if (posterior_ && kept_draw == nullptr) with_draw = drawn(s, r);
  const Parameters& p = kept_draw != nullptr ? *kept_draw : with_draw ? *with_draw : scenarios_[s]->parameters;
  RunResult run;
  if (recording || draw_users_[draws_like_[s]] == 1 || !still_shares(s, r)) {
    run = simulate(p, seed_, r, recording ? &recorder : nullptr, nullptr, interrupt_);
  } else {
    const std::shared_ptr<const SharedStart> start = shared_start(s, r);
    run = start->paused ? resume(p, *start->paused, interrupt_)
                        : simulate(p, seed_, r, nullptr, start->population.get(), interrupt_);
    release_shared_start(s, r, start.get());
  }
  outcome.metrics = std::move(run.metrics);
  outcome.events = run.events;
  return outcome;
}

void StudyRun::keep(std::size_t item, ReplicationOutcome&& outcome) {
  const auto [r, s] = item_at(item);
  ScenarioResults& out = results_.scenarios[s];
  out.replications[r] = std::move(outcome.metrics);
  if (r < out.event_logs.size()) out.event_logs[r] = std::move(outcome.event_log);
  if (r < out.firms.size()) out.firms[r] = std::move(outcome.firms);
  events_[r * scenarios_.size() + s] = outcome.events;
}

StudyResults StudyRun::finish() && {
  results_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  for (std::size_t i = 0; i < events_.size(); ++i) results_.scenarios[i % scenarios_.size()].events += events_[i];
  return std::move(results_);
}

StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       const RecordRequest& record) {
  // A lookahead of one replication per thread: each makes the next shared start while the
  // others run the scenarios of the current one.
  const unsigned threads = ReplicationRunner(runner).threads();
  StudyRun run(study, replications, seed, record, threads);
  run.set_interrupt(runner.stop);
  ReplicationRunner(runner).run(run.items(), [&](std::size_t i) { run.keep(i, run.compute(i)); });
  return std::move(run).finish();
}

}  // namespace leapsim::innovation
