#include "leapsim/models/birth_death.hpp"

#include <cmath>

#include "leapsim/engine/simulation.hpp"

namespace leapsim::birth_death {

Trajectory simulate(const Parameters& p, std::uint64_t seed, std::uint32_t replication) {
  Simulation sim(seed, replication, p.start);
  Trajectory out;
  out.alive.resize(static_cast<std::size_t>(p.years));
  out.entries.resize(out.alive.size());
  out.exits.resize(out.alive.size());
  std::size_t year = 0;

  ProcessId exit_process = 0;
  ProcessId entry_process = 0;
  auto admit = [&] {
    const EntityId id = sim.add_entity();
    sim.schedule(exit_process, id, sim.now() + sim.stream(exit_process, id).exponential(p.exit_rate));
  };
  exit_process = sim.add_process("exit", Scope::entity, 1, [&](EntityId id) {
    sim.remove_entity(id);
    ++out.exits[year];
  });
  entry_process = sim.add_process("entry", Scope::global, 1, [&](EntityId) {
    admit();
    ++out.entries[year];
    sim.schedule(entry_process, sim.now() + sim.stream(entry_process).exponential(p.entry_rate));
  });

  sim.reserve(p.initial);
  for (std::uint32_t i = 0; i < p.initial; ++i) admit();
  if (p.entry_rate > 0) sim.schedule(entry_process, p.start + sim.stream(entry_process).exponential(p.entry_rate));
  for (year = 0; year < out.alive.size(); ++year) {
    sim.run_until(p.start + static_cast<double>(year + 1));
    out.alive[year] = static_cast<std::uint32_t>(sim.population().alive_count());
  }
  out.events = sim.events_fired();
  return out;
}

double expected_alive(const Parameters& p, double t) {
  const double q = std::exp(-p.exit_rate * t);
  return p.initial * q + p.entry_rate / p.exit_rate * (1 - q);
}

double variance_alive(const Parameters& p, double t) {
  const double q = std::exp(-p.exit_rate * t);
  return p.initial * q * (1 - q) + p.entry_rate / p.exit_rate * (1 - q);
}

}  // namespace leapsim::birth_death
