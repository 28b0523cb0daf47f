// Sensitivity estimators against analytic answers: the Ishigami function's Sobol indices and a
// linear model's Morris effects; the designs' shape, seeds and thread-count independence; the
// seed-noise floor.
#include "leapsim/engine/sensitivity.hpp"

#include <gtest/gtest.h>

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <numbers>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/random.hpp"

namespace leapsim::sensitivity {
namespace {

constexpr double kPi = std::numbers::pi;

std::vector<Input> ishigami_inputs() { return {{"x1", -kPi, kPi}, {"x2", -kPi, kPi}, {"x3", -kPi, kPi}}; }

std::vector<double> ishigami(std::span<const double> x, std::uint64_t) {
  const double a = 7.0;
  const double b = 0.1;
  return {std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) + b * std::pow(x[2], 4) * std::sin(x[0])};
}

// Analytic indices for a = 7, b = 0.1 (Ishigami and Homma 1990; Saltelli et al. 2008, ch. 4).
constexpr double kFirst[3] = {0.3139, 0.4424, 0.0};
constexpr double kTotal[3] = {0.5576, 0.4424, 0.2437};

TEST(Sobol, IshigamiIndicesFromTheSobolDesign) {
  // N = 8192 Sobol points (45,056 runs). The analytic values lie inside every bootstrap 95%
  // interval (the bootstrap treats the points as independent, which overstates the error of a
  // low-discrepancy design, so the intervals are cautious), and within 0.02 of the estimates.
  SobolOptions options;
  options.base_samples = 8192;
  options.seed = 3;
  const SobolResult r = sobol(ishigami_inputs(), ishigami, options);
  ASSERT_EQ(r.first.size(), 1u);
  EXPECT_NEAR(r.variance[0], 0.5 + 49.0 / 8.0 + 0.1 * std::pow(kPi, 4) / 5.0 + 0.01 * std::pow(kPi, 8) / 18.0,
              0.3);  // Var f = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.84
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(r.names[i]);
    EXPECT_NEAR(r.first[0][i], kFirst[i], 0.02);
    EXPECT_NEAR(r.total[0][i], kTotal[i], 0.02);
    EXPECT_LE(r.first_low[0][i], kFirst[i]);
    EXPECT_GE(r.first_high[0][i], kFirst[i]);
    EXPECT_LE(r.total_low[0][i], kTotal[i]);
    EXPECT_GE(r.total_high[0][i], kTotal[i]);
  }
}

TEST(Sobol, IshigamiIndicesFromRandomPoints) {
  // Plain Monte Carlo at N = 8192: the estimators' sd is about 0.01-0.02 here (the bootstrap
  // intervals say so), so a tolerance of 0.06 is 3 sd or more.
  SobolOptions options;
  options.base_samples = 8192;
  options.sampling = Sampling::random;
  options.bootstrap = 100;
  const SobolResult r = sobol(ishigami_inputs(), ishigami, options);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.first[0][i], kFirst[i], 0.06);
    EXPECT_NEAR(r.total[0][i], kTotal[i], 0.06);
    EXPECT_LT(r.total_high[0][i] - r.total_low[0][i], 0.1);
  }
}

TEST(Sobol, DesignHasSaltellisShapeAndFollowsTheSeed) {
  SobolOptions options;
  options.base_samples = 16;
  const SobolDesign d = sobol_design(ishigami_inputs(), options);
  ASSERT_EQ(d.points.size(), 16u * 5u);
  for (std::size_t j = 0; j < 16; ++j)
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t c = 0; c < 3; ++c) {
        const double expected = c == i ? d.points[16 + j][c] : d.points[j][c];  // AB_i: A with column i from B
        EXPECT_EQ(d.points[(2 + i) * 16 + j][c], expected);
      }
  for (const auto& p : d.points)
    for (const double x : p) {
      EXPECT_GE(x, -kPi);
      EXPECT_LE(x, kPi);
    }
  EXPECT_EQ(sobol_design(ishigami_inputs(), options).points, d.points);
  options.seed = 2;
  EXPECT_NE(sobol_design(ishigami_inputs(), options).points, d.points);
}

// y = sum b_i x_i on ranges of different widths: every elementary effect of input i is
// b_i (high_i - low_i), so mu = that, mu_star = its absolute value and sigma = 0, up to rounding.
TEST(Morris, LinearModelEffectsAreExact) {
  const std::vector<Input> inputs{{"a", 0.0, 1.0}, {"b", -2.0, 2.0}, {"c", 10.0, 10.5}, {"d", 0.0, 3.0}};
  const std::vector<double> slope{2.0, -1.5, 8.0, 0.0};
  const Model linear = [&](std::span<const double> x, std::uint64_t) {
    double y = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) y += slope[i] * x[i];
    return std::vector<double>{y, -2.0 * y};
  };
  MorrisOptions options;
  options.trajectories = 12;
  options.levels = 6;
  const MorrisResult r = morris(inputs, linear, options);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const double effect = slope[i] * (inputs[i].high - inputs[i].low);
    EXPECT_NEAR(r.mu[0][i], effect, 1e-9);
    EXPECT_NEAR(r.mu_star[0][i], std::abs(effect), 1e-9);
    EXPECT_NEAR(r.sigma[0][i], 0.0, 1e-9);
    EXPECT_NEAR(r.mu[1][i], -2.0 * effect, 1e-9);
  }
}

TEST(Morris, NonlinearAndInteractingInputsShowSigma) {
  // Ishigami: x2 enters only through sin^2 (mu near 0 over symmetric moves, mu_star large),
  // x3 only with x1 (sigma large against mu). Checked as orderings the analytic form implies.
  MorrisOptions options;
  options.trajectories = 50;
  const MorrisResult r = morris(ishigami_inputs(), ishigami, options);
  EXPECT_GT(r.mu_star[0][1], 3.0 * std::abs(r.mu[0][1]));
  EXPECT_GT(r.sigma[0][2], r.mu_star[0][2] * 0.8);
  EXPECT_GT(r.mu_star[0][1], 1.0);
}

TEST(Morris, DesignMovesEachInputOnceAlongTheGrid) {
  const std::vector<Input> inputs{{"a", 0.0, 1.0}, {"b", 0.0, 1.0}, {"c", 0.0, 1.0}};
  MorrisOptions options;
  options.trajectories = 20;
  options.levels = 4;
  const MorrisDesign d = morris_design(inputs, options);
  ASSERT_EQ(d.points.size(), 20u * 4u);
  EXPECT_DOUBLE_EQ(d.delta, 2.0 / 3.0);
  for (std::size_t t = 0; t < 20; ++t) {
    std::vector<int> moved(3, 0);
    for (std::size_t s = 1; s <= 3; ++s) {
      const std::size_t p = t * 4 + s;
      ++moved[d.moved[p]];
      for (std::size_t i = 0; i < 3; ++i) {
        const double step = d.points[p][i] - d.points[p - 1][i];
        EXPECT_NEAR(step, i == d.moved[p] ? d.direction[p] * d.delta : 0.0, 1e-12);
        const double level = d.points[p][i] * 3.0;
        EXPECT_NEAR(level, std::round(level), 1e-12);  // on the grid 0, 1/3, 2/3, 1
      }
    }
    EXPECT_EQ(moved, (std::vector<int>{1, 1, 1}));
  }
  EXPECT_THROW(morris_design(inputs, MorrisOptions{10, 5, 1}), UsageError);
  EXPECT_THROW(morris_design(inputs, MorrisOptions{1, 4, 1}), UsageError);
}

// A stochastic model: y = 3 x + 2 z with z a standard normal drawn from the seed.
std::vector<double> noisy(std::span<const double> x, std::uint64_t seed) {
  RandomStream stream(seed, 0, 0, 0);
  return {3.0 * x[0] + 2.0 * boost::random::normal_distribution<double>()(stream)};
}

TEST(Morris, CommonRandomNumbersCancelAdditiveNoise) {
  // Every point's replicate r has the same seed, so the noise is the same at both ends of each
  // step and the effects come out exact although each output is noisy.
  const std::vector<Input> inputs{{"x", 0.0, 2.0}};
  EvaluateOptions evaluation;
  evaluation.replicates = 3;
  const MorrisResult r = morris(inputs, noisy, MorrisOptions{10, 4, 7}, evaluation);
  EXPECT_NEAR(r.mu[0][0], 6.0, 1e-9);
  EXPECT_NEAR(r.sigma[0][0], 0.0, 1e-9);
}

TEST(NoiseFloor, EstimatesTheSeedNoise) {
  // 400 runs of sd 2: the sample sd has sd about 2 / sqrt(798) = 0.071, so 0.3 is over 4 sd.
  const std::vector<double> point{1.0};
  const NoiseFloor nf = noise_floor(noisy, point, 400);
  EXPECT_NEAR(nf.sd[0], 2.0, 0.3);
  EXPECT_NEAR(nf.mean[0], 3.0, 0.4);  // sd of the mean 0.1
  EXPECT_NEAR(nf.point_sd(0, 4), nf.sd[0] / 2.0, 1e-12);
  EXPECT_NEAR(nf.effect_sd(0, 4, 0.5), std::sqrt(2.0) * nf.sd[0], 1e-12);
  EXPECT_NEAR(nf.variance_share(0, 1, 16.0), nf.sd[0] * nf.sd[0] / 16.0, 1e-12);
  EXPECT_THROW(noise_floor(noisy, point, 1), UsageError);
}

TEST(Sensitivity, SameBitsOnOneAndTwoThreads) {
  EvaluateOptions evaluation;
  evaluation.replicates = 2;
  const SobolDesign d = sobol_design(std::vector<Input>{{"x", 0.0, 1.0}, {"y", 0.0, 1.0}}, SobolOptions{64});
  const Model model = [](std::span<const double> x, std::uint64_t seed) {
    return std::vector<double>{noisy(x, seed)[0] * x[1]};
  };
  evaluation.threads = 1;
  const auto one = evaluate(model, d.points, evaluation);
  evaluation.threads = 2;
  const auto two = evaluate(model, d.points, evaluation);
  EXPECT_EQ(one, two);
  EXPECT_EQ(sobol_analyse(d, one).first, sobol_analyse(d, two).first);
  EXPECT_EQ(sobol_analyse(d, one).total_low, sobol_analyse(d, two).total_low);
}

TEST(Sensitivity, BadInputsAreLocatedErrors) {
  try {
    validate(std::vector<Input>{{"a", 0.0, 1.0}, {"b", 1.0, 1.0}});
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "input 2 ('b'): the range needs finite bounds with low < high");
  }
  EXPECT_THROW(validate(std::vector<Input>{{"a", 0.0, 1.0}, {"a", 0.0, 2.0}}), UsageError);
  EXPECT_THROW(validate(std::vector<Input>{}), UsageError);
  const Model changing = [](std::span<const double> x, std::uint64_t) {
    return std::vector<double>(x[0] < 0.5 ? 1 : 2, 0.0);
  };
  EXPECT_THROW(morris(std::vector<Input>{{"a", 0.0, 1.0}}, changing), UsageError);
}

}  // namespace
}  // namespace leapsim::sensitivity
