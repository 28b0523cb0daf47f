#pragma once
// Back-tests (docs/calibration.md, "Back-tests"): a calibration fitted on the figures up to a
// cut-off forecasts every later observed figure, and the forecasts are scored against what was
// observed. The forecast of a figure is an ensemble: member m runs a parameter vector drawn from
// the posterior by weight (or from the prior, when nothing up to the cut-off could be fitted) with
// a seed of its own, both keyed by (seed, m), so the ensemble is the same bits on any thread count.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "leapsim/engine/abc_smc.hpp"
#include "leapsim/engine/scores.hpp"
#include "leapsim/innovation/calibration.hpp"

namespace leapsim::innovation {

/// How a back-test's ensemble is drawn and run.
struct BacktestOptions {
  std::size_t members = 400;  ///< ensemble size: parameter draws, each simulated once
  std::uint64_t seed = 1;
  unsigned threads = 1;  ///< 0: one per hardware thread
  const std::atomic<bool>* stop = nullptr;
  std::function<void(std::size_t done, std::size_t total)> on_progress;  ///< under a lock
};

/// Where member m's parameters come from: particle i of a posterior, or a draw from the prior.
struct BacktestDraws {
  /// The posterior's particles and normalised weights; empty particles: draw from the priors.
  std::span<const std::vector<double>> particles;
  std::span<const double> weights;
  std::vector<abc::Prior> priors;  ///< used only when particles is empty
};

/// Member m's parameter vector: a particle drawn by weight (abc::draw_particle) from the uniform
/// of a Philox stream keyed by (seed, m), or, with no particles, each prior's quantile of
/// successive uniforms of that stream (an independent draw from each prior).
std::vector<double> member_parameters(const BacktestDraws& draws, std::uint64_t seed, std::size_t member);

/// The simulation seed of member m: keyed like a sampler candidate, in a generation number no
/// run reaches (2^20 + 1; the posterior predictive check uses 2^20).
std::uint64_t member_seed(std::uint64_t seed, std::size_t member);

/// Runs the ensemble: member m simulates member_parameters(m) with member_seed(m) through
/// `later` (a CalibrationProblem over the later figures with the fit's free parameters), so each
/// figure is read exactly as a fit reads it. Result: one summary a figure, per member (NaN where
/// the drawn parameters are invalid together). Throws Cancelled when the stop flag is raised.
std::vector<std::vector<double>> forecast_ensemble(const CalibrationProblem& later, const BacktestDraws& draws,
                                                   const BacktestOptions& options);

/// One later figure, its forecast and its scores.
struct FigureScore {
  FittedFigure figure;
  std::vector<double> ensemble;  ///< the members' finite values, in member order
  std::size_t invalid_members = 0;
  double median = 0.0;
  stats::Interval band_50, band_90;  ///< central bands (scores::central_interval)
  /// A bound ("more than N") is inside a band when the band reaches past it; an exact figure when
  /// it lies within the band, edges included.
  bool inside_50 = false, inside_90 = false;
  /// Interval scores (alpha 0.5 and 0.1), fair CRPS and |median - y| / |y|: NaN for a bound,
  /// which these scores do not define.
  double interval_score_50 = 0.0, interval_score_90 = 0.0, crps = 0.0, relative_error = 0.0;
};

/// A back-test's per-figure scores and their summary.
struct BacktestScoresTable {
  std::vector<FigureScore> figures;
  /// scores::score_backtest over the figures that are not bounds; empty when every figure is one.
  std::optional<scores::BacktestScores> summary;
  std::size_t bounds = 0, bounds_inside_90 = 0;  ///< bound figures, and those inside their 90% band
};

/// Scores an ensemble (member x figure, as forecast_ensemble returns) against the figures'
/// observed values. Throws UsageError when some figure has no finite member.
BacktestScoresTable score_figures(std::span<const FittedFigure> figures, std::span<const std::vector<double>> ensemble);

}  // namespace leapsim::innovation
