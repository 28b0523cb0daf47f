#include "leapsim/innovation/study_runner.hpp"

#include <algorithm>
#include <chrono>

#include "leapsim/innovation/model.hpp"

namespace leapsim::innovation {

namespace {

/// Keeps every firm event of one replication.
struct EventLog final : EventSink {
  std::vector<FirmEvent>* events;
  explicit EventLog(std::vector<FirmEvent>* out) : events(out) {}
  void on_event(const FirmEvent& e) override { events->push_back(e); }
};

}  // namespace

StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       std::uint32_t record_events) {
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
    results.scenarios[s].event_logs.resize(std::min(record_events, replications));
  }
  const auto t0 = std::chrono::steady_clock::now();
  // Work item i is replication i / S of scenario i % S: the scenarios of one replication run
  // close together, so a stopped run still has comparable replications of every scenario.
  const std::size_t count = scenarios.size();
  ReplicationRunner(runner).run(count * replications, [&](std::size_t i) {
    const std::size_t s = i % count;
    const auto r = static_cast<std::uint32_t>(i / count);
    std::vector<std::vector<FirmEvent>>& logs = results.scenarios[s].event_logs;
    EventLog log(r < logs.size() ? &logs[r] : nullptr);
    RunResult run = simulate(scenarios[s]->parameters, seed, r, r < logs.size() ? &log : nullptr);
    results.scenarios[s].replications[r] = std::move(run.metrics);
    events[s][r] = run.events;
  });
  results.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (std::size_t s = 0; s < scenarios.size(); ++s)
    for (const std::uint64_t e : events[s]) results.scenarios[s].events += e;
  return results;
}

}  // namespace leapsim::innovation
