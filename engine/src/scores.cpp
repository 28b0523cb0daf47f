#include "leapsim/engine/scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "leapsim/engine/errors.hpp"

namespace leapsim::scores {

stats::Interval central_interval(std::span<const double> ensemble, double level) {
  if (!(level > 0.0 && level < 1.0)) throw UsageError("a central band's level must be in (0, 1)");
  return {stats::quantile(ensemble, (1.0 - level) / 2.0), stats::quantile(ensemble, (1.0 + level) / 2.0)};
}

double interval_score(stats::Interval band, double alpha, double y) {
  if (!(alpha > 0.0 && alpha < 1.0)) throw UsageError("interval score: alpha must be in (0, 1)");
  double score = band.high - band.low;
  if (y < band.low) score += 2.0 / alpha * (band.low - y);
  if (y > band.high) score += 2.0 / alpha * (y - band.high);
  return score;
}

double crps(std::span<const double> ensemble, double y, bool fair) {
  const std::size_t m = ensemble.size();
  if (m == 0) throw UsageError("CRPS of an empty ensemble");
  if (fair && m < 2) throw UsageError("the fair CRPS needs at least two ensemble members");
  std::vector<double> x(ensemble.begin(), ensemble.end());
  std::sort(x.begin(), x.end());
  double to_observation = 0.0;
  double pairs = 0.0;  // sum over ordered pairs |x_i - x_j| = 2 sum_i (2i - m - 1) x_(i), i from 1
  for (std::size_t i = 0; i < m; ++i) {
    to_observation += std::abs(x[i] - y);
    pairs += 2.0 * (2.0 * static_cast<double>(i + 1) - static_cast<double>(m) - 1.0) * x[i];
  }
  const double md = static_cast<double>(m);
  return to_observation / md - pairs / (2.0 * md * (fair ? md - 1.0 : md));
}

double relative_error(std::span<const double> ensemble, double y) {
  const double median = stats::quantile(ensemble, 0.5);
  if (y == 0.0) return median == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return std::abs(median - y) / std::abs(y);
}

BacktestScores score_backtest(std::span<const Forecast> forecasts) {
  if (forecasts.empty()) throw UsageError("a back-test with no later figures to score");
  BacktestScores s;
  s.figures = forecasts.size();
  std::vector<double> errors;
  for (const Forecast& f : forecasts) {
    const stats::Interval b50 = central_interval(f.ensemble, 0.5);
    const stats::Interval b90 = central_interval(f.ensemble, 0.9);
    s.coverage_50 += f.observed >= b50.low && f.observed <= b50.high ? 1.0 : 0.0;
    s.coverage_90 += f.observed >= b90.low && f.observed <= b90.high ? 1.0 : 0.0;
    s.mean_interval_score_50 += interval_score(b50, 0.5, f.observed);
    s.mean_interval_score_90 += interval_score(b90, 0.1, f.observed);
    s.mean_crps += crps(f.ensemble, f.observed, f.ensemble.size() >= 2);
    errors.push_back(relative_error(f.ensemble, f.observed));
  }
  const double n = static_cast<double>(forecasts.size());
  s.coverage_50 /= n;
  s.coverage_90 /= n;
  s.mean_interval_score_50 /= n;
  s.mean_interval_score_90 /= n;
  s.mean_crps /= n;
  s.median_relative_error = stats::quantile(errors, 0.5);
  return s;
}

}  // namespace leapsim::scores
