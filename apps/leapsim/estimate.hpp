#pragma once
// What a study run will take before it starts: its time and its memory, from the firms the
// study's parameters let one expect and the speed and bytes per firm measured in
// docs/performance.md, so a run that cannot fit is refused instead of failing hours in.

#include <cstdint>
#include <optional>
#include <string>

#include "leapsim/innovation/study.hpp"

namespace leapsim::app {

/// The expected cost of running every scenario of a study for some replications.
struct RunEstimate {
  std::size_t scenarios = 0;
  std::uint32_t replications = 0;
  unsigned threads = 1;             // workers that can be busy at once
  double firms_per_scenario = 0.0;  // firms created in one replication, averaged over scenarios
  double seconds = 0.0;             // wall time of the simulation
  double results_bytes = 0.0;       // per-replication results, held until the run ends
  double model_bytes = 0.0;         // the process, the model's state in every busy worker, shared starts
  double bytes() const { return results_bytes + model_bytes; }
};

/// Estimates a run on `threads` workers; `writes_file` adds the file image write_results builds.
RunEstimate estimate_run(const innovation::Study& study, std::uint32_t replications, unsigned threads,
                         bool writes_file);

/// One line: "about 12 s on 2 threads and 0.4 GB of memory (...)".
std::string describe(const RunEstimate& estimate);

/// The memory this process may still take: MemAvailable, or the cgroup's limit when lower;
/// nullopt when neither can be read.
std::optional<double> available_memory_bytes();

/// A byte count for people: "1.2 GB", "350 MB".
std::string bytes_text(double bytes);

}  // namespace leapsim::app
