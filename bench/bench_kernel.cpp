// The hold model: N entities, each waiting Exp(1), updating a little state, and rescheduling.
// The kernel (with each queue) runs it beside a bare std::priority_queue + mt19937_64 loop
// doing the same work, so their ratio is measured in one run on one machine.
//
//   bench_kernel                      N = 10^3, 10^5, 10^6
//   LEAPSIM_BENCH_LARGE=1 bench_kernel   adds N = 10^7 (about 3 GB, a minute)

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <queue>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "leapsim/engine/simulation.hpp"

#include "bench_sizes.hpp"

namespace {

using leapsim::BasicSimulation;
using leapsim::EntityId;
using leapsim::ProcessId;
using leapsim::Scope;

// Simulated time advanced per benchmark iteration: about N events.
constexpr double kSliceYears = 1.0;

template <class Queue>
void kernel_hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  BasicSimulation<Queue> sim(2019, 0);
  auto& visits = sim.population().template add_column<std::uint32_t>("visits");
  ProcessId hold = 0;
  hold = sim.add_process("hold", Scope::entity, 0, [&](EntityId e) {
    ++visits[e];
    sim.schedule(hold, e, sim.now() + sim.stream(hold, e).exponential(1.0));
  });
  sim.set_prefetch(hold, [&](EntityId e) { __builtin_prefetch(&visits[e]); });
  sim.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const EntityId e = sim.add_entity();
    sim.schedule(hold, e, sim.stream(hold, e).exponential(1.0));
  }
  sim.run_until(2.0);  // warm up past the initial transient
  const std::uint64_t before = sim.events_fired();
  for (auto _ : state) sim.run_until(sim.now() + kSliceYears);
  const auto events = static_cast<double>(sim.events_fired() - before);
  state.counters["events_per_second"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["bytes_per_entity"] = static_cast<double>(sim.kernel_memory_bytes()) / static_cast<double>(n);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

// The textbook loop: a binary heap of (time, entity) and a Mersenne twister, no cancellation.
void priority_queue_hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  using Item = std::pair<double, std::uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  std::mt19937_64 rng(2019);
  std::exponential_distribution<double> wait(1.0);
  std::vector<std::uint32_t> visits(n);
  for (std::uint32_t i = 0; i < n; ++i) queue.emplace(wait(rng), i);
  double now = 0;
  std::uint64_t events = 0;
  auto advance = [&](double end) {
    while (queue.top().first < end) {
      const auto [t, e] = queue.top();
      queue.pop();
      now = t;
      ++visits[e];
      ++events;
      queue.emplace(now + wait(rng), e);
    }
    now = end;
  };
  advance(2.0);
  events = 0;
  for (auto _ : state) advance(now + kSliceYears);
  state.counters["events_per_second"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["bytes_per_entity"] = static_cast<double>(sizeof(Item));  // one heap entry each
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  benchmark::DoNotOptimize(visits.data());
}

}  // namespace

int main(int argc, char** argv) {
  for (const auto n : leapsim::bench::sizes()) {
    benchmark::RegisterBenchmark("hold/kernel_ladder_queue", kernel_hold<leapsim::LadderQueue>)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("hold/kernel_heap_queue", kernel_hold<leapsim::HeapQueue>)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("hold/plain_priority_queue_mt19937", priority_queue_hold)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond);
  }
  return leapsim::bench::run(argc, argv);
}
