#pragma once
// Ensemble statistics over replications: quantiles, intervals for proportions and for paired
// differences. Replications are independent, so textbook formulas apply; pairing comes from
// common random numbers across scenarios.
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

/// Paired difference b - a (same replication index in both) at the given confidence.
PairedDifference paired_difference(std::span<const double> a, std::span<const double> b, double confidence = 0.95);

}  // namespace leapsim::stats
