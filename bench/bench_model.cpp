// The full innovation model on the Congtai baseline scaled to N initial firms (10^3, 10^5,
// 10^6; 10^7 on request), run 2019-2025: one replication per iteration, set-up included.
// innovation_model_patent_subsidies runs the study's R&D and patent subsidy package instead:
// subsidies are paid from the fund in time order, so patent events take the queue (the base
// defers them to the firm's next review).
// Counters: kernel events per second, bytes per firm (kernel queue, lane and slots plus firm
// records, over every firm created in the run) and the process's peak resident memory so far.
//
//   bench_model [--benchmark_filter=...]
//   LEAPSIM_BENCH_LARGE=1 bench_model   adds N = 10^7 (one replication, about 3 GB)

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/scenario/loader.hpp"

#include "bench_sizes.hpp"

namespace {

using namespace leapsim::innovation;

/// A Congtai scenario (the base when unnamed) with every size-like input multiplied so it starts
/// with n firms.
Parameters congtai_scaled_to(double n, const std::string& scenario = "") {
  const Study study = load_study(LEAPSIM_SOURCE_DIR "/scenarios/congtai-2019.yaml");
  Parameters p = study.base.parameters;
  for (const Scenario& s : study.alternatives)
    if (s.name == scenario) p = s.parameters;
  double total = 0.0;
  for (const InitialGroup& g : p.initial) total += g.count;
  const double k = n / total;
  const auto scaled = [k](double v) { return static_cast<std::uint32_t>(std::lround(v * k)); };
  for (InitialGroup& g : p.initial) g.count = scaled(g.count);
  for (Carrier& c : p.carriers) c.capacity = std::max<std::uint32_t>(1, scaled(c.capacity));
  for (PlatformBuild& b : p.platform_builds) b.count = scaled(b.count);
  p.initial_platforms = scaled(p.initial_platforms);
  p.initial_workstations = scaled(p.initial_workstations);
  p.entry.base_rate *= k;
  p.entry.in_migration_rate *= k;
  p.region.residents *= k;
  for (Schedule* s : {&p.policy.budget, &p.policy.coaching_capacity, &p.policy.talent_firms_per_year})
    for (Schedule::Step& step : s->steps) step.value *= k;
  return p;
}

void run_model(benchmark::State& state, const std::string& scenario) {
  const Parameters p = congtai_scaled_to(static_cast<double>(state.range(0)), scenario);
  std::uint64_t events = 0;
  double bytes_per_firm = 0.0;
  std::uint32_t replication = 0;
  for (auto _ : state) {
    const RunResult r = simulate(p, 20190614, replication++);
    events += r.events;
    bytes_per_firm = static_cast<double>(r.memory_bytes) / static_cast<double>(r.firms_created);
    benchmark::DoNotOptimize(r.metrics.years.data());
  }
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["bytes_per_firm"] = bytes_per_firm;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_rss_gib"] = static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss: KiB
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

void innovation_model(benchmark::State& state) { run_model(state, ""); }
void innovation_model_patent_subsidies(benchmark::State& state) { run_model(state, "rd-and-patent-subsidies"); }

}  // namespace

int main(int argc, char** argv) {
  for (const auto& [name, bench] : {std::pair{"innovation_model", &innovation_model},
                                    std::pair{"innovation_model_patent_subsidies", &innovation_model_patent_subsidies}})
    for (const auto n : leapsim::bench::sizes()) {
      auto* b = benchmark::RegisterBenchmark(name, bench)->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
      // At least ten seconds per size up to 10^6, so the figure averages several replications;
      // one replication at 10^7 already takes over a minute.
      if (n <= 1'000'000)
        b->MinTime(10.0);
      else
        b->Iterations(1);
    }
  return leapsim::bench::run(argc, argv);
}
