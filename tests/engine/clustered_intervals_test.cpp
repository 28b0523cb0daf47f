// Intervals over replications that come in clusters sharing a posterior draw (stats.hpp): the
// cluster-robust t, Wilson and Fieller intervals against hand-computed values, exact identities,
// and the coverage they exist for.
#include <gtest/gtest.h>

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <vector>

#include "leapsim/engine/random.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::stats {
namespace {

/// Each value twice in a row: clusters of two identical replications.
std::vector<double> doubled(const std::vector<double>& v) {
  std::vector<double> out;
  for (const double x : v) out.insert(out.end(), {x, x});
  return out;
}

TEST(ClusteredIntervals, OneReplicationAClusterIsTheTextbookIntervalBitForBit) {
  const std::vector<double> a{3, 5, 4, 8, 6, 7}, b{4, 7, 4, 11, 6, 9}, met{1, 0, 1, 1, 0, 1};
  const PairedDifference plain = paired_difference(a, b), one = paired_difference(a, b, 0.95, 1);
  EXPECT_EQ(plain.interval.low, one.interval.low);
  EXPECT_EQ(plain.interval.high, one.interval.high);
  const Interval w = wilson(4, 6), w1 = wilson_clustered(met, 1);
  EXPECT_EQ(w.low, w1.low);
  EXPECT_EQ(w.high, w1.high);
  const RatioInterval f = fieller_ratio(b, a), f1 = fieller_ratio(b, a, 0.95, 1);
  EXPECT_EQ(f.interval.low, f1.interval.low);
  EXPECT_EQ(f.interval.high, f1.interval.high);
}

TEST(ClusteredIntervals, PairedDifferenceByHand) {
  // Differences 1, 3 | 2, 6 | 4, 4: mean 10/3; cluster sums of deviations -8/3, 4/3, 4/3;
  // variance of the mean 3/2 * (64 + 16 + 16) / 9 / 36 = 4/9; t(0.975, 2) = 4.302653.
  const std::vector<double> a(6, 0.0), b{1, 3, 2, 6, 4, 4};
  const PairedDifference d = paired_difference(a, b, 0.95, 2);
  EXPECT_DOUBLE_EQ(d.mean, 10.0 / 3.0);
  EXPECT_NEAR(d.interval.high - d.mean, 4.302653 * 2.0 / 3.0, 1e-6);
  EXPECT_NEAR(d.mean - d.interval.low, 4.302653 * 2.0 / 3.0, 1e-6);
  EXPECT_DOUBLE_EQ(d.variance_difference, variance(b));  // the reported variance stays the plain one
  // A last cluster shorter than the others: 1, 3 | 2, 6 | 4: mean 16/5, sums -2.4, 1.6, 0.8;
  // variance of the mean 3/2 * (5.76 + 2.56 + 0.64) / 25 = 0.5376.
  const std::vector<double> a5(5, 0.0), b5{1, 3, 2, 6, 4};
  const PairedDifference s = paired_difference(a5, b5, 0.95, 2);
  EXPECT_NEAR(s.interval.high - s.mean, 4.302653 * std::sqrt(0.5376), 1e-6);
  // One cluster tells nothing of the spread between clusters.
  EXPECT_TRUE(
      std::isinf(paired_difference(std::vector<double>{0, 0}, std::vector<double>{1, 2}, 0.95, 2).interval.high));
}

TEST(ClusteredIntervals, ClustersOfCopiesGiveTheIntervalOfTheOriginals) {
  // Two identical replications carry one replication's information: the cluster-robust variance
  // of the mean of the doubled sample is exactly the plain one of the originals, on the same
  // degrees of freedom.
  const std::vector<double> a{3, 5, 4, 8, 6, 7}, b{4, 7, 4, 11, 6, 9};
  const PairedDifference original = paired_difference(a, b),
                         copies = paired_difference(doubled(a), doubled(b), 0.95, 2);
  EXPECT_NEAR(copies.interval.low, original.interval.low, 1e-12);
  EXPECT_NEAR(copies.interval.high, original.interval.high, 1e-12);
  const PairedDifference naive = paired_difference(doubled(a), doubled(b));
  EXPECT_LT(naive.interval.high - naive.interval.low, 0.6 * (original.interval.high - original.interval.low));
  const std::vector<double> cost{10, 14, 9, 22, 13, 18}, effect{1, 2, 0.5, 3, 1.5, 2.5};
  const RatioInterval f = fieller_ratio(cost, effect), fc = fieller_ratio(doubled(cost), doubled(effect), 0.95, 2);
  ASSERT_TRUE(f.bounded && fc.bounded);
  EXPECT_NEAR(fc.interval.low, f.interval.low, 1e-9);
  EXPECT_NEAR(fc.interval.high, f.interval.high, 1e-9);
}

TEST(ClusteredIntervals, WilsonCountsTheEffectiveTrials) {
  // Ten clusters of two copies, 6 of them met: deff = n / (G - 1) (the G / (G - 1) factor of
  // the robust variance), so the interval is Wilson's at p = 0.6 on 9 trials.
  const std::vector<double> met = doubled({1, 1, 0, 1, 0, 1, 1, 0, 1, 0});
  const Interval w = wilson_clustered(met, 2);
  const double z = 1.959963984540054, n = 9.0, p = 0.6;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  EXPECT_NEAR(w.low, centre - half, 1e-12);
  EXPECT_NEAR(w.high, centre + half, 1e-12);
  // Every replication met: each cluster is one trial.
  const Interval all = wilson_clustered(std::vector<double>(20, 1.0), 2), ten = wilson(10, 10);
  EXPECT_NEAR(all.low, ten.low, 1e-12);
  // Independent-looking clusters (no correlation within them) keep the plain interval or wider.
  const std::vector<double> mixed{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1};
  const Interval plain = wilson(6, 12), robust = wilson_clustered(mixed, 2);
  EXPECT_LE(robust.low, plain.low + 1e-12);
  EXPECT_GE(robust.high, plain.high - 1e-12);
}

TEST(ClusteredIntervals, CoverTheMeanWhereTheTextbookIntervalDoesNot) {
  // 4,000 samples of 20 clusters of 2 replications sharing a normal draw (intra-cluster
  // correlation 0.9), true mean 0. The clustered 95% interval must cover 0 in 93-97% of them
  // (binomial sd of the share at 4,000: 0.0034, so 4 sd either side); the textbook one, whose
  // variance is too small by the factor 1 + 0.9, covers about 84% and must cover under 90%.
  RandomStream s(20261202, 0, 0, 0);
  boost::random::normal_distribution<double> normal;
  int clustered = 0, textbook = 0;
  const int samples = 4000;
  for (int k = 0; k < samples; ++k) {
    std::vector<double> zero(40, 0.0), x(40);
    for (std::size_t g = 0; g < 20; ++g) {
      const double shared = std::sqrt(0.9) * normal(s);
      for (std::size_t i = 0; i < 2; ++i) x[2 * g + i] = shared + std::sqrt(0.1) * normal(s);
    }
    const PairedDifference c = paired_difference(zero, x, 0.95, 2), t = paired_difference(zero, x);
    clustered += c.interval.low <= 0.0 && 0.0 <= c.interval.high;
    textbook += t.interval.low <= 0.0 && 0.0 <= t.interval.high;
  }
  EXPECT_GE(clustered, 0.93 * samples);
  EXPECT_LE(clustered, 0.97 * samples);
  EXPECT_LT(textbook, 0.90 * samples);
}

}  // namespace
}  // namespace leapsim::stats
