#pragma once
// Ensemble statistics over replications: quantiles, intervals for proportions, for paired
// differences and for the ratio of paired means. Replications are independent, or come in
// clusters of consecutive ones that share a posterior draw (`cluster`: runs per draw), whose
// intervals then count the clusters as the independent units; pairing comes from common random
// numbers across scenarios.
#include <cstddef>
#include <span>

namespace leapsim::stats {

/// A two-sided interval.
struct Interval {
  double low = 0.0;
  double high = 0.0;
};

/// Arithmetic mean; NaN for no values.
double mean(std::span<const double> values) noexcept;
/// Unbiased sample variance; 0 for fewer than two values.
double variance(std::span<const double> values) noexcept;
/// Quantile q in [0, 1] by linear interpolation between order statistics (type 7, as numpy).
double quantile(std::span<const double> values, double q);

/// Quantile q in [0, 1] of values with non-negative weights (not all zero): the weighted
/// empirical distribution with each value at the middle of its weight (Hazen's rule, type 5,
/// when the weights are equal), linear between; the ends clamp to the extreme values.
double weighted_quantile(std::span<const double> values, std::span<const double> weights, double q);
/// Effective sample size of importance weights, (sum w)^2 / sum w^2 (Kish); 0 for no weight.
double effective_sample_size(std::span<const double> weights) noexcept;

/// Wilson score interval for a proportion of `successes` in `trials` at the given confidence.
Interval wilson(std::size_t successes, std::size_t trials, double confidence = 0.95);

/// Wilson's interval for the share of `met` (each 0 or 1) that are 1, the values coming in
/// clusters of `cluster` consecutive ones (the last may be shorter). With cluster 1 it is
/// wilson(successes, trials). Otherwise the trials count as n / deff, deff (at least 1) the
/// design effect: the cluster-robust variance of the share over the binomial one (Kish 1965,
/// Survey Sampling §8.2); a share of 0 or 1 counts each cluster as one trial.
Interval wilson_clustered(std::span<const double> met, std::size_t cluster, double confidence = 0.95);

/// Mean of b - a over paired replications with its t-interval, and what pairing bought.
struct PairedDifference {
  double mean = 0.0;
  Interval interval;
  double variance_a = 0.0;
  double variance_b = 0.0;
  double variance_difference = 0.0;
  /// (Var a + Var b) / Var(b - a): how many times smaller the variance of the difference is
  /// than it would be for independent runs; infinite when the difference never varies.
  double variance_reduction = 0.0;
};

/// Paired difference b - a (same replication index in both) at the given confidence. With
/// cluster k > 1 the replications come in clusters of k consecutive ones (the last may be
/// shorter): the mean's variance is then the cluster-robust G / (G - 1) sum_g T_g^2 / n^2 (T_g
/// the sum of cluster g's deviations from the mean, G clusters) and Student's t has G - 1
/// degrees of freedom (Cameron and Miller 2015, J. Human Resources 50:317, §II-III); with k = 1
/// it is the textbook s^2 / n on n - 1. The variances reported stay the plain sample ones.
PairedDifference paired_difference(std::span<const double> a, std::span<const double> b, double confidence = 0.95,
                                   std::size_t cluster = 1);

/// The ratio of two paired means with its Fieller interval.
struct RatioInterval {
  double ratio = 0.0;    ///< mean numerator / mean denominator (infinite or NaN at a zero denominator)
  bool bounded = false;  ///< whether the confidence set is one finite interval
  Interval interval;     ///< [low, high] when bounded; NaN otherwise, never numbers that mislead
};

/// Fieller's interval for mean(numerator) / mean(denominator) over paired replications (the same
/// index in both: extra cost and extra effect of one replication) at the given confidence.
/// Fieller (1954, J. R. Stat. Soc. B 16:175) inverts the pivot mean(x) - R mean(y), which is
/// exactly normal for normal means whatever R is: the set of R with
/// (ybar^2 - t^2 v_yy) R^2 - 2 (xbar ybar - t^2 v_xy) R + (xbar^2 - t^2 v_xx) <= 0, with v the
/// variances and covariance of the means and t the Student quantile paired_difference uses. Why
/// Fieller: it is exact for normal means (the delta method is not when the denominator is
/// noisy), it says honestly when the denominator is not significantly different from zero (the
/// set is then the whole line or the line minus an interval: `bounded` is false) instead of
/// printing a huge finite range, and it is a formula, so the same replications give the same
/// bits (a bootstrap resamples). UsageError for samples of different sizes; unbounded for fewer
/// than two pairs.
/// With cluster k > 1 the (co)variances of the means are the cluster-robust ones of
/// paired_difference, and t has G - 1 degrees of freedom.
RatioInterval fieller_ratio(std::span<const double> numerator, std::span<const double> denominator,
                            double confidence = 0.95, std::size_t cluster = 1);

/// The variance of values in groups split into what lies between the groups and what lies within
/// them, by the one-way random-effects ANOVA (method of moments): with MSB and MSW the mean
/// squares between and within, and n0 = (N - sum n_i^2 / N) / (g - 1) the effective group size
/// (k when every group has k values), within = MSW and between = max(0, (MSB - MSW) / n0).
struct VarianceComponents {
  bool estimable = false;  ///< at least two groups and one group of two or more values
  double total = 0.0;      ///< unbiased sample variance of all values
  double between = 0.0;    ///< of the group effects (NaN when not estimable)
  double within = 0.0;     ///< of the values about their group's effect (NaN when not estimable)
  /// between / (between + within): the share of the variance that comes from the groups; NaN
  /// when not estimable or when neither component varies.
  double between_share = 0.0;
};

/// Components of `values` whose consecutive runs of group_sizes[i] values form group i (sizes of
/// at least 1 summing to values.size(); UsageError otherwise). Not estimable with one group or
/// when every group has one value: then nothing tells the two components apart.
VarianceComponents variance_components(std::span<const double> values, std::span<const std::size_t> group_sizes);

}  // namespace leapsim::stats
