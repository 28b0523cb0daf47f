#include "demo.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <ostream>
#include <string>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/models/birth_death.hpp"

namespace leapsim::app {
namespace {

// Congtai district, end of 2018: 667 registered tech SMEs (Handan Daily, 2019-06-14).
constexpr std::uint32_t kCongtaiTechSme2018 = 667;
// Exit rate from the median SME lifespan of 10.7 years (China Economic Review 2025): ln 2 / 10.7.
const double kExitRate = std::log(2.0) / 10.7;
// Entries per year: assumption, chosen only to make the demo show growth.
constexpr double kEntryRate = 150.0;

double quantile(std::vector<double> v, double q) {
  const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out) {
  const birth_death::Parameters params{kCongtaiTechSme2018, kEntryRate, kExitRate, 2019.0, 7};
  std::vector<birth_death::Trajectory> runs(options.replications);
  const ReplicationRunner runner({options.threads, {}, nullptr});
  const auto t0 = std::chrono::steady_clock::now();
  runner.run(runs.size(), [&](std::size_t r) {
    runs[r] = birth_death::simulate(params, options.seed, static_cast<std::uint32_t>(r));
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::uint64_t events = std::accumulate(runs.begin(), runs.end(), std::uint64_t{0},
                                               [](std::uint64_t s, const auto& t) { return s + t.events; });

  out << "LeapSim kernel demo: a birth-death forecast of Congtai's technology SMEs\n"
      << "(start: 667 at end 2018, Handan Daily; exit rate ln2/10.7 per year from the median SME\n"
      << " lifespan; 150 entries a year is an assumption. The policy model is not in this build yet.)\n\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-6s %10s %21s %12s %9s %9s\n", "year", "mean", "90% interval", "closed form",
                "entries", "exits");
  out << line;
  for (int y = 0; y < params.years; ++y) {
    std::vector<double> alive, entries, exits;
    for (const auto& t : runs) {
      alive.push_back(t.alive[static_cast<std::size_t>(y)]);
      entries.push_back(t.entries[static_cast<std::size_t>(y)]);
      exits.push_back(t.exits[static_cast<std::size_t>(y)]);
    }
    const auto mean = [](const std::vector<double>& v) {
      return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    };
    std::snprintf(line, sizeof line, "%-6d %10.1f %10.0f - %-8.0f %12.1f %9.1f %9.1f\n", 2019 + y, mean(alive),
                  quantile(alive, 0.05), quantile(alive, 0.95), birth_death::expected_alive(params, y + 1.0),
                  mean(entries), mean(exits));
    out << line;
  }
  std::snprintf(
      line, sizeof line, "\n%u replications, %llu events in %.2f s (%.2f M events/s, %u threads), seed %llu\n",
      options.replications, static_cast<unsigned long long>(events), seconds,
      static_cast<double>(events) / seconds / 1e6, runner.threads(), static_cast<unsigned long long>(options.seed));
  out << line;
  return 0;
}

}  // namespace leapsim::app
