#pragma once
// Global sensitivity analysis of a stochastic model, knowing nothing of the model: "input values
// and a seed in, outputs out".
//
// - Morris elementary effects (Morris 1991, Technometrics 33:161-174) on random trajectories
//   through a p-level grid, giving mu, mu_star (the mean absolute effect, Campolongo, Cariboni
//   and Saltelli 2007, Environ. Model. Softw. 22:1509-1518) and sigma per input and output.
// - Sobol first-order and total indices on Saltelli's design (matrices A, B and A with column i
//   from B; Saltelli et al. 2010, Comput. Phys. Commun. 181:259-270), first order by Saltelli
//   2010's estimator and total by Jansen's (1999), with percentile bootstrap intervals. The
//   design is a Sobol low-discrepancy sequence (Boost's, with the direction numbers of Joe and Kuo
//   2008) under a random shift keyed by the seed, or plain random points.
// - The seed-noise floor: replicated evaluations at one point, so an effect or index smaller than
//   what seed noise alone produces is reported as not distinguishable from zero.
//
// Every design point's replicate r runs with the same seed (common random numbers), and every
// design and bootstrap draw is keyed by the seed, so results are the same bits on any thread
// count.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"

namespace leapsim::sensitivity {

/// One input and the range over which it is varied (uniformly).
struct Input {
  std::string name;
  double low = 0.0;
  double high = 1.0;
};

/// Throws UsageError naming the input whose range is empty, reversed or not finite, or whose
/// name is empty or repeated.
void validate(std::span<const Input> inputs);

/// The model: input values (in input order) and a seed in, outputs out (the same number always).
/// Called from several threads at once when EvaluateOptions::threads is not 1.
using Model = std::function<std::vector<double>(std::span<const double> x, std::uint64_t seed)>;

/// How design points are evaluated.
struct EvaluateOptions {
  std::size_t replicates = 1;  ///< runs averaged per point; replicate r has the same seed everywhere
  std::uint64_t seed = 1;
  unsigned threads = 1;                              ///< 0: one per hardware thread
  const std::atomic<bool>* stop = nullptr;           ///< raised: Cancelled
  std::function<void(const Progress&)> on_progress;  ///< per point evaluated
};

/// The seed replicate r of every design point runs with.
std::uint64_t replicate_seed(std::uint64_t seed, std::size_t replicate);

/// Each point's outputs averaged over the replicates ([point][output]). Throws UsageError when
/// the model's number of outputs changes from one call to another.
std::vector<std::vector<double>> evaluate(const Model& model, const std::vector<std::vector<double>>& points,
                                          const EvaluateOptions& options = {});

/// Settings of a Morris design.
struct MorrisOptions {
  std::size_t trajectories = 10;
  std::size_t levels = 4;  ///< p, even; the step is p / (2 (p - 1)) of each range
  std::uint64_t seed = 1;
};

/// Morris trajectories: trajectory t is points t (k + 1) .. t (k + 1) + k, each after the first
/// moving one input by +-delta of its range.
struct MorrisDesign {
  std::vector<Input> inputs;
  double delta = 0.0;                       ///< the step, as a fraction of each range
  std::vector<std::vector<double>> points;  ///< in the inputs' own units
  std::vector<std::size_t> moved;           ///< per point: the input moved from the one before (first: none)
  std::vector<double> direction;            ///< per point: +1 or -1 (0 on a trajectory's first point)
};

/// A Morris design keyed by the seed. Throws UsageError for bad inputs, fewer than 2
/// trajectories, or an odd or too small number of levels.
MorrisDesign morris_design(std::span<const Input> inputs, const MorrisOptions& options = {});

/// Elementary-effect statistics, [output][input]. Effects are per whole range of each input
/// (dy / dx times high - low), so inputs with different units compare.
struct MorrisResult {
  std::vector<std::string> names;
  std::vector<std::vector<double>> mu;
  std::vector<std::vector<double>> mu_star;
  std::vector<std::vector<double>> sigma;  ///< sample standard deviation (r - 1)
};

/// Morris statistics from the design's outputs ([point][output], as evaluate gives).
MorrisResult morris_analyse(const MorrisDesign& design, const std::vector<std::vector<double>>& outputs);

/// Design, evaluation and analysis in one call.
MorrisResult morris(std::span<const Input> inputs, const Model& model, const MorrisOptions& options = {},
                    const EvaluateOptions& evaluation = {});

/// How Sobol design points are drawn.
enum class Sampling {
  sobol,   ///< Sobol sequence of dimension 2k (from its first non-zero point), shifted modulo 1 by the seed
  random,  ///< independent uniform points from Philox streams keyed by the seed
};

/// Settings of a Sobol analysis.
struct SobolOptions {
  std::size_t base_samples = 1024;  ///< N: the design has N (k + 2) points
  Sampling sampling = Sampling::sobol;
  std::uint64_t seed = 1;
  std::size_t bootstrap = 200;  ///< resamples for the intervals (0: none)
  double confidence = 0.95;
};

/// Saltelli's design: points [0, N) are A, [N, 2N) are B, [(2 + i) N, (3 + i) N) are A with
/// input i taken from B.
struct SobolDesign {
  std::vector<Input> inputs;
  std::size_t base_samples = 0;
  std::vector<std::vector<double>> points;  ///< in the inputs' own units
};

/// A Sobol design keyed by the seed. Throws UsageError for bad inputs or N < 2.
SobolDesign sobol_design(std::span<const Input> inputs, const SobolOptions& options = {});

/// Sobol indices and their bootstrap intervals, [output][input].
struct SobolResult {
  std::vector<std::string> names;
  std::vector<double> variance;  ///< of each output over A and B
  std::vector<std::vector<double>> first;
  std::vector<std::vector<double>> first_low;
  std::vector<std::vector<double>> first_high;
  std::vector<std::vector<double>> total;
  std::vector<std::vector<double>> total_low;
  std::vector<std::vector<double>> total_high;
};

/// Indices from the design's outputs ([point][output]); the bootstrap resamples the N rows.
SobolResult sobol_analyse(const SobolDesign& design, const std::vector<std::vector<double>>& outputs,
                          const SobolOptions& options = {});

/// Design, evaluation and analysis in one call.
SobolResult sobol(std::span<const Input> inputs, const Model& model, const SobolOptions& options = {},
                  const EvaluateOptions& evaluation = {});

/// Seed noise at one point: each output's spread over single runs with independent seeds.
struct NoiseFloor {
  std::size_t runs = 0;
  std::vector<double> mean;  ///< per output
  std::vector<double> sd;    ///< per output, between single runs

  /// Standard deviation of a design point's output averaged over `replicates` runs.
  double point_sd(std::size_t output, std::size_t replicates) const;
  /// Standard deviation of a Morris elementary effect that seed noise alone gives, when the two
  /// points' noises are independent: sqrt(2) point_sd / delta (common random numbers usually
  /// make it smaller, so this is the cautious floor for mu_star).
  double effect_sd(std::size_t output, std::size_t replicates, double delta) const;
  /// The share of an output's variance that seed noise alone explains, point_sd^2 / variance:
  /// a Sobol index below it cannot be told from zero.
  double variance_share(std::size_t output, std::size_t replicates, double variance) const;
};

/// Runs the model `runs` times at the point, run r with replicate_seed(options.seed, r)
/// (options.replicates is ignored). Throws UsageError for fewer than 2 runs.
NoiseFloor noise_floor(const Model& model, std::span<const double> point, std::size_t runs,
                       const EvaluateOptions& options = {});

}  // namespace leapsim::sensitivity
