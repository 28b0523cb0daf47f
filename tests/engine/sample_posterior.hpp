#pragma once
// A small real posterior for the posterior tree and file tests: a short ABC-SMC run over one
// prior of each kind and one figure of each qualifier, with settings off their defaults (a seed
// above 2^63 among them) and texts that are multi-line UTF-8; and the field-by-field comparison.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "leapsim/engine/abc_smc.hpp"
#include "leapsim/engine/posterior.hpp"

namespace leapsim::abc::testing {

inline Target figure(const char* name, Qualifier qualifier, double value, double high, double relative) {
  Target t;
  t.name = name;
  t.qualifier = qualifier;
  t.value = value;
  t.high = high;
  t.relative_tolerance = relative;
  t.absolute_tolerance = 0.01;
  return t;
}

/// Summaries that are the parameters themselves, so every figure can be met.
inline std::vector<double> identity_simulator(std::span<const double> theta, std::uint64_t seed) {
  const double jitter = static_cast<double>(seed % 1000) * 1e-6;
  return {theta[0] + jitter, theta[1], theta[2], theta[0] + theta[1]};
}

inline Posterior sample_posterior() {
  Posterior p;
  p.priors = {Prior::uniform("hte.apply_probability", 0.0, 1.0), Prior::log_uniform("entry.rate", 0.1, 10.0),
              Prior::normal("initial[2].count", 100.0, 10.0)};
  p.targets = {figure("hebei 2017 hte", Qualifier::exact, 0.5, 0.0, 0.2),
               figure("hebei 2017 tech-sme", Qualifier::lower_bound, 1.0, 0.0, 0.1),
               figure("hebei 2018 hte", Qualifier::interval, 90.0, 110.0, 0.05),
               figure("hebei 2018 sum", Qualifier::upper_bound, 3.0, 0.0, 0.1)};
  AbcOptions& o = p.settings;
  o.particles = 40;
  o.seed = 12'345'678'901'234'567'890ULL;
  o.initial_epsilon = 40.0;
  o.final_epsilon = 0.2;
  o.max_generations = 3;
  o.max_simulations = 200'000;
  o.max_attempts_per_particle = 5'000;
  o.schedule = ToleranceSchedule::ess;
  o.tolerance_quantile = 0.3;
  o.ess_fraction = 0.6;
  o.kernel = KernelKind::local_optimal;
  o.seeds = SeedSharing::per_particle;
  o.replicates = 2;
  o.identified_width_ratio = 0.4;
  p.result = abc_smc(p.priors, p.targets, identity_simulator, o);
  p.calibration_file = "calibrations/hebei.yaml";
  p.calibration_text = "scenario: hebei-2016.yaml\n# 河北 高新技术企业\nfit: [hte]\n";
  p.data_text = "geography,year,metric,value\nhebei,2017,hte,3166\n";
  p.scenario_text = "name: 河北\nstart: 2016-12-31\n";
  p.created_by = "leapsim test";
  return p;
}

inline void expect_same(const Prior& a, const Prior& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.sd, b.sd);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
}

inline void expect_same(const Target& a, const Target& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.qualifier, b.qualifier);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.high, b.high);
  EXPECT_EQ(a.relative_tolerance, b.relative_tolerance);
  EXPECT_EQ(a.absolute_tolerance, b.absolute_tolerance);
}

/// Every field, compared exactly: the file must give the forecast the very particles fitted.
inline void expect_same_posterior(const Posterior& a, const Posterior& b) {
  ASSERT_EQ(a.priors.size(), b.priors.size());
  for (std::size_t k = 0; k < a.priors.size(); ++k) expect_same(a.priors[k], b.priors[k]);
  ASSERT_EQ(a.targets.size(), b.targets.size());
  for (std::size_t j = 0; j < a.targets.size(); ++j) expect_same(a.targets[j], b.targets[j]);
  const AbcResult &r = a.result, &s = b.result;
  EXPECT_EQ(r.names, s.names);
  EXPECT_EQ(r.particles, s.particles);
  EXPECT_EQ(r.weights, s.weights);
  EXPECT_EQ(r.distances, s.distances);
  EXPECT_EQ(r.summaries, s.summaries);
  ASSERT_EQ(r.generations.size(), s.generations.size());
  for (std::size_t g = 0; g < r.generations.size(); ++g) {
    EXPECT_EQ(r.generations[g].epsilon, s.generations[g].epsilon);
    EXPECT_EQ(r.generations[g].attempts, s.generations[g].attempts);
    EXPECT_EQ(r.generations[g].simulations, s.generations[g].simulations);
    EXPECT_EQ(r.generations[g].acceptance_rate, s.generations[g].acceptance_rate);
    EXPECT_EQ(r.generations[g].effective_sample_size, s.generations[g].effective_sample_size);
  }
  ASSERT_EQ(r.parameters.size(), s.parameters.size());
  for (std::size_t k = 0; k < r.parameters.size(); ++k) {
    const ParameterReport &x = r.parameters[k], &y = s.parameters[k];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.mean, y.mean);
    EXPECT_EQ(x.low, y.low);
    EXPECT_EQ(x.high, y.high);
    EXPECT_EQ(x.prior_low, y.prior_low);
    EXPECT_EQ(x.prior_high, y.prior_high);
    EXPECT_EQ(x.width_ratio, y.width_ratio);
    EXPECT_EQ(x.identified, y.identified);
  }
  EXPECT_EQ(r.simulations, s.simulations);
  EXPECT_EQ(r.stopped_by, s.stopped_by);
  const AbcOptions &o = a.settings, &q = b.settings;
  EXPECT_EQ(o.particles, q.particles);
  EXPECT_EQ(o.seed, q.seed);
  EXPECT_EQ(o.initial_epsilon, q.initial_epsilon);
  EXPECT_EQ(o.final_epsilon, q.final_epsilon);
  EXPECT_EQ(o.max_generations, q.max_generations);
  EXPECT_EQ(o.max_simulations, q.max_simulations);
  EXPECT_EQ(o.max_attempts_per_particle, q.max_attempts_per_particle);
  EXPECT_EQ(o.schedule, q.schedule);
  EXPECT_EQ(o.tolerance_quantile, q.tolerance_quantile);
  EXPECT_EQ(o.ess_fraction, q.ess_fraction);
  EXPECT_EQ(o.kernel, q.kernel);
  EXPECT_EQ(o.seeds, q.seeds);
  EXPECT_EQ(o.replicates, q.replicates);
  EXPECT_EQ(o.identified_width_ratio, q.identified_width_ratio);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.calibration_text, b.calibration_text);
  EXPECT_EQ(a.calibration_file, b.calibration_file);
  EXPECT_EQ(a.data_text, b.data_text);
  EXPECT_EQ(a.scenario_text, b.scenario_text);
  EXPECT_EQ(a.created_by, b.created_by);
}

}  // namespace leapsim::abc::testing
