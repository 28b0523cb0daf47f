// Fieller's interval for the ratio of paired means: exact coverage on normal data, the
// unbounded case, constant samples and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::stats {
namespace {

/// Standard normal draws by Box-Muller from mt19937_64, whose output the standard fixes: the same
/// numbers on every library (std::normal_distribution is not specified to the bit).
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : engine_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 engine_;
};

/// The paired t statistic of numerator - ratio * denominator: Fieller's pivot.
double pivot(const std::vector<double>& x, const std::vector<double>& y, double ratio) {
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - ratio * y[i];
  return mean(d) / std::sqrt(variance(d) / static_cast<double>(d.size()));
}

TEST(RatioInterval, EndsAreWhereThePivotMeetsTheTQuantile) {
  const std::vector<double> cost{12.0, 7.0, 15.0, 9.0, 11.0, 6.0};
  const std::vector<double> effect{2.5, 1.2, 3.1, 2.0, 2.2, 1.4};
  const RatioInterval r = fieller_ratio(cost, effect);
  ASSERT_TRUE(r.bounded);
  EXPECT_DOUBLE_EQ(r.ratio, mean(cost) / mean(effect));
  EXPECT_LT(r.interval.low, r.ratio);
  EXPECT_GT(r.interval.high, r.ratio);
  // t(0.975, 5 degrees of freedom) = 2.570582 (standard tables): the interval is the set of
  // ratios whose pivot the t-test does not reject.
  EXPECT_NEAR(pivot(cost, effect, r.interval.low), 2.570582, 1e-5);
  EXPECT_NEAR(pivot(cost, effect, r.interval.high), -2.570582, 1e-5);
}

TEST(RatioInterval, CoversTheTrueRatioAtTheNominalRate) {
  // Effect ~ N(2, 1), cost = 5 + 2.5 effect + N(0, 2): mean cost 10, true ratio 5, correlated as
  // extra cost and extra effect of one replication are. Fieller is exact for normal data, so the
  // share of 4,000 trials that cover is binomial(4000, 0.95): sd sqrt(0.95 0.05 / 4000) = 0.0034,
  // and 4 sd (0.014) fails a correct interval with probability 6e-5.
  constexpr int kTrials = 4000;
  constexpr std::size_t kReplications = 20;
  constexpr double kTrueRatio = 5.0;
  Normal normal(20261201);
  int covered = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> cost(kReplications), effect(kReplications);
    for (std::size_t i = 0; i < kReplications; ++i) {
      effect[i] = 2.0 + normal();
      cost[i] = 5.0 + 2.5 * effect[i] + 2.0 * normal();
    }
    const RatioInterval r = fieller_ratio(cost, effect);
    // The mean effect is 9 standard errors from zero: an unbounded set would be a bug here.
    ASSERT_TRUE(r.bounded) << "trial " << trial;
    if (r.interval.low <= kTrueRatio && kTrueRatio <= r.interval.high) ++covered;
  }
  EXPECT_NEAR(static_cast<double>(covered) / kTrials, 0.95, 0.014);
}

TEST(RatioInterval, ADenominatorNotSignificantlyAwayFromZeroIsUnbounded) {
  // Mean effect 0.1 with sd about 1 over 8 replications: t = 0.28, far below t(0.975, 7) = 2.36.
  const std::vector<double> effect{1.1, -0.9, 0.6, -1.2, 1.3, -0.4, 0.2, 0.1};
  const std::vector<double> cost{3.0, 2.0, 4.0, 1.0, 3.5, 2.5, 2.0, 2.0};
  const RatioInterval r = fieller_ratio(cost, effect);
  EXPECT_FALSE(r.bounded);
  EXPECT_TRUE(std::isnan(r.interval.low));
  EXPECT_TRUE(std::isnan(r.interval.high));
  EXPECT_DOUBLE_EQ(r.ratio, mean(cost) / mean(effect));
}

TEST(RatioInterval, ConstantSamplesGiveThePointRatio) {
  const std::vector<double> cost(5, 6.0), effect(5, 2.0);
  const RatioInterval r = fieller_ratio(cost, effect);
  ASSERT_TRUE(r.bounded);
  EXPECT_DOUBLE_EQ(r.ratio, 3.0);
  EXPECT_DOUBLE_EQ(r.interval.low, 3.0);
  EXPECT_DOUBLE_EQ(r.interval.high, 3.0);
  // A package that never changes the effect has no ratio to bound.
  const std::vector<double> none(5, 0.0);
  EXPECT_FALSE(fieller_ratio(cost, none).bounded);
  EXPECT_TRUE(std::isinf(fieller_ratio(cost, none).ratio));
}

TEST(RatioInterval, FewerThanTwoPairsAreUnboundedAndUnequalSizesAreRefused) {
  const std::vector<double> one{1.0};
  EXPECT_FALSE(fieller_ratio(one, one).bounded);
  const std::vector<double> two{1.0, 2.0};
  EXPECT_THROW((void)fieller_ratio(one, two), UsageError);
}

}  // namespace
}  // namespace leapsim::stats
