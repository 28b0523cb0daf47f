// ABC-SMC on toy simulators whose exact posteriors are known, and its contracts: priors and
// figures checked with located errors, the same bits on any thread count, the prior back when
// the tolerance is infinite, the stopping rules and the seed sharing.
#include "leapsim/engine/abc_smc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::abc {
namespace {

double normal_draw(std::uint64_t seed) {
  RandomStream stream(seed, 0, 0, 0);
  return boost::random::normal_distribution<double>()(stream);
}

// The sample mean of n draws from N(theta, sigma^2) has the law N(theta, sigma^2 / n); with
// sigma^2 / n = 1 one draw of it is the whole data set. A second parameter does nothing.
std::vector<double> mean_of_normals(std::span<const double> theta, std::uint64_t seed) {
  return {theta[0] + normal_draw(seed)};
}

std::vector<Prior> normal_priors() { return {Prior::normal("theta", 0.0, 3.0), Prior::uniform("nuisance", 0.0, 1.0)}; }

Target absolute(std::string name, double value, double tolerance) {
  Target t;
  t.name = std::move(name);
  t.value = value;
  t.relative_tolerance = 0.0;
  t.absolute_tolerance = tolerance;
  return t;
}

TEST(AbcSmc, RecoversTheNormalMeanPosterior) {
  // Prior N(0, 3^2), one observation 1.5 of N(theta, 1): the posterior is N(1.35, 0.9).
  // Accepting |y - 1.5| <= 0.1 adds a uniform error of variance 0.1^2 / 3 to the likelihood,
  // which moves the posterior sd by under 0.2%. With 1,000 particles the effective sample size
  // stays above 400 (checked), so the posterior mean's Monte Carlo sd is below
  // sqrt(0.9 / 400) = 0.047 and its 0.15 tolerance is over 3 sd; the sd's relative error is about
  // 1 / sqrt(2 ESS) = 3.5%, and its 12% tolerance over 3 times that.
  const std::vector<Target> targets{absolute("mean", 1.5, 1.0)};
  AbcOptions options;
  options.particles = 1000;
  options.final_epsilon = 0.1;
  options.seed = 11;
  const AbcResult r = abc_smc(normal_priors(), targets, mean_of_normals, options);
  ASSERT_EQ(r.stopped_by, StopReason::final_tolerance);
  ASSERT_EQ(r.particles.size(), 1000u);
  EXPECT_DOUBLE_EQ(r.generations.back().epsilon, 0.1);
  EXPECT_GT(r.generations.back().effective_sample_size, 400.0);
  EXPECT_TRUE(std::isinf(r.generations.front().epsilon));
  for (std::size_t g = 1; g < r.generations.size(); ++g)
    EXPECT_LT(r.generations[g].epsilon, r.generations[g - 1].epsilon);

  std::vector<double> theta;
  for (const auto& p : r.particles) theta.push_back(p[0]);
  double var = 0.0;
  for (std::size_t i = 0; i < theta.size(); ++i)
    var += r.weights[i] * (theta[i] - r.parameters[0].mean) * (theta[i] - r.parameters[0].mean);
  EXPECT_NEAR(r.parameters[0].mean, 1.35, 0.15);
  EXPECT_NEAR(std::sqrt(var), std::sqrt(0.9), 0.12 * std::sqrt(0.9));
  for (const double dist : r.distances) EXPECT_LE(dist, 0.1);

  // The posterior is a third of the prior's width: identified; the nuisance stays at its prior.
  EXPECT_NEAR(r.parameters[0].width_ratio, std::sqrt(0.9) / 3.0, 0.06);
  EXPECT_TRUE(r.parameters[0].identified);
  EXPECT_GT(r.parameters[1].width_ratio, 0.8);
  EXPECT_FALSE(r.parameters[1].identified);
  EXPECT_NEAR(r.parameters[1].prior_low, 0.05, 1e-12);
  EXPECT_NEAR(r.parameters[1].prior_high, 0.95, 1e-12);
}

// Poisson counts: the sum of m draws is Poisson(m lambda), and under a log-uniform prior
// (density 1 / lambda) the posterior given the sum S is Gamma(S, m).
std::vector<double> poisson_sum(std::span<const double> lambda, std::uint64_t seed) {
  RandomStream stream(seed, 0, 0, 0);
  double sum = 0.0;
  for (int i = 0; i < 5; ++i) sum += boost::random::poisson_distribution<int, double>(lambda[0])(stream);
  return {sum};
}

TEST(AbcSmc, RecoversThePoissonRatePosteriorExactly) {
  // S = 20 over m = 5: Gamma(20, 5), mean 4 and sd sqrt(20) / 5 = 0.894. The final tolerance 0
  // accepts only an exact match, so the ABC posterior is the exact one and the log-uniform
  // prior is honoured on its log scale. Tolerances as in the normal test (ESS above 400).
  Target sum;
  sum.name = "sum";
  sum.value = 20.0;
  sum.relative_tolerance = 0.1;
  AbcOptions options;
  options.particles = 1000;
  options.final_epsilon = 0.0;
  options.seed = 5;
  options.schedule = ToleranceSchedule::ess;
  const std::vector<Prior> priors{Prior::log_uniform("lambda", 0.1, 100.0)};
  const AbcResult r = abc_smc(priors, std::vector<Target>{sum}, poisson_sum, options);
  ASSERT_EQ(r.stopped_by, StopReason::final_tolerance);
  EXPECT_GT(r.generations.back().effective_sample_size, 400.0);
  for (const auto& s : r.summaries) EXPECT_EQ(s[0], 20.0);
  double var = 0.0;
  for (std::size_t i = 0; i < r.particles.size(); ++i)
    var += r.weights[i] * (r.particles[i][0] - r.parameters[0].mean) * (r.particles[i][0] - r.parameters[0].mean);
  EXPECT_NEAR(r.parameters[0].mean, 4.0, 0.15);
  EXPECT_NEAR(std::sqrt(var), 0.894, 0.12 * 0.894);
  EXPECT_TRUE(r.parameters[0].identified);
}

TEST(AbcSmc, KnownValuesFallInsideThe90PercentIntervalAtTheNominalRate) {
  // Draw theta from the prior, the datum from the model, fit: a calibrated posterior covers the
  // drawn theta with probability 0.9 each time, independently over the 40 repetitions. Under
  // Binomial(40, 0.9) the count is 31 or more with probability 0.994 and at most 39 with
  // probability 0.985, so [31, 39] fails a calibrated sampler about 2% of the time and catches
  // intervals much too narrow or much too wide.
  const std::vector<Prior> priors{Prior::normal("theta", 0.0, 3.0)};
  std::size_t covered = 0;
  const std::size_t repetitions = 40;
  for (std::size_t s = 0; s < repetitions; ++s) {
    RandomStream stream(977, static_cast<std::uint32_t>(s), 0, 0);
    boost::random::normal_distribution<double> normal;
    const double theta = 3.0 * normal(stream);
    const double datum = theta + normal(stream);
    AbcOptions options;
    options.particles = 300;
    options.final_epsilon = 0.1;
    options.seed = 1000 + s;
    options.kernel = s % 2 == 0 ? KernelKind::twice_covariance : KernelKind::local_optimal;
    const AbcResult r = abc_smc(priors, std::vector<Target>{absolute("y", datum, 1.0)}, mean_of_normals, options);
    ASSERT_EQ(r.stopped_by, StopReason::final_tolerance);
    if (theta >= r.parameters[0].low && theta <= r.parameters[0].high) ++covered;
  }
  EXPECT_GE(covered, 31u);
  EXPECT_LE(covered, 39u);
}

TEST(AbcSmc, PosteriorRanksOfKnownValuesAreUniform) {
  // Simulation-based calibration in its continuous form (Talts et al. 2018, arXiv:1804.06788):
  // with theta drawn from the prior and the datum from the model, the posterior weight below
  // theta is Uniform(0, 1) for a calibrated sampler. Over 100 repetitions the Kolmogorov-Smirnov
  // distance of those ranks from the uniform stays below 1.63 / sqrt(100) = 0.163 with
  // probability 0.99; with 100 particles the ranks are discrete to about 1 / ESS (under 0.02),
  // which the bound absorbs.
  const std::vector<Prior> priors{Prior::normal("theta", 0.0, 3.0)};
  std::vector<double> ranks;
  for (std::uint32_t s = 0; s < 100; ++s) {
    RandomStream stream(4242, s, 0, 0);
    boost::random::normal_distribution<double> normal;
    const double theta = 3.0 * normal(stream);
    const double datum = theta + normal(stream);
    AbcOptions options;
    options.particles = 100;
    options.final_epsilon = 0.1;
    options.seed = 5000 + s;
    const AbcResult r = abc_smc(priors, std::vector<Target>{absolute("y", datum, 1.0)}, mean_of_normals, options);
    double below = 0.0;
    for (std::size_t i = 0; i < r.particles.size(); ++i)
      if (r.particles[i][0] < theta) below += r.weights[i];
    ranks.push_back(below);
  }
  std::sort(ranks.begin(), ranks.end());
  double ks = 0.0;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const double n = static_cast<double>(ranks.size());
    ks = std::max(
        {ks, std::abs(ranks[i] - static_cast<double>(i) / n), std::abs(ranks[i] - static_cast<double>(i + 1) / n)});
  }
  EXPECT_LT(ks, 0.163);
}

void expect_same_bits(const AbcResult& a, const AbcResult& b) {
  ASSERT_EQ(a.particles.size(), b.particles.size());
  EXPECT_EQ(a.particles, b.particles);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.distances, b.distances);
  EXPECT_EQ(a.simulations, b.simulations);
  ASSERT_EQ(a.generations.size(), b.generations.size());
  for (std::size_t g = 0; g < a.generations.size(); ++g) {
    EXPECT_EQ(a.generations[g].epsilon, b.generations[g].epsilon);
    EXPECT_EQ(a.generations[g].attempts, b.generations[g].attempts);
  }
}

TEST(AbcSmc, SameBitsOnOneAndTwoThreads) {
  const std::vector<Target> targets{absolute("mean", 1.5, 1.0)};
  for (const KernelKind kernel : {KernelKind::twice_covariance, KernelKind::local_optimal}) {
    AbcOptions options;
    options.particles = 200;
    options.final_epsilon = 0.2;
    options.kernel = kernel;
    options.schedule = kernel == KernelKind::local_optimal ? ToleranceSchedule::ess : ToleranceSchedule::quantile;
    options.replicates = 2;
    options.threads = 1;
    const AbcResult one = abc_smc(normal_priors(), targets, mean_of_normals, options);
    options.threads = 2;
    const AbcResult two = abc_smc(normal_priors(), targets, mean_of_normals, options);
    expect_same_bits(one, two);
    options.seed = 2;
    const AbcResult other = abc_smc(normal_priors(), targets, mean_of_normals, options);
    EXPECT_NE(one.particles, other.particles);
  }
}

TEST(AbcSmc, InfiniteToleranceReturnsThePrior) {
  // Every prior draw is accepted with weight 1/N. Uniform on [2, 5]: sd 0.866, so the mean of
  // 2,000 draws is within 0.08 (over 4 sd) of 3.5; the normal's 5% and 95% quantiles within
  // 0.4 of 1 -+ 1.645 x 2 (their sampling sd is 2 sqrt(0.05 x 0.95 / 2000) / phi(1.645) = 0.094,
  // which 60 seeds confirmed: 0.4 is over 4 sd).
  AbcOptions options;
  options.particles = 2000;
  options.final_epsilon = std::numeric_limits<double>::infinity();
  const std::vector<Prior> priors{Prior::uniform("u", 2.0, 5.0), Prior::normal("n", 1.0, 2.0)};
  const AbcResult r = abc_smc(priors, std::vector<Target>{absolute("y", 0.0, 1.0)}, mean_of_normals, options);
  EXPECT_EQ(r.generations.size(), 1u);
  EXPECT_EQ(r.generations[0].acceptance_rate, 1.0);
  EXPECT_EQ(r.stopped_by, StopReason::final_tolerance);
  for (const double w : r.weights) EXPECT_DOUBLE_EQ(w, 1.0 / 2000.0);
  EXPECT_NEAR(r.parameters[0].mean, 3.5, 0.08);
  EXPECT_NEAR(r.parameters[1].low, 1.0 - 1.645 * 2.0, 0.4);
  EXPECT_NEAR(r.parameters[1].high, 1.0 + 1.645 * 2.0, 0.4);
  for (const ParameterReport& p : r.parameters) {
    EXPECT_NEAR(p.width_ratio, 1.0, 0.06);
    EXPECT_FALSE(p.identified);
  }
}

TEST(AbcSmc, TruncatedAndLogUniformPriorsStayInTheirSupport) {
  AbcOptions options;
  options.particles = 300;
  options.final_epsilon = 0.2;
  const std::vector<Prior> priors{Prior::normal("t", 0.0, 1.0, 0.5, 3.0), Prior::log_uniform("l", 0.01, 10.0)};
  const Simulator sim = [](std::span<const double> x, std::uint64_t seed) {
    return std::vector<double>{x[0] + 0.1 * normal_draw(seed), std::log(x[1])};
  };
  const AbcResult r =
      abc_smc(priors, std::vector<Target>{absolute("a", 0.6, 1.0), absolute("b", 0.0, 1.0)}, sim, options);
  for (const auto& p : r.particles) {
    EXPECT_GE(p[0], 0.5);
    EXPECT_LE(p[0], 3.0);
    EXPECT_GE(p[1], 0.01);
    EXPECT_LE(p[1], 10.0);
  }
}

TEST(AbcSmc, ImpossiblePriorsAreLocatedErrors) {
  auto message = [](std::vector<Prior> priors) {
    try {
      validate(priors);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const Prior ok = Prior::uniform("a", 0.0, 1.0);
  EXPECT_EQ(message({ok, Prior::uniform("b", 2.0, 1.0)}),
            "parameter 2 ('b'): a uniform prior needs finite bounds with low < high, got [2, 1]");
  EXPECT_EQ(message({ok, Prior::log_uniform("c", 0.0, 1.0)}),
            "parameter 2 ('c'): a log-uniform prior needs finite bounds with 0 < low < high, got [0, 1]");
  EXPECT_EQ(message({Prior::normal("d", 0.0, 0.0)}),
            "parameter 1 ('d'): a normal prior needs a finite mean and a positive finite sd");
  EXPECT_EQ(message({Prior::normal("e", 0.0, 1.0, 50.0, 60.0)}),
            "parameter 1 ('e'): the truncation [50, 60] leaves no prior mass");
  EXPECT_EQ(message({ok, ok}), "parameter 2 ('a'): the name is given twice");
  EXPECT_EQ(message({Prior::uniform("f", 0.0, std::numeric_limits<double>::infinity())}),
            "parameter 1 ('f'): a uniform prior needs finite bounds with low < high, got [0, inf]");
  EXPECT_EQ(message({}), "ABC-SMC: no free parameters");
  // abc_smc itself refuses before any simulation.
  bool called = false;
  const Simulator sim = [&](std::span<const double>, std::uint64_t) {
    called = true;
    return std::vector<double>{0.0};
  };
  const std::vector<Prior> bad{Prior::uniform("b", 2.0, 1.0)};
  EXPECT_THROW(abc_smc(bad, std::vector<Target>{absolute("y", 0.0, 1.0)}, sim), UsageError);
  EXPECT_FALSE(called);
}

TEST(AbcSmc, FiguresAndOptionsAreChecked) {
  Target zero;
  zero.name = "zero";
  zero.value = 0.0;  // a relative tolerance of a zero figure is zero
  EXPECT_THROW(validate(std::vector<Target>{zero}), UsageError);
  Target band;
  band.name = "band";
  band.qualifier = Qualifier::interval;
  band.value = 10.0;
  band.high = 5.0;
  try {
    validate(std::vector<Target>{absolute("ok", 1.0, 1.0), band});
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "figure 2 ('band'): an interval needs a finite high end at or above its low end");
  }
  AbcOptions options;
  options.max_simulations = 10;
  EXPECT_THROW(abc_smc(normal_priors(), std::vector<Target>{absolute("y", 0.0, 1.0)}, mean_of_normals, options),
               UsageError);
  // A simulator that gives the wrong number of summaries.
  const Simulator two = [](std::span<const double>, std::uint64_t) { return std::vector<double>{1.0, 2.0}; };
  EXPECT_THROW(abc_smc(normal_priors(), std::vector<Target>{absolute("y", 0.0, 1.0)}, two), UsageError);
}

TEST(AbcSmc, MissesFollowTheQualifiers) {
  Target exact;
  exact.value = 100.0;  // relative tolerance 0.1: a miss of 10 counts 1
  Target more;
  more.qualifier = Qualifier::lower_bound;
  more.value = 4000.0;
  Target fewer;
  fewer.qualifier = Qualifier::upper_bound;
  fewer.value = 50.0;
  Target band;
  band.qualifier = Qualifier::interval;
  band.value = 10.0;
  band.high = 20.0;
  const std::vector<Target> t{exact, more, fewer, band};
  EXPECT_EQ(misses(t, std::vector<double>{110.0, 5000.0, 40.0, 15.0}), (std::vector<double>{1.0, 0.0, 0.0, 0.0}));
  EXPECT_EQ(misses(t, std::vector<double>{80.0, 3600.0, 60.0, 25.0}), (std::vector<double>{2.0, 1.0, 2.0, 2.5}));
  EXPECT_EQ(misses(t, std::vector<double>{100.0, 4000.0, 50.0, 5.0})[3], 5.0);  // 5 below 10, scale 1
  EXPECT_TRUE(std::isinf(misses(t, std::vector<double>{NAN, 0.0, 0.0, 0.0})[0]));
  // Root mean square: misses 1, 1, 0, 0 give sqrt(2 / 4).
  EXPECT_DOUBLE_EQ(distance(t, std::vector<double>{110.0, 3600.0, 50.0, 12.0}), std::sqrt(0.5));
  EXPECT_THROW(distance(t, std::vector<double>{1.0}), UsageError);
}

TEST(AbcSmc, SeedsAreSharedAsAsked) {
  for (const SeedSharing sharing : {SeedSharing::per_generation, SeedSharing::per_particle, SeedSharing::independent}) {
    std::mutex mutex;
    std::map<std::uint64_t, std::size_t> uses;
    const Simulator sim = [&](std::span<const double> x, std::uint64_t seed) {
      const std::lock_guard lock(mutex);
      ++uses[seed];
      return mean_of_normals(x, seed);
    };
    AbcOptions options;
    options.particles = 50;
    options.final_epsilon = 0.5;
    options.max_generations = 2;
    options.seeds = sharing;
    options.threads = 2;
    const AbcResult r =
        abc_smc(normal_priors(), std::vector<Target>{absolute("y", 1.0, 1.0)}, mean_of_normals, options);
    const AbcResult seen = abc_smc(normal_priors(), std::vector<Target>{absolute("y", 1.0, 1.0)}, sim, options);
    expect_same_bits(r, seen);
    if (sharing == SeedSharing::per_generation) {
      EXPECT_EQ(uses.size(), r.generations.size());  // one seed a generation
      EXPECT_EQ(uses.count(simulator_seed(options.seed, sharing, 0, 7, 3, 0)), 1u);
    } else if (sharing == SeedSharing::per_particle) {
      EXPECT_EQ(uses.size(), 50u * r.generations.size());  // one seed a particle and generation
    } else {
      EXPECT_EQ(uses.size(), r.simulations);  // every simulation its own seed
    }
  }
  EXPECT_EQ(simulator_seed(1, SeedSharing::per_particle, 2, 3, 4, 0),
            simulator_seed(1, SeedSharing::per_particle, 2, 3, 9, 0));
  EXPECT_NE(simulator_seed(1, SeedSharing::independent, 2, 3, 4, 0),
            simulator_seed(1, SeedSharing::independent, 2, 3, 9, 0));
  EXPECT_NE(simulator_seed(1, SeedSharing::independent, 2, 3, 4, 0),
            simulator_seed(1, SeedSharing::independent, 2, 3, 4, 1));
}

TEST(AbcSmc, StopsAtTheBudgetTheGenerationCapOrAnUnreachableTolerance) {
  const std::vector<Target> targets{absolute("mean", 1.5, 1.0)};
  AbcOptions options;
  options.particles = 100;
  options.final_epsilon = 0.0001;
  options.max_simulations = 1500;
  const AbcResult budget = abc_smc(normal_priors(), targets, mean_of_normals, options);
  EXPECT_EQ(budget.stopped_by, StopReason::simulation_budget);
  EXPECT_LE(budget.simulations, 1500u);
  EXPECT_EQ(budget.particles.size(), 100u);  // the last complete generation

  options.max_simulations = 1'000'000;
  options.max_generations = 3;
  const AbcResult capped = abc_smc(normal_priors(), targets, mean_of_normals, options);
  EXPECT_EQ(capped.stopped_by, StopReason::max_generations);
  EXPECT_EQ(capped.generations.size(), 3u);

  // A figure the model can never reach: |theta + noise - 1000| <= 0.5 with theta in [0, 1];
  // generation 0 already fails, so there is no posterior to give.
  options.max_generations = 20;
  options.initial_epsilon = 0.5;
  options.final_epsilon = 0.5;
  options.max_attempts_per_particle = 50;
  const std::vector<Prior> narrow{Prior::uniform("theta", 0.0, 1.0)};
  const AbcResult stuck = abc_smc(narrow, std::vector<Target>{absolute("y", 1000.0, 1.0)}, mean_of_normals, options);
  EXPECT_EQ(stuck.stopped_by, StopReason::acceptance_too_low);
  EXPECT_TRUE(stuck.particles.empty());
  EXPECT_TRUE(stuck.generations.empty());
  EXPECT_EQ(stuck.simulations, 100u * 50u);
}

// Candidates outside the prior's support cost no simulation, so they must not use up the
// budget: a generation funded with one simulation per particle completes although about 40% of
// its proposals (kernel sd 0.41 on a uniform [0, 1] prior) fall outside the support first.
TEST(AbcSmc, CandidatesOutsideTheSupportDoNotUseTheBudget) {
  const std::vector<Prior> priors{Prior::uniform("theta", 0.0, 1.0)};
  const std::vector<Target> targets{absolute("zero", 0.0, 1.0)};
  const Simulator zero = [](std::span<const double>, std::uint64_t) { return std::vector<double>{0.0}; };
  AbcOptions options;
  options.particles = 100;
  options.final_epsilon = 0.0;
  options.max_simulations = 200;  // generation 0, then one simulation per particle
  const AbcResult r = abc_smc(priors, targets, zero, options);
  EXPECT_EQ(r.stopped_by, StopReason::final_tolerance);
  ASSERT_EQ(r.generations.size(), 2u);
  EXPECT_EQ(r.generations[1].simulations, 100u);
  EXPECT_GT(r.generations[1].attempts, 120u);  // candidates outside [0, 1] were drawn again
  EXPECT_EQ(r.simulations, 200u);
}

TEST(AbcSmc, StopFlagCancels) {
  std::atomic<bool> stop{false};
  AbcOptions options;
  options.particles = 100;
  options.final_epsilon = 0.01;
  options.stop = &stop;
  std::size_t calls = 0;
  options.on_progress = [&](const AbcProgress& p) {
    if (p.generation == 1 && p.accepted == 10) stop = true;
    ++calls;
  };
  EXPECT_THROW(abc_smc(normal_priors(), std::vector<Target>{absolute("y", 1.0, 1.0)}, mean_of_normals, options),
               Cancelled);
  EXPECT_GE(calls, 110u);
}

TEST(AbcSmc, APosteriorOnAFewParticlesIsToldApart) {
  AbcResult r;
  r.particles.assign(200, std::vector<double>{0.5});
  r.generations.resize(2);
  r.generations.back().effective_sample_size = 2.2;  // the Hebei fit's local kernel (docs/model.md §9)
  EXPECT_TRUE(rests_on_few_particles(r));
  r.generations.back().effective_sample_size = 20.0;  // a tenth of 200: enough
  EXPECT_FALSE(rests_on_few_particles(r));
  r.generations.front().effective_sample_size = 1.0;  // only the last generation counts
  EXPECT_FALSE(rests_on_few_particles(r));
  EXPECT_FALSE(rests_on_few_particles(AbcResult{}));  // nothing run: nothing to warn of
}

}  // namespace
}  // namespace leapsim::abc
