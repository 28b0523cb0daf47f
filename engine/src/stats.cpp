#include "leapsim/engine/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim::stats {

double mean(std::span<const double> values) noexcept {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double variance(std::span<const double> values) noexcept {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double sum = 0.0;
  for (const double v : values) sum += (v - m) * (v - m);
  return sum / static_cast<double>(values.size() - 1);
}

double quantile(std::span<const double> values, double q) {
  if (values.empty()) throw UsageError("quantile of no values");
  if (!(q >= 0.0 && q <= 1.0)) throw UsageError("quantile level must be in [0, 1]");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double weighted_quantile(std::span<const double> values, std::span<const double> weights, double q) {
  if (values.empty()) throw UsageError("weighted quantile of no values");
  if (values.size() != weights.size()) throw UsageError("weighted quantile: values and weights differ in number");
  if (!(q >= 0.0 && q <= 1.0)) throw UsageError("quantile level must be in [0, 1]");
  double total = 0.0;
  for (const double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w)) throw UsageError("weighted quantile: a weight is negative or not finite");
    total += w;
  }
  if (!(total > 0.0)) throw UsageError("weighted quantile: every weight is zero");
  std::vector<std::size_t> order(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  // Each value sits at the middle of its share of the total weight; zero weights take no place.
  double below = 0.0;
  double prev_pos = 0.0;
  double prev_value = 0.0;
  bool have_prev = false;
  for (const std::size_t i : order) {
    if (weights[i] == 0.0) continue;
    const double pos = (below + weights[i] / 2.0) / total;
    below += weights[i];
    if (q <= pos) {
      if (!have_prev || pos == prev_pos || values[i] == prev_value) return values[i];
      const double f = (q - prev_pos) / (pos - prev_pos);
      return f == 0.0 ? prev_value : prev_value + f * (values[i] - prev_value);
    }
    prev_pos = pos;
    prev_value = values[i];
    have_prev = true;
  }
  return prev_value;
}

double effective_sample_size(std::span<const double> weights) noexcept {
  double sum = 0.0;
  double sum_sq = 0.0;
  for (const double w : weights) {
    sum += w;
    sum_sq += w * w;
  }
  return sum_sq > 0.0 ? sum * sum / sum_sq : 0.0;
}

namespace {

/// Wilson's score interval of a share p over n trials (n need not be whole: effective trials).
Interval wilson_at(double p, double n, double confidence) {
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + confidence / 2.0);
  const double centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
  const double half = z / (1.0 + z * z / n) * std::sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace

Interval wilson(std::size_t successes, std::size_t trials, double confidence) {
  if (trials == 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials);
  return wilson_at(static_cast<double>(successes) / n, n, confidence);
}

namespace {

/// The clusters of `cluster` consecutive values among n (the last may be shorter); 0 for cluster 0.
std::size_t cluster_count(std::size_t n, std::size_t cluster) { return cluster == 0 ? 0 : (n + cluster - 1) / cluster; }

/// The cluster-robust covariance of the means of x and y: G / (G - 1) sum_g Tx_g Ty_g / n^2,
/// T_g the sum of cluster g's deviations from the mean (needs G >= 2).
double clustered_covariance_of_means(std::span<const double> x, double mx, std::span<const double> y, double my,
                                     std::size_t cluster) {
  const std::size_t n = x.size(), g = cluster_count(n, cluster);
  double sum = 0.0;
  for (std::size_t start = 0; start < n; start += cluster) {
    double tx = 0.0, ty = 0.0;
    for (std::size_t i = start; i < std::min(n, start + cluster); ++i) tx += x[i] - mx, ty += y[i] - my;
    sum += tx * ty;
  }
  const double nn = static_cast<double>(n);
  return static_cast<double>(g) / static_cast<double>(g - 1) * sum / (nn * nn);
}

}  // namespace

Interval wilson_clustered(std::span<const double> met, std::size_t cluster, double confidence) {
  std::size_t successes = 0;
  for (const double v : met) successes += v != 0.0;
  const std::size_t n = met.size(), g = cluster_count(n, cluster);
  if (cluster <= 1 || g < 2) return wilson(successes, n, confidence);
  const double p = static_cast<double>(successes) / static_cast<double>(n);
  double trials = static_cast<double>(g);  // a share of 0 or 1: every cluster one trial
  if (p > 0.0 && p < 1.0) {
    const double robust = clustered_covariance_of_means(met, p, met, p, cluster);
    const double deff = std::max(1.0, robust / (p * (1.0 - p) / static_cast<double>(n)));
    trials = static_cast<double>(n) / deff;
  }
  return wilson_at(p, trials, confidence);
}

PairedDifference paired_difference(std::span<const double> a, std::span<const double> b, double confidence,
                                   std::size_t cluster) {
  if (a.size() != b.size()) throw UsageError("paired difference of samples of different sizes");
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = b[i] - a[i];
  PairedDifference r;
  r.mean = mean(d);
  r.variance_a = variance(a);
  r.variance_b = variance(b);
  r.variance_difference = variance(d);
  r.variance_reduction = r.variance_difference > 0.0 ? (r.variance_a + r.variance_b) / r.variance_difference
                                                     : std::numeric_limits<double>::infinity();
  if (d.size() < 2) {
    r.interval = {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
    return r;
  }
  if (cluster > 1) {
    const std::size_t g = cluster_count(d.size(), cluster);
    if (g < 2) {
      r.interval = {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
      return r;
    }
    const boost::math::students_t t(static_cast<double>(g - 1));
    const double half = boost::math::quantile(t, 0.5 + confidence / 2.0) *
                        std::sqrt(clustered_covariance_of_means(d, r.mean, d, r.mean, cluster));
    r.interval = {r.mean - half, r.mean + half};
    return r;
  }
  const boost::math::students_t t(static_cast<double>(d.size() - 1));
  const double half = boost::math::quantile(t, 0.5 + confidence / 2.0) *
                      std::sqrt(r.variance_difference / static_cast<double>(d.size()));
  r.interval = {r.mean - half, r.mean + half};
  return r;
}

RatioInterval fieller_ratio(std::span<const double> numerator, std::span<const double> denominator, double confidence,
                            std::size_t cluster) {
  if (numerator.size() != denominator.size()) throw UsageError("ratio of paired samples of different sizes");
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = numerator.size();
  RatioInterval r;
  const double x = mean(numerator), y = mean(denominator);
  r.ratio = x / y;
  r.interval = {nan, nan};
  if (n < 2) return r;
  // Variances and covariance of the means: the sample (co)variances over n, or the
  // cluster-robust ones.
  double a = 0.0, b = 0.0, c = 0.0;
  if (cluster > 1) {
    const std::size_t g = cluster_count(n, cluster);
    if (g < 2) return r;
    const double t = boost::math::quantile(boost::math::students_t(static_cast<double>(g - 1)), 0.5 + confidence / 2.0);
    const double t2 = t * t;
    a = y * y - t2 * clustered_covariance_of_means(denominator, y, denominator, y, cluster);
    b = x * y - t2 * clustered_covariance_of_means(numerator, x, denominator, y, cluster);
    c = x * x - t2 * clustered_covariance_of_means(numerator, x, numerator, x, cluster);
  } else {
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double dx = numerator[i] - x, dy = denominator[i] - y;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    const double scale = static_cast<double>(n - 1) * static_cast<double>(n);
    const double t = boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), 0.5 + confidence / 2.0);
    const double t2 = t * t;
    a = y * y - t2 * syy / scale;
    b = x * y - t2 * sxy / scale;
    c = x * x - t2 * sxx / scale;
  }
  // a > 0 exactly when the denominator's mean differs significantly from zero; the set then
  // holds the point ratio, so the discriminant is not negative but for rounding.
  if (!(a > 0.0)) return r;
  const double root = std::sqrt(std::max(0.0, b * b - a * c));
  r.bounded = true;
  r.interval = {(b - root) / a, (b + root) / a};
  return r;
}

VarianceComponents variance_components(std::span<const double> values, std::span<const std::size_t> group_sizes) {
  std::size_t n = 0;
  for (const std::size_t k : group_sizes) {
    if (k == 0) throw UsageError("variance_components: a group of no values");
    n += k;
  }
  if (n != values.size())
    throw UsageError("variance_components: the groups hold " + std::to_string(n) + " values, not " +
                     std::to_string(values.size()));
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  VarianceComponents c{false, variance(values), nan, nan, nan};
  const std::size_t g = group_sizes.size();
  if (g < 2 || n == g) return c;
  const double grand = mean(values);
  double between_squares = 0.0, within_squares = 0.0, sum_of_squared_sizes = 0.0;
  std::size_t at = 0;
  for (const std::size_t k : group_sizes) {
    const std::span<const double> group = values.subspan(at, k);
    const double m = mean(group);
    between_squares += static_cast<double>(k) * (m - grand) * (m - grand);
    for (const double v : group) within_squares += (v - m) * (v - m);
    sum_of_squared_sizes += static_cast<double>(k) * static_cast<double>(k);
    at += k;
  }
  const auto N = static_cast<double>(n), G = static_cast<double>(g);
  const double msb = between_squares / (G - 1.0), msw = within_squares / (N - G);
  const double n0 = (N - sum_of_squared_sizes / N) / (G - 1.0);
  c.estimable = true;
  c.within = msw;
  c.between = std::max(0.0, (msb - msw) / n0);
  const double sum = c.between + c.within;
  c.between_share = sum > 0.0 ? c.between / sum : nan;
  return c;
}

}  // namespace leapsim::stats
