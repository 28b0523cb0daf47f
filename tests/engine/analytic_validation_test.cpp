// The kernel against closed-form results of queueing theory. Each check compares a mean over
// R independent replications with its exact expectation, allowing 4 standard errors: for a
// correct kernel |z| > 4 has probability 6e-5 per check (normal approximation, good here since
// each replication mean sums many events). Seeds are fixed, so the outcome is deterministic.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/simulation.hpp"
#include "leapsim/models/birth_death.hpp"

namespace leapsim {
namespace {

// Birth-death: N(t) has mean N0 e^(-mu t) + (lambda/mu)(1 - e^(-mu t)) and a known variance,
// so the standard error of the mean over R replications is exact, not estimated.
TEST(AnalyticValidation, BirthDeathMeanPopulationMatchesClosedForm) {
  const birth_death::Parameters p{500, 120.0, 0.15, 2019.0, 7};
  constexpr std::size_t R = 400;
  std::vector<birth_death::Trajectory> runs(R);
  ReplicationRunner({0, {}, nullptr}).run(R, [&](std::size_t r) {
    runs[r] = birth_death::simulate(p, 17, static_cast<std::uint32_t>(r));
  });
  for (int year = 1; year <= p.years; ++year) {
    double sum = 0;
    for (const auto& t : runs) sum += t.alive[static_cast<std::size_t>(year - 1)];
    const double mean = sum / R;
    const double se = std::sqrt(birth_death::variance_alive(p, year) / R);
    EXPECT_NEAR(mean, birth_death::expected_alive(p, year), 4 * se) << "t = " << year;
  }
}

// M/M/1 with arrival rate lambda and service rate mu: mean number in system rho / (1 - rho).
// Each replication starts from the stationary (geometric) distribution, so there is no warm-up
// bias, and records the time-average of N over [0, T]. Replications are independent, so the
// standard error comes from their sample variance.
double mm1_time_average(double lambda, double mu, double horizon, std::uint32_t replication) {
  Simulation sim(99, replication);
  std::uint64_t in_system = 0;
  double area = 0, last = 0;
  auto account = [&] {
    area += static_cast<double>(in_system) * (sim.now() - last);
    last = sim.now();
  };
  ProcessId arrival = 0, departure = 0;
  arrival = sim.add_process("arrival", Scope::global, 0, [&](EntityId) {
    account();
    if (++in_system == 1) sim.schedule(departure, sim.now() + sim.stream(departure).exponential(mu));
    sim.schedule(arrival, sim.now() + sim.stream(arrival).exponential(lambda));
  });
  departure = sim.add_process("departure", Scope::global, 0, [&](EntityId) {
    account();
    if (--in_system > 0) sim.schedule(departure, sim.now() + sim.stream(departure).exponential(mu));
  });
  const ProcessId initial = sim.add_process("initial", Scope::global, 0);
  auto init = sim.stream(initial);
  const double rho = lambda / mu;
  while (init.uniform() < rho) ++in_system;  // P(N = n) = (1 - rho) rho^n
  if (in_system > 0) sim.schedule(departure, sim.stream(departure).exponential(mu));
  sim.schedule(arrival, sim.stream(arrival).exponential(lambda));
  sim.run_until(horizon);
  account();
  return area / horizon;
}

TEST(AnalyticValidation, MM1MeanNumberInSystemIsRhoOverOneMinusRho) {
  for (const double rho : {0.5, 0.8}) {
    constexpr std::size_t R = 400;
    std::vector<double> averages(R);
    ReplicationRunner({0, {}, nullptr}).run(R, [&](std::size_t r) {
      averages[r] = mm1_time_average(rho, 1.0, 500.0, static_cast<std::uint32_t>(r));
    });
    double sum = 0, sum_sq = 0;
    for (double a : averages) sum += a, sum_sq += a * a;
    const double mean = sum / R;
    const double se = std::sqrt((sum_sq / R - mean * mean) / (R - 1));
    EXPECT_NEAR(mean, rho / (1 - rho), 4 * se) << "rho = " << rho;
    EXPECT_LT(se, 0.05 * rho / (1 - rho));  // the check has power: 4 SE is under 20% of L
  }
}

}  // namespace
}  // namespace leapsim
