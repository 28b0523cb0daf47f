#pragma once
// Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), knowing nothing of the
// model it fits: "a parameter vector and a seed in, summaries out".
//
// The sampler is the population Monte Carlo scheme of Toni et al. (2009, J. R. Soc. Interface
// 6:187-202) and Beaumont, Cornuet, Marin and Robert (2009, Biometrika 96:983-990): generation 0
// samples the prior; generation t resamples a particle of generation t-1 by its weight, perturbs
// it with a Gaussian kernel and keeps it when its simulated summaries fall within tolerance
// epsilon_t; the kept particle's weight is prior / (mixture of kernels over the last generation).
// The kernel covariance is twice the weighted covariance of the last generation (Beaumont et al.
// 2009) or the optimal local covariance of Filippi, Barnes, Cornebise and Stumpf (2013, Stat.
// Appl. Genet. Mol. Biol. 12:87-107). Tolerances adapt (Del Moral, Doucet and Jasra 2012, Stat.
// Comput. 22:1009-1020): the next epsilon is a quantile of the last generation's distances, or
// the smallest epsilon that keeps a set fraction of the effective sample size.
//
// Determinism: every draw is keyed by (seed, generation, particle, attempt) in a Philox stream,
// and particle i of a generation depends only on those keys and on the previous generation, so
// the result is the same bits on any number of threads. docs/calibration.md gives the details.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leapsim::abc {

/// Shape of a prior distribution.
enum class PriorKind { uniform, log_uniform, normal };

/// The prior of one free parameter: uniform or log-uniform on [low, high], or normal
/// (mean, sd) optionally truncated to [low, high].
struct Prior {
  std::string name;
  PriorKind kind = PriorKind::uniform;
  double mean = 0.0;  ///< normal only
  double sd = 1.0;    ///< normal only
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();

  /// Uniform on [low, high].
  static Prior uniform(std::string name, double low, double high);
  /// Uniform in log(x) on [low, high], 0 < low < high: for a rate known only to its order.
  static Prior log_uniform(std::string name, double low, double high);
  /// Normal(mean, sd), truncated to [low, high] (the default bounds truncate nothing).
  static Prior normal(std::string name, double mean, double sd, double low = -std::numeric_limits<double>::infinity(),
                      double high = std::numeric_limits<double>::infinity());

  /// The value on the scale the kernel perturbs: log(x) for log-uniform, x otherwise.
  double to_working(double x) const;
  /// Inverse of to_working.
  double from_working(double z) const;
  /// Log density on the working scale, up to a constant; -inf outside the support.
  double log_density_working(double z) const;
  /// Quantile q of the prior on the working scale.
  double quantile_working(double q) const;
};

/// Throws UsageError naming the parameter (position and name) whose prior is impossible:
/// an empty or reversed range, a non-positive log-uniform bound, a non-positive sd, a
/// truncation that leaves (numerically) no mass, a duplicate or empty name.
void validate(std::span<const Prior> priors);

/// How an observed figure is to be read.
enum class Qualifier {
  exact,        ///< the figure as published
  lower_bound,  ///< "more than N": any value at or above N misses by nothing
  upper_bound,  ///< "fewer than N": any value at or below N misses by nothing
  interval,     ///< any value in [value, high] misses by nothing
};

/// One observed figure and its tolerance. A simulated summary s misses it by gap / scale,
/// where gap is the distance from s to the figure (or to the bound or interval it breaks) and
/// scale = max(relative_tolerance * |reference|, absolute_tolerance), reference being the figure
/// or the bound broken: a miss of one tolerance counts 1 whatever the figure's size.
struct Target {
  std::string name;
  Qualifier qualifier = Qualifier::exact;
  double value = 0.0;               ///< the figure, the bound, or the interval's low end
  double high = 0.0;                ///< interval only: its high end
  double relative_tolerance = 0.1;  ///< a miss of this fraction of the figure counts 1
  double absolute_tolerance = 0.0;  ///< floor of the scale, for figures near zero
};

/// Throws UsageError naming the target whose tolerance or interval is impossible.
void validate(std::span<const Target> targets);

/// Each figure's miss on its own scale (see Target); +inf for a non-finite summary.
std::vector<double> misses(std::span<const Target> targets, std::span<const double> summaries);
/// Root mean square of the misses: 1 means "each figure off by about its tolerance".
/// Throws UsageError when the number of summaries differs from the number of targets.
double distance(std::span<const Target> targets, std::span<const double> summaries);

/// The model: parameter values (in prior order) and a seed in, one summary per target out.
/// Called from several threads at once when AbcOptions::threads is not 1.
using Simulator = std::function<std::vector<double>(std::span<const double> parameters, std::uint64_t seed)>;

/// How the next tolerance is chosen from the last generation.
enum class ToleranceSchedule {
  quantile,  ///< epsilon = the weighted `tolerance_quantile` of the last distances
  ess,       ///< the smallest epsilon keeping `ess_fraction` of the effective sample size
};

/// The perturbation kernel's covariance.
enum class KernelKind {
  twice_covariance,  ///< 2 x the weighted covariance of the last generation (Beaumont et al. 2009)
  local_optimal,     ///< one covariance per particle (Filippi et al. 2013, OLCM)
};

/// Which candidates share a simulator seed (common random numbers).
enum class SeedSharing {
  independent,     ///< keyed by (generation, particle, attempt): every simulation its own luck
  per_particle,    ///< keyed by (generation, particle): a particle's retries share their luck
  per_generation,  ///< keyed by generation: every candidate of a generation sees the same luck
};

/// Why a run stopped.
enum class StopReason { final_tolerance, max_generations, simulation_budget, acceptance_too_low };

/// Progress within a run, reported as particles are accepted.
struct AbcProgress {
  std::size_t generation;
  std::size_t accepted;   ///< particles accepted so far in this generation
  std::size_t particles;  ///< particles a generation needs
  double epsilon;         ///< this generation's tolerance
};

/// Runs compute(i) for every particle i in [0, count) and hands each result to keep(i, bytes) in
/// every process that runs the sampler: how a generation's particles are spread over MPI ranks
/// (apps/leapsim/calibrate.cpp). Left empty, the particles run on this process's threads.
using ParticleRunner = std::function<void(std::size_t count, const std::function<std::string(std::size_t)>& compute,
                                          const std::function<void(std::size_t, std::string_view)>& keep)>;

/// Settings of a run. The defaults suit a handful of parameters.
struct AbcOptions {
  std::size_t particles = 500;
  std::uint64_t seed = 1;
  double initial_epsilon = std::numeric_limits<double>::infinity();  ///< generation 0's tolerance
  double final_epsilon = 1.0;                                        ///< stop after the first generation at or below it
  std::size_t max_generations = 20;                                  ///< including generation 0
  std::size_t max_simulations = 1'000'000;
  std::size_t max_attempts_per_particle = 10'000;  ///< a generation whose particle needs more fails
  ToleranceSchedule schedule = ToleranceSchedule::quantile;
  double tolerance_quantile = 0.5;  ///< quantile schedule
  double ess_fraction = 0.5;        ///< ess schedule
  KernelKind kernel = KernelKind::twice_covariance;
  SeedSharing seeds = SeedSharing::independent;
  std::size_t replicates = 1;               ///< simulations averaged per candidate (seeds keyed by replicate too)
  double identified_width_ratio = 0.5;      ///< identified: posterior 90% width at most this x prior's
  unsigned threads = 1;                     ///< 0: one per hardware thread
  const std::atomic<bool>* stop = nullptr;  ///< raised: the run ends with Cancelled
  std::function<void(const AbcProgress&)> on_progress;  ///< called under a lock
  ParticleRunner particle_runner;                       ///< empty: this process's threads
};

/// Diagnostics of one generation.
struct GenerationReport {
  double epsilon = 0.0;
  std::size_t attempts = 0;            ///< candidates drawn, including those outside the prior's support
  std::size_t simulations = 0;         ///< simulator calls (attempts inside the support x replicates)
  double acceptance_rate = 0.0;        ///< accepted / attempts
  double effective_sample_size = 0.0;  ///< (sum w)^2 / sum w^2
};

/// What the data say of one parameter.
struct ParameterReport {
  std::string name;
  double mean = 0.0;  ///< weighted posterior mean
  double low = 0.0;   ///< weighted 5% quantile
  double high = 0.0;  ///< weighted 95% quantile
  double prior_low = 0.0;
  double prior_high = 0.0;
  /// Posterior 90% width over the prior's, both on the working scale (log for log-uniform).
  double width_ratio = 1.0;
  bool identified = false;  ///< width_ratio <= AbcOptions::identified_width_ratio
};

/// The final weighted particles and the run's diagnostics.
struct AbcResult {
  std::vector<std::string> names;
  std::vector<std::vector<double>> particles;  ///< one parameter vector a particle
  std::vector<double> weights;                 ///< normalised to sum 1
  std::vector<double> distances;
  std::vector<std::vector<double>> summaries;  ///< each particle's accepted summaries
  std::vector<GenerationReport> generations;   ///< completed generations, 0 first
  std::vector<ParameterReport> parameters;
  std::size_t simulations = 0;  ///< every simulator call, an abandoned generation's included
  StopReason stopped_by = StopReason::final_tolerance;
};

/// Runs ABC-SMC. Throws UsageError for bad priors, targets or options, Cancelled when the stop
/// flag is raised, and rethrows the simulator's first exception.
AbcResult abc_smc(std::span<const Prior> priors, std::span<const Target> targets, const Simulator& simulator,
                  const AbcOptions& options = {});

/// The seed the simulator receives for a candidate under the given sharing (documented so a
/// caller can reproduce one simulation by hand).
std::uint64_t simulator_seed(std::uint64_t seed, SeedSharing sharing, std::size_t generation, std::size_t particle,
                             std::size_t attempt, std::size_t replicate);

/// Below this share of the particles, the last generation's effective sample size is too small
/// for its quantiles to mean much (assumption: a tenth, a rule of thumb of importance sampling).
inline constexpr double kFewParticlesShare = 0.1;

/// True when the posterior rests on a few particles: its intervals, its "identified" marks and
/// forecasts drawn from it then understate the uncertainty.
bool rests_on_few_particles(const AbcResult& result) noexcept;

/// A name for each stop reason, for reports.
const char* to_string(StopReason reason) noexcept;

}  // namespace leapsim::abc
