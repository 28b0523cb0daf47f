#include "estimate.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "leapsim/innovation/metrics.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

// docs/performance.md, "The innovation model": bytes per firm created, the most measured from
// 10^5 firms up (219, with patent subsidies), and what a run keeps whatever its size: at 10^3
// initial firms (about 1,580 created) 401 bytes per firm were measured, 286 kB above 219 each.
constexpr double kBytesPerFirm = 220.0;
constexpr double kBytesPerRun = 300e3;
// The same page: a paused start holds about 288 bytes per initial firm, at most 4 GiB in all.
constexpr double kSharedStartBytesPerFirm = 288.0;
constexpr double kSharedStartLimit = 4.0 * (1u << 30);
// Seconds of one core per firm and simulated year: the 10^6-firm base (1.58 million firms
// created over 7 years in 2.6 s on one core).
constexpr double kSecondsPerFirmYear = 2.6 / (1.58e6 * 7.0);
// Seconds of one core per work item besides its firms (set-up, metrics, hand-over): tests/apps
// measure about 2 s for 4,000 replications of the 4-scenario tiny study on 2 threads, 0.25 ms
// per item, of which its 118 firms over 4 years account for 0.11 ms.
constexpr double kSecondsPerItem = 1.4e-4;
// A replication's metric table: a vector of years of kMetricCount doubles, and its header.
constexpr double kTableOverheadBytes = 64.0;
// The process before any study: code, libraries, HDF5 and the C++ runtime (about 20 MB peak
// for a 1,000-replication Congtai run whose results and model take 7 MB).
constexpr double kProcessBytes = 16e6;

/// The largest value a schedule takes.
double peak(const innovation::Schedule& s) {
  double most = 0.0;
  for (const auto& step : s.steps) most = std::max(most, step.value);
  return most;
}

/// Firms one replication of the scenario creates when every entry stream runs at its highest
/// rate and the carriers keep the free slots they start with.
double expected_firms(const innovation::Parameters& p) {
  double initial = 0.0, slots = 0.0;
  for (const auto& g : p.initial) initial += g.count;
  for (const auto& c : p.carriers) slots += c.capacity * std::clamp(1.0 - c.initial_occupancy, 0.0, 1.0);
  const double years = std::max(1, p.end_year - p.start_year + 1);
  const double entries_per_year = p.entry.base_rate + p.entry.in_migration_rate + p.entry.rate_per_free_slot * slots +
                                  peak(p.policy.talent_firms_per_year);
  return initial + years * std::max(0.0, entries_per_year);
}

}  // namespace

RunEstimate estimate_run(const innovation::Study& study, std::uint32_t replications, unsigned threads,
                         bool writes_file) {
  RunEstimate e;
  e.scenarios = 1 + study.alternatives.size();
  e.replications = replications;
  const double items = static_cast<double>(e.scenarios) * replications;
  e.threads = static_cast<unsigned>(std::clamp<double>(items, 1.0, std::max(1u, threads)));
  double firms = 0.0, firm_years = 0.0, largest = 0.0, initial = 0.0;
  std::size_t years = 0;
  const auto add = [&](const innovation::Parameters& p) {
    const double f = expected_firms(p);
    firms += f;
    firm_years += f * (p.end_year - p.start_year + 1);
    largest = std::max(largest, f);
    years = std::max<std::size_t>(years, static_cast<std::size_t>(std::max(1, p.end_year - p.start_year + 1)));
    double start = 0.0;
    for (const auto& g : p.initial) start += g.count;
    initial = std::max(initial, start);
  };
  add(study.base.parameters);
  for (const innovation::Scenario& s : study.alternatives) add(s.parameters);
  e.firms_per_scenario = firms / static_cast<double>(e.scenarios);
  e.seconds = (firm_years * kSecondsPerFirmYear + static_cast<double>(e.scenarios) * kSecondsPerItem) * replications /
              e.threads;
  // Held: the tables, their copy in the results tree, and the file image when one is written.
  const double table = static_cast<double>(years * innovation::kMetricCount * sizeof(double)) + kTableOverheadBytes;
  e.results_bytes = items * table * (writes_file ? 3.0 : 2.0);
  const double shared = std::min(kSharedStartLimit, e.threads * initial * kSharedStartBytesPerFirm);
  e.model_bytes = kProcessBytes + e.threads * (kBytesPerRun + largest * kBytesPerFirm) + shared;
  return e;
}

std::string bytes_text(double bytes) {
  if (bytes >= 1e9) return format("%.1f GB", bytes / 1e9);
  if (bytes >= 1e6) return format("%.0f MB", bytes / 1e6);
  return format("%.0f kB", std::max(1.0, bytes / 1e3));
}

std::string describe(const RunEstimate& e) {
  const std::string time = e.seconds < 1.0      ? std::string("under 1 s")
                           : e.seconds < 120.0  ? format("about %.0f s", e.seconds)
                           : e.seconds < 7200.0 ? format("about %.0f min", e.seconds / 60.0)
                                                : format("about %.1f h", e.seconds / 3600.0);
  return format(
      "%s on %u thread%s and %s of memory (%zu scenarios x %u replications of about %.0f firms; "
      "results %s, model %s)",
      time.c_str(), e.threads, e.threads == 1 ? "" : "s", bytes_text(e.bytes()).c_str(), e.scenarios, e.replications,
      e.firms_per_scenario, bytes_text(e.results_bytes).c_str(), bytes_text(e.model_bytes).c_str());
}

std::optional<double> available_memory_bytes() {
  std::optional<double> available;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    std::istringstream fields(line);
    std::string key;
    double kib = 0.0;
    if (fields >> key >> kib && key == "MemAvailable:") available = kib * 1024.0;
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // "max" when unlimited
  double limit = 0.0;
  if (cgroup >> limit && limit > 0.0) available = available ? std::min(*available, limit) : limit;
  return available;
}

}  // namespace leapsim::app
