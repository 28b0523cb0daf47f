#pragma once
// What the benchmark programs share: the sizes they run at and the Google Benchmark main loop.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace leapsim::bench {

/// Entity counts to benchmark: 10^3, 10^5 and 10^6, and 10^7 when LEAPSIM_BENCH_LARGE=1 (a
/// manual run: minutes and gigabytes).
inline std::vector<std::int64_t> sizes() {
  std::vector<std::int64_t> sizes{1'000, 100'000, 1'000'000};
  if (const char* large = std::getenv("LEAPSIM_BENCH_LARGE"); large != nullptr && std::string(large) == "1")
    sizes.push_back(10'000'000);
  return sizes;
}

/// Runs the registered benchmarks with the command line's flags; returns the exit code.
inline int run(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace leapsim::bench
