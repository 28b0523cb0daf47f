// Ensemble statistics against values computed by hand or by standard tables.
#include "leapsim/engine/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim::stats {
namespace {

TEST(Stats, MeanVarianceQuantile) {
  const std::vector<double> v{4.0, 1.0, 3.0, 2.0, 5.0};
  EXPECT_DOUBLE_EQ(mean(v), 3.0);
  EXPECT_DOUBLE_EQ(variance(v), 2.5);
  EXPECT_DOUBLE_EQ(quantile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile(v, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(quantile(v, 0.05), 1.2);  // numpy.quantile([1..5], 0.05) = 1.2
  EXPECT_DOUBLE_EQ(quantile(v, 1.0), 5.0);
}

TEST(Stats, WilsonMatchesTheTextbookExample) {
  // 81 successes in 263 trials at 95%: 0.2553 to 0.3662 (Newcombe 1998, example of method 3).
  const Interval w = wilson(81, 263);
  EXPECT_NEAR(w.low, 0.2553, 5e-5);
  EXPECT_NEAR(w.high, 0.3662, 5e-5);
  const Interval all = wilson(20, 20);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  EXPECT_NEAR(all.low, 0.8389, 5e-5);  // 20/20: lower Wilson bound 0.8389
}

TEST(Stats, PairedDifferenceUsesTheTDistribution) {
  const std::vector<double> a{10, 12, 9, 11, 13};
  const std::vector<double> b{12, 13, 11, 14, 15};  // differences 2 1 2 3 2: mean 2, sd 0.7071
  const PairedDifference d = paired_difference(a, b);
  EXPECT_DOUBLE_EQ(d.mean, 2.0);
  // t(0.975, 4) = 2.776445: half width 2.7764451 * 0.7071068 / sqrt(5) = 0.877989.
  EXPECT_NEAR(d.interval.low, 2.0 - 0.877989, 1e-6);
  EXPECT_NEAR(d.interval.high, 2.0 + 0.877989, 1e-6);
  EXPECT_NEAR(d.variance_reduction, (2.5 + 2.5) / 0.5, 1e-12);
}

TEST(Stats, VarianceComponentsMatchAOneWayAnovaByHand) {
  // Means 2, 5, 11 about a grand mean of 6: MSB = 3 (16 + 1 + 25) / 2 = 63, MSW = 6 / 6 = 1,
  // between = (63 - 1) / 3, within = 1, share = 62 / 65; total variance 132 / 8.
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 10, 11, 12};
  const std::vector<std::size_t> threes{3, 3, 3};
  const VarianceComponents c = variance_components(v, threes);
  EXPECT_TRUE(c.estimable);
  EXPECT_NEAR(c.total, 16.5, 1e-12);
  EXPECT_NEAR(c.within, 1.0, 1e-12);
  EXPECT_NEAR(c.between, 62.0 / 3.0, 1e-12);
  EXPECT_NEAR(c.between_share, 62.0 / 65.0, 1e-12);
  // Unequal groups {1, 3}, {2, 4, 6}, {5}: MSB = 7.5 / 2, MSW = 10 / 3, n0 = (6 - 14 / 6) / 2, so
  // between = (3.75 - 10 / 3) / n0 = 5 / 22.
  const std::vector<double> u{1, 3, 2, 4, 6, 5};
  const std::vector<std::size_t> uneven{2, 3, 1};
  const VarianceComponents d = variance_components(u, uneven);
  EXPECT_NEAR(d.within, 10.0 / 3.0, 1e-12);
  EXPECT_NEAR(d.between, 5.0 / 22.0, 1e-12);
  // Group means alike: MSB < MSW, the between component is truncated at 0.
  const std::vector<double> alike{1, 5, 2, 4};
  const std::vector<std::size_t> twos{2, 2};
  EXPECT_EQ(variance_components(alike, twos).between, 0.0);
  EXPECT_EQ(variance_components(alike, twos).between_share, 0.0);
}

TEST(Stats, VarianceComponentsAreNotEstimableFromOneValueAGroupOrOneGroup) {
  const std::vector<double> v{1, 2, 4};
  const std::vector<std::size_t> ones{1, 1, 1}, one{3}, short_by_one{1, 1};
  for (const auto& sizes : {ones, one}) {
    const VarianceComponents c = variance_components(v, sizes);
    EXPECT_FALSE(c.estimable);
    EXPECT_NEAR(c.total, 7.0 / 3.0, 1e-12);  // the ensemble variance is still known
    EXPECT_TRUE(std::isnan(c.between) && std::isnan(c.within) && std::isnan(c.between_share));
  }
  EXPECT_THROW(variance_components(v, short_by_one), UsageError);
}

}  // namespace
}  // namespace leapsim::stats
