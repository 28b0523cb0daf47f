#pragma once
// Scores of probabilistic forecasts against what was later observed, for back-tests: coverage of
// central bands, the interval score and the continuous ranked probability score (CRPS), both
// after Gneiting and Raftery (2007, JASA 102:359-378), and the median relative error. A forecast
// is an ensemble: the values of one figure over replications (and posterior draws).
#include <cstddef>
#include <span>
#include <vector>

#include "leapsim/engine/stats.hpp"

namespace leapsim::scores {

/// The central band holding `level` of the ensemble (quantiles (1 - level) / 2 and
/// (1 + level) / 2, type 7 as stats::quantile). Throws UsageError for an empty ensemble or a
/// level outside (0, 1).
stats::Interval central_interval(std::span<const double> ensemble, double level);

/// Interval score of the central (1 - alpha) band [low, high] for observation y (Gneiting and
/// Raftery 2007, eq. 43): its width plus 2 / alpha times the distance by which y falls outside.
/// Lower is better; a band that covers y scores its width.
double interval_score(stats::Interval band, double alpha, double y);

/// CRPS of an ensemble x_1..x_m for observation y in its kernel (energy) form,
/// mean |x_i - y| - (1 / 2) mean over pairs |x_i - x_j|, computed from the sorted sample in
/// O(m log m). The plain form divides the pair sum by m^2 (the CRPS of the ensemble's empirical
/// distribution); the fair form divides it by m (m - 1), the unbiased estimate of the CRPS of the
/// distribution the ensemble was drawn from (Ferro 2014, Q. J. R. Meteorol. Soc. 140:1917-1923;
/// Zamo and Naveau 2018, Math. Geosci. 50:209-234). Lower is better.
double crps(std::span<const double> ensemble, double y, bool fair = false);

/// |median(ensemble) - y| / |y|; +inf when y is 0 and the median is not.
double relative_error(std::span<const double> ensemble, double y);

/// One later figure and its forecast ensemble.
struct Forecast {
  std::span<const double> ensemble;
  double observed = 0.0;
};

/// Scores over a back-test's figures.
struct BacktestScores {
  std::size_t figures = 0;
  double coverage_50 = 0.0;             ///< share of figures inside the central 50% band
  double coverage_90 = 0.0;             ///< share inside the central 90% band
  double mean_interval_score_50 = 0.0;  ///< alpha = 0.5
  double mean_interval_score_90 = 0.0;  ///< alpha = 0.1
  double mean_crps = 0.0;               ///< fair CRPS
  double median_relative_error = 0.0;
};

/// Every score over the figures (an inclusive band covers a figure on its edge). Scores in
/// counts are in the figures' own units, so mix geographies of like size only, or compare
/// the coverage and the relative error. Throws UsageError for no figures.
BacktestScores score_backtest(std::span<const Forecast> forecasts);

}  // namespace leapsim::scores
