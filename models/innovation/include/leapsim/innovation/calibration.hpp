#pragma once
// The innovation model as a calibration sees it: free parameters named by path with their priors,
// observed figures read off the simulation as summaries, and "parameters and a seed in, summaries
// out" for the engine's ABC-SMC (abc_smc.hpp), which knows nothing of firms. Typed data only: the
// calibration file's YAML and the posterior file's HDF5 live elsewhere.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "leapsim/engine/abc_smc.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/parameter_paths.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// A parameter the calibration fits: where it lives in the scenario and what is believed of it.
struct FreeParameter {
  ParameterPath path;
  abc::Prior prior;  ///< its name is the path
};

/// An observed figure as the calibration reads it off a simulation: a metric at a date, with the
/// tolerance (abc::Target) its qualifiers give.
struct FittedFigure {
  Metric metric = Metric::htes;
  int year = 0;
  /// Where in the year the figure stands, 1 for 31 December: a stock at fraction f is read as
  /// (1 - f) x the previous year-end stock + f x this year's (assumption: straight growth within
  /// a year); a flow of a part year as f x the year's flow.
  double fraction = 1.0;
  abc::Target target;
};

/// True for metrics that are stocks on a date (read by interpolation), false for flows in a year.
bool is_stock(Metric metric) noexcept;

/// Fits a scenario's free parameters to observed figures: the model side of a calibration.
class CalibrationProblem {
 public:
  /// Checks that every prior stays inside its parameter's domain, that every figure's year lies
  /// in the scenario's horizon (a part-year stock needs the year before it there too) and that
  /// the base parameters with each prior's centre are valid. Throws UsageError naming the
  /// parameter or the figure and what to change.
  CalibrationProblem(Parameters base, std::vector<FreeParameter> free, std::vector<FittedFigure> figures);

  /// The base parameters with the free ones set to theta (in the order given). Throws
  /// UsageError when the result is invalid.
  Parameters parameters_at(std::span<const double> theta) const;

  /// One replication (seed, replication 0) run to the last fitted year: a summary per figure.
  /// A theta the model cannot run (its parameters invalid together) gives NaN summaries, which
  /// the sampler rejects.
  std::vector<double> simulate(std::span<const double> theta, std::uint64_t seed) const;

  /// The summaries of figures from one run's metrics.
  std::vector<double> summaries(const MetricTable& metrics) const;

  /// The priors, in order (their names are the paths).
  std::vector<abc::Prior> priors() const;
  /// The figures' targets, in order.
  std::vector<abc::Target> targets() const;

  const Parameters& base() const noexcept { return base_; }
  const std::vector<FreeParameter>& free_parameters() const noexcept { return free_; }
  const std::vector<FittedFigure>& figures() const noexcept { return figures_; }
  /// The last year a figure needs: simulations stop there.
  int last_year() const noexcept { return last_year_; }

 private:
  Parameters base_;
  std::vector<FreeParameter> free_;
  std::vector<FittedFigure> figures_;
  int last_year_ = 0;
};

/// A calibration's posterior and its posterior predictive check.
struct CalibrationOutcome {
  abc::AbcResult result;
  /// Each particle re-simulated with a fresh seed (predictive_seed): a summary per figure. Unlike
  /// the accepted summaries, these are not conditioned on falling within tolerance, so they show
  /// how well the posterior reproduces each figure.
  std::vector<std::vector<double>> predictive;
};

/// The seed of particle i's posterior predictive run: keyed like a sampler candidate, in a
/// generation number no run reaches (2^20).
std::uint64_t predictive_seed(std::uint64_t seed, std::size_t particle);

/// Runs ABC-SMC on the problem, then the posterior predictive check on the same threads. Throws
/// what abc_smc throws (Cancelled when options.stop is raised), and SimulationError when
/// generation 0 ends without particles (no prior draw came within the initial tolerance).
CalibrationOutcome calibrate(const CalibrationProblem& problem, const abc::AbcOptions& options);

}  // namespace leapsim::innovation
