// Forecast scores and weighted statistics against values worked by hand on tiny ensembles.
#include "leapsim/engine/scores.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::scores {
namespace {

const std::vector<double> kEnsemble{3.0, 1.0, 5.0, 2.0, 4.0};

TEST(Scores, CentralBandsAreType7Quantiles) {
  const stats::Interval b50 = central_interval(kEnsemble, 0.5);
  EXPECT_DOUBLE_EQ(b50.low, 2.0);  // h = 0.25 * 4 = 1: the second value
  EXPECT_DOUBLE_EQ(b50.high, 4.0);
  const stats::Interval b90 = central_interval(kEnsemble, 0.9);
  EXPECT_DOUBLE_EQ(b90.low, 1.2);  // h = 0.2: 1 + 0.2 * (2 - 1)
  EXPECT_DOUBLE_EQ(b90.high, 4.8);
  EXPECT_THROW(central_interval(kEnsemble, 1.0), UsageError);
  EXPECT_THROW(central_interval(std::vector<double>{}, 0.5), UsageError);
}

TEST(Scores, IntervalScoreIsWidthPlusPenalty) {
  // Observation 6 above [2, 4] at alpha 0.5: 2 + (2 / 0.5) * 2 = 10; above [1.2, 4.8] at
  // alpha 0.1: 3.6 + 20 * 1.2 = 27.6; covered: the width alone.
  EXPECT_DOUBLE_EQ(interval_score({2.0, 4.0}, 0.5, 6.0), 10.0);
  EXPECT_NEAR(interval_score({1.2, 4.8}, 0.1, 6.0), 27.6, 1e-12);
  EXPECT_DOUBLE_EQ(interval_score({2.0, 4.0}, 0.5, 3.0), 2.0);
  EXPECT_DOUBLE_EQ(interval_score({2.0, 4.0}, 0.5, 0.5), 2.0 + 4.0 * 1.5);
}

TEST(Scores, CrpsOfAnEnsemble) {
  // y = 6 above every member: the integral of F^2 over [1, 6) is
  // 0.04 + 0.16 + 0.36 + 0.64 + 1 = 2.2; energy form: mean |x - y| = 3, pairs sum to 40,
  // so 3 - 40 / (2 * 25) = 2.2 (plain) and 3 - 40 / (2 * 20) = 2.0 (fair).
  EXPECT_NEAR(crps(kEnsemble, 6.0), 2.2, 1e-12);
  EXPECT_NEAR(crps(kEnsemble, 6.0, true), 2.0, 1e-12);
  // y = 3 in the middle: mean |x - 3| = 1.2, so 0.4 plain and 0.2 fair.
  EXPECT_NEAR(crps(kEnsemble, 3.0), 0.4, 1e-12);
  EXPECT_NEAR(crps(kEnsemble, 3.0, true), 0.2, 1e-12);
  // One member: the absolute error.
  EXPECT_DOUBLE_EQ(crps(std::vector<double>{7.0}, 4.5), 2.5);
  EXPECT_THROW(crps(std::vector<double>{7.0}, 4.5, true), UsageError);
}

TEST(Scores, RelativeErrorOfTheMedian) {
  EXPECT_DOUBLE_EQ(relative_error(kEnsemble, 6.0), 0.5);
  EXPECT_DOUBLE_EQ(relative_error(kEnsemble, 3.0), 0.0);
}

TEST(Scores, BacktestOverTwoFigures) {
  const std::vector<Forecast> f{{kEnsemble, 6.0}, {kEnsemble, 3.0}};
  const BacktestScores s = score_backtest(f);
  EXPECT_EQ(s.figures, 2u);
  EXPECT_DOUBLE_EQ(s.coverage_50, 0.5);
  EXPECT_DOUBLE_EQ(s.coverage_90, 0.5);
  EXPECT_DOUBLE_EQ(s.mean_interval_score_50, (10.0 + 2.0) / 2.0);
  EXPECT_NEAR(s.mean_interval_score_90, (27.6 + 3.6) / 2.0, 1e-12);
  EXPECT_NEAR(s.mean_crps, (2.0 + 0.2) / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(s.median_relative_error, 0.25);
  // A figure on a band's edge counts as covered.
  const std::vector<Forecast> edge{{kEnsemble, 4.0}};
  EXPECT_DOUBLE_EQ(score_backtest(edge).coverage_50, 1.0);
  EXPECT_THROW(score_backtest(std::vector<Forecast>{}), UsageError);
}

TEST(Stats, WeightedQuantileAndEffectiveSampleSize) {
  const std::vector<double> v{4.0, 1.0, 3.0, 2.0};
  const std::vector<double> equal(4, 1.0);
  // Equal weights sit at 1/8, 3/8, 5/8, 7/8 (Hazen): the median is halfway between 2 and 3.
  EXPECT_DOUBLE_EQ(stats::weighted_quantile(v, equal, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(stats::weighted_quantile(v, equal, 0.25), 1.5);
  EXPECT_DOUBLE_EQ(stats::weighted_quantile(v, equal, 0.1), 1.0);
  EXPECT_DOUBLE_EQ(stats::weighted_quantile(v, equal, 0.95), 4.0);
  // Weights 3 and 1 on 1 and 2: positions 3/8 and 7/8, so q = 1/2 lies a quarter of the way.
  const std::vector<double> two{1.0, 2.0};
  EXPECT_DOUBLE_EQ(stats::weighted_quantile(two, std::vector<double>{3.0, 1.0}, 0.5), 1.25);
  // A zero weight takes no place.
  EXPECT_DOUBLE_EQ(
      stats::weighted_quantile(std::vector<double>{1.0, 5.0, 2.0}, std::vector<double>{1.0, 0.0, 1.0}, 0.5), 1.5);
  EXPECT_THROW(stats::weighted_quantile(two, std::vector<double>{0.0, 0.0}, 0.5), UsageError);
  EXPECT_THROW(stats::weighted_quantile(two, std::vector<double>{1.0, -1.0}, 0.5), UsageError);
  EXPECT_DOUBLE_EQ(stats::effective_sample_size(equal), 4.0);
  EXPECT_DOUBLE_EQ(stats::effective_sample_size(std::vector<double>{2.0, 0.0, 0.0}), 1.0);
}

}  // namespace
}  // namespace leapsim::scores
