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
  std::vector<MetricTable> replications;             // by replication index
  std::vector<std::vector<FirmEvent>> event_logs;    // firm events of the first recorded replications
  std::vector<std::vector<FirmSnapshot>> snapshots;  // year-end firms of the first recorded replications
  std::uint64_t events = 0;                          // kernel events over all replications
};

/// The results of a study run, base first, then the alternatives in file order.
struct StudyResults {
  std::vector<ScenarioResults> scenarios;
  std::uint32_t replications = 0;
  std::uint64_t seed = 0;
  double seconds = 0.0;  // wall time of the run
};

/// What to keep beyond the yearly metrics, for the first `replications` of every scenario.
struct RecordRequest {
  bool events = false;     // every firm event
  bool snapshots = false;  // every alive firm at each year end
  std::uint32_t replications = 1;
};

/// Runs the base and every alternative for the given replications, all keyed by one seed, and
/// keeps what the record request asks for.
StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       const RecordRequest& record = {});

}  // namespace leapsim::innovation
