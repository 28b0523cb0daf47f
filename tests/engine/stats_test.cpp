// Ensemble statistics against values computed by hand or by standard tables.
#include "leapsim/engine/stats.hpp"

#include <gtest/gtest.h>

#include <vector>

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

}  // namespace
}  // namespace leapsim::stats
