#include "leapsim/innovation/study_runner.hpp"

#include <algorithm>
#include <chrono>

#include "leapsim/engine/bytes.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/model.hpp"

namespace leapsim::innovation {

namespace {

/// Keeps the firm events and year-end snapshots of one replication, as asked.
struct Recorder final : EventSink {
  std::vector<FirmEvent>* events;
  std::vector<FirmSnapshot>* snapshots;
  Recorder(std::vector<FirmEvent>* e, std::vector<FirmSnapshot>* s) : events(e), snapshots(s) {}
  void on_event(const FirmEvent& e) override {
    if (events != nullptr) events->push_back(e);
  }
  bool wants_snapshots() const override { return snapshots != nullptr; }
  void on_snapshot(const FirmSnapshot& s) override { snapshots->push_back(s); }
};

}  // namespace

std::string encode(const ReplicationOutcome& outcome) {
  ByteWriter out;
  out.put(outcome.metrics.first_year);
  out.put_array(outcome.metrics.years);
  out.put(outcome.events);
  out.put_array(outcome.event_log);
  out.put_array(outcome.snapshots);
  return std::move(out).take();
}

ReplicationOutcome decode_outcome(std::string_view bytes) {
  ByteReader in(bytes);
  ReplicationOutcome outcome;
  outcome.metrics.first_year = in.get<int>();
  outcome.metrics.years = in.get_array<YearMetrics>();
  outcome.events = in.get<std::uint64_t>();
  outcome.event_log = in.get_array<FirmEvent>();
  outcome.snapshots = in.get_array<FirmSnapshot>();
  if (!in.done()) throw SimulationError("replication record has trailing bytes");
  return outcome;
}

StudyRun::StudyRun(const Study& study, std::uint32_t replications, std::uint64_t seed, const RecordRequest& record)
    : replications_(replications), seed_(seed), record_(record) {
  scenarios_.push_back(&study.base);
  for (const Scenario& s : study.alternatives) scenarios_.push_back(&s);
  results_.replications = replications;
  results_.seed = seed;
  results_.scenarios.resize(scenarios_.size());
  const std::uint32_t kept = std::min(record.replications, replications);
  for (std::size_t s = 0; s < scenarios_.size(); ++s) {
    ScenarioResults& out = results_.scenarios[s];
    out.name = scenarios_[s]->name;
    out.replications.resize(replications);
    if (record.events) out.event_logs.resize(kept);
    if (record.snapshots) out.snapshots.resize(kept);
  }
  events_.resize(items());
  draws_like_.resize(scenarios_.size());
  draw_users_.assign(scenarios_.size(), 0);
  for (std::size_t s = 0; s < scenarios_.size(); ++s) {
    std::size_t first = 0;
    while (!same_initial_population(scenarios_[first]->parameters, scenarios_[s]->parameters)) ++first;
    draws_like_[s] = first;
    ++draw_users_[first];
  }
}

// Bounds the draws kept for replications whose scenarios are not all done in this process (an
// MPI rank may run only some of them); a draw dropped early is drawn again, at a cost in time only.
constexpr std::size_t kMaxSharedDraws = 64;

std::shared_ptr<const InitialPopulation> StudyRun::initial_population(std::size_t scenario, std::uint32_t replication) {
  const std::size_t like = draws_like_[scenario];
  std::shared_ptr<SharedDraw> draw;
  {
    const std::lock_guard lock(shared_mutex_);
    std::shared_ptr<SharedDraw>& entry = shared_[{replication, like}];
    if (!entry) {
      entry = std::make_shared<SharedDraw>();
      entry->users_left = draw_users_[like];
      if (shared_.size() > kMaxSharedDraws) shared_.erase(shared_.begin());  // the oldest replication
    }
    draw = entry;
  }
  std::call_once(draw->drawn,
                 [&] { draw->population = draw_initial_population(scenarios_[like]->parameters, seed_, replication); });
  return draw->population;
}

void StudyRun::release_initial_population(std::size_t scenario, std::uint32_t replication) {
  const std::lock_guard lock(shared_mutex_);
  const auto found = shared_.find({replication, draws_like_[scenario]});
  if (found != shared_.end() && --found->second->users_left == 0) shared_.erase(found);
}

ReplicationOutcome StudyRun::compute(std::size_t item) {
  const std::size_t s = item % scenarios_.size();
  const auto r = static_cast<std::uint32_t>(item / scenarios_.size());
  ReplicationOutcome outcome;
  const bool kept = r < record_.replications;
  Recorder recorder(kept && record_.events ? &outcome.event_log : nullptr,
                    kept && record_.snapshots ? &outcome.snapshots : nullptr);
  const bool recording = recorder.events != nullptr || recorder.snapshots != nullptr;
  // Scenarios that draw the same initial firms share one draw per replication (common random
  // numbers make it the same population); a scenario drawing alone draws inside simulate.
  std::shared_ptr<const InitialPopulation> initial;
  if (draw_users_[draws_like_[s]] > 1) initial = initial_population(s, r);
  RunResult run = simulate(scenarios_[s]->parameters, seed_, r, recording ? &recorder : nullptr, initial.get());
  if (initial) release_initial_population(s, r);
  outcome.metrics = std::move(run.metrics);
  outcome.events = run.events;
  return outcome;
}

void StudyRun::keep(std::size_t item, ReplicationOutcome&& outcome) {
  const std::size_t s = item % scenarios_.size();
  const std::size_t r = item / scenarios_.size();
  ScenarioResults& out = results_.scenarios[s];
  out.replications[r] = std::move(outcome.metrics);
  if (r < out.event_logs.size()) out.event_logs[r] = std::move(outcome.event_log);
  if (r < out.snapshots.size()) out.snapshots[r] = std::move(outcome.snapshots);
  events_[item] = outcome.events;
}

StudyResults StudyRun::finish() && {
  results_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  for (std::size_t i = 0; i < events_.size(); ++i) results_.scenarios[i % scenarios_.size()].events += events_[i];
  return std::move(results_);
}

StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       const RecordRequest& record) {
  StudyRun run(study, replications, seed, record);
  ReplicationRunner(runner).run(run.items(), [&](std::size_t i) { run.keep(i, run.compute(i)); });
  return std::move(run).finish();
}

}  // namespace leapsim::innovation
