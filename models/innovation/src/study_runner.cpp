#include "leapsim/innovation/study_runner.hpp"

#include <algorithm>
#include <chrono>

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

StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       const RecordRequest& record) {
  std::vector<const Scenario*> scenarios{&study.base};
  for (const Scenario& s : study.alternatives) scenarios.push_back(&s);
  StudyResults results;
  results.replications = replications;
  results.seed = seed;
  results.scenarios.resize(scenarios.size());
  std::vector<std::vector<std::uint64_t>> events(scenarios.size(), std::vector<std::uint64_t>(replications));
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    results.scenarios[s].name = scenarios[s]->name;
    results.scenarios[s].replications.resize(replications);
    const std::uint32_t kept = std::min(record.replications, replications);
    if (record.events) results.scenarios[s].event_logs.resize(kept);
    if (record.snapshots) results.scenarios[s].snapshots.resize(kept);
  }
  const auto t0 = std::chrono::steady_clock::now();
  // Work item i is replication i / S of scenario i % S: the scenarios of one replication run
  // close together, so a stopped run still has comparable replications of every scenario.
  const std::size_t count = scenarios.size();
  ReplicationRunner(runner).run(count * replications, [&](std::size_t i) {
    const std::size_t s = i % count;
    const auto r = static_cast<std::uint32_t>(i / count);
    ScenarioResults& out = results.scenarios[s];
    Recorder recorder(r < out.event_logs.size() ? &out.event_logs[r] : nullptr,
                      r < out.snapshots.size() ? &out.snapshots[r] : nullptr);
    const bool recording = recorder.events != nullptr || recorder.snapshots != nullptr;
    RunResult run = simulate(scenarios[s]->parameters, seed, r, recording ? &recorder : nullptr);
    results.scenarios[s].replications[r] = std::move(run.metrics);
    events[s][r] = run.events;
  });
  results.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (std::size_t s = 0; s < scenarios.size(); ++s)
    for (const std::uint64_t e : events[s]) results.scenarios[s].events += e;
  return results;
}

}  // namespace leapsim::innovation
