#pragma once
// Runs every scenario of a study for R replications on a thread pool. Replication r of every
// scenario uses the same (seed, r) streams: common random numbers, so differences between
// scenarios come from policy, not noise. Results never depend on the thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// The yearly metrics of every replication of one scenario.
struct ScenarioResults {
  std::string name;
  std::vector<MetricTable> replications;           // by replication index
  std::vector<std::vector<FirmEvent>> event_logs;  // firm events of the first recorded replications
  std::uint64_t events = 0;                        // kernel events over all replications
};

/// The results of a study run, base first, then the alternatives in file order.
struct StudyResults {
  std::vector<ScenarioResults> scenarios;
  std::uint32_t replications = 0;
  std::uint64_t seed = 0;
  double seconds = 0.0;  // wall time of the run
};

/// Runs the base and every alternative for the given replications, all keyed by one seed; keeps
/// the firm events of replications 0 to record_events - 1 of every scenario.
StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       std::uint32_t record_events = 0);

}  // namespace leapsim::innovation
