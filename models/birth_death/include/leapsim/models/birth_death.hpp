#pragma once
// Birth-death population: entries arrive as a Poisson process of rate lambda, each entity
// leaves after an Exp(mu) lifetime. Its mean has a closed form, so it checks the kernel
// against mathematics rather than against itself.

#include <cstdint>
#include <vector>

#include "leapsim/engine/time.hpp"

namespace leapsim::birth_death {

/// Parameters of one birth-death run.
struct Parameters {
  std::uint32_t initial = 0;  ///< entities alive at the start
  double entry_rate = 0;      ///< lambda, entries per year
  double exit_rate = 0;       ///< mu, exits per entity-year
  Time start = 0;             ///< start time
  int years = 1;              ///< population is reported at start + 1, ..., start + years
};

/// What one replication produced.
struct Trajectory {
  std::vector<std::uint32_t> alive;    ///< alive at start + k, for k = 1..years
  std::vector<std::uint32_t> entries;  ///< entries during year k
  std::vector<std::uint32_t> exits;    ///< exits during year k
  std::uint64_t events = 0;            ///< events fired
};

/// Simulates one replication; a pure function of (parameters, seed, replication).
Trajectory simulate(const Parameters& p, std::uint64_t seed, std::uint32_t replication);

/// E[N(t)] = N0 e^(-mu t) + (lambda / mu)(1 - e^(-mu t)) after t years.
double expected_alive(const Parameters& p, double t);

/// Var[N(t)]: binomial survivors of the initial entities plus a Poisson count of survivors
/// among the entrants, N0 q (1 - q) + (lambda / mu)(1 - q) with q = e^(-mu t).
double variance_alive(const Parameters& p, double t);

}  // namespace leapsim::birth_death
