#include "leapsim/engine/abc_smc.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <mutex>
#include <numbers>
#include <set>
#include <sstream>

#include "leapsim/engine/bytes.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::abc {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Stream layout. Philox's key is the run's seed and its counter words are (block, particle,
// purpose, generation); each attempt owns a window of kBlocksPerAttempt blocks, so every draw
// is keyed by (seed, generation, particle, attempt) and a particle's draws never depend on
// which thread ran it or on any other particle.
constexpr ProcessId kProposalStream = 0;
constexpr ProcessId kSeedStream = 1;
constexpr std::uint32_t kBlocksPerAttempt = 1u << 12;          // 16,384 words: a proposal uses 2 + ~2d
constexpr std::size_t kMaxAttempts = std::size_t{1} << 20;     // 2^20 windows fill the 32-bit counter
constexpr std::size_t kMaxReplicates = 2 * kBlocksPerAttempt;  // two words of seed each

std::string parameter_label(std::size_t i, const std::string& name) {
  return "parameter " + std::to_string(i + 1) + " ('" + name + "')";
}

const boost::math::normal& standard_normal() {
  static const boost::math::normal n;
  return n;
}

// Mass of a normal prior inside its truncation.
double normal_mass(const Prior& p) {
  const double a = std::isfinite(p.low) ? boost::math::cdf(standard_normal(), (p.low - p.mean) / p.sd) : 0.0;
  const double b = std::isfinite(p.high) ? boost::math::cdf(standard_normal(), (p.high - p.mean) / p.sd) : 1.0;
  return b - a;
}

// A d x d covariance as its lower Cholesky factor and log determinant.
struct Gaussian {
  std::vector<double> chol;  // row-major lower triangle
  double log_det = 0.0;
};

// Cholesky factor of a symmetric positive definite matrix; false when it is not.
bool cholesky(std::vector<double> a, std::size_t d, Gaussian& out) {
  out.chol.assign(d * d, 0.0);
  out.log_det = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    double s = a[j * d + j];
    for (std::size_t k = 0; k < j; ++k) s -= out.chol[j * d + k] * out.chol[j * d + k];
    if (!(s > 0.0) || !std::isfinite(s)) return false;
    const double l = std::sqrt(s);
    out.chol[j * d + j] = l;
    out.log_det += 2.0 * std::log(l);
    for (std::size_t i = j + 1; i < d; ++i) {
      double t = a[i * d + j];
      for (std::size_t k = 0; k < j; ++k) t -= out.chol[i * d + k] * out.chol[j * d + k];
      out.chol[i * d + j] = t / l;
    }
  }
  return true;
}

// Factor of a covariance, with each variance raised to a floor (a dimension whose particles
// all agree would otherwise freeze the kernel) and a growing ridge if rounding breaks it.
Gaussian factor(std::vector<double> cov, std::size_t d, std::span<const double> floors) {
  for (std::size_t i = 0; i < d; ++i) cov[i * d + i] = std::max(cov[i * d + i], floors[i]);
  Gaussian g;
  for (double ridge = 0.0; ridge < 1.0; ridge = ridge == 0.0 ? 1e-12 : ridge * 100.0) {
    std::vector<double> c = cov;
    for (std::size_t i = 0; i < d; ++i) c[i * d + i] *= 1.0 + ridge;
    if (cholesky(c, d, g)) return g;
  }
  throw SimulationError("ABC-SMC: the kernel covariance is not positive definite");
}

// Log density of N(mean, LL^T) at x.
double log_normal_density(std::span<const double> x, std::span<const double> mean, const Gaussian& g) {
  const std::size_t d = x.size();
  double quad = 0.0;
  std::vector<double> y(d);
  for (std::size_t i = 0; i < d; ++i) {  // solve L y = x - mean
    double t = x[i] - mean[i];
    for (std::size_t k = 0; k < i; ++k) t -= g.chol[i * d + k] * y[k];
    y[i] = t / g.chol[i * d + i];
    quad += y[i] * y[i];
  }
  return -0.5 * (quad + g.log_det + static_cast<double>(d) * std::log(2.0 * std::numbers::pi));
}

// A generation's particles on the working scale.
struct Population {
  std::vector<std::vector<double>> z;
  std::vector<double> weights;  // normalised
  std::vector<double> distances;
  std::vector<std::vector<double>> summaries;
};

// The weighted covariance of the particles kept (those with distance <= epsilon) about `centre`,
// or about their weighted mean when centre is empty.
std::vector<double> weighted_covariance(const Population& pop, double epsilon, std::span<const double> centre) {
  const std::size_t d = pop.z.front().size();
  double total = 0.0;
  std::vector<double> mean(d, 0.0);
  for (std::size_t k = 0; k < pop.z.size(); ++k) {
    if (pop.distances[k] > epsilon) continue;
    total += pop.weights[k];
    for (std::size_t i = 0; i < d; ++i) mean[i] += pop.weights[k] * pop.z[k][i];
  }
  if (!(total > 0.0)) return weighted_covariance(pop, kInf, centre);  // none kept: use all
  for (double& m : mean) m /= total;
  const std::span<const double> c = centre.empty() ? std::span<const double>(mean) : centre;
  std::vector<double> cov(d * d, 0.0);
  for (std::size_t k = 0; k < pop.z.size(); ++k) {
    if (pop.distances[k] > epsilon) continue;
    const double w = pop.weights[k] / total;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) cov[i * d + j] += w * (pop.z[k][i] - c[i]) * (pop.z[k][j] - c[j]);
  }
  return cov;
}

// The tolerance the schedule picks from the last generation's distances.
double scheduled_epsilon(const Population& pop, const AbcOptions& options) {
  if (options.schedule == ToleranceSchedule::quantile)
    return stats::weighted_quantile(pop.distances, pop.weights, options.tolerance_quantile);
  // ESS schedule: the smallest epsilon whose surviving weights keep the wanted share of the ESS
  // (Del Moral, Doucet and Jasra 2012, eq. 12, with one simulation per particle).
  std::vector<std::size_t> order(pop.distances.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return pop.distances[a] < pop.distances[b]; });
  const double wanted = options.ess_fraction * stats::effective_sample_size(pop.weights);
  double sum = 0.0;
  double sum_sq = 0.0;
  for (std::size_t n = 0; n < order.size(); ++n) {
    const double w = pop.weights[order[n]];
    sum += w;
    sum_sq += w * w;
    const bool tie_next = n + 1 < order.size() && pop.distances[order[n + 1]] == pop.distances[order[n]];
    if (!tie_next && sum_sq > 0.0 && sum * sum / sum_sq >= wanted) return pop.distances[order[n]];
  }
  return pop.distances[order.back()];
}

// The next tolerance (before the floor at final_epsilon). It must fall: when distances are
// discrete (counts) the schedule can pick the current tolerance again, and then the largest
// distance below it is taken instead, or 0 when there is none.
double next_epsilon(const Population& pop, const AbcOptions& options, double current) {
  const double scheduled = scheduled_epsilon(pop, options);
  if (scheduled < current) return scheduled;
  double below = 0.0;
  for (const double d : pop.distances)
    if (d < current) below = std::max(below, d);
  return below;
}

void validate_options(const AbcOptions& o) {
  auto fail = [](const std::string& what) { throw UsageError("ABC-SMC options: " + what); };
  if (o.particles < 2) fail("particles must be at least 2");
  if (o.max_generations < 1) fail("max_generations must be at least 1");
  if (!(o.final_epsilon >= 0.0)) fail("final_epsilon must be zero or more");
  if (!(o.initial_epsilon >= o.final_epsilon)) fail("initial_epsilon must be at least final_epsilon");
  if (o.max_attempts_per_particle < 1 || o.max_attempts_per_particle > kMaxAttempts)
    fail("max_attempts_per_particle must be in [1, " + std::to_string(kMaxAttempts) + "]");
  if (o.replicates < 1 || o.replicates > kMaxReplicates)
    fail("replicates must be in [1, " + std::to_string(kMaxReplicates) + "]");
  if (o.max_simulations < o.particles * o.replicates)
    fail("max_simulations (" + std::to_string(o.max_simulations) + ") is below one generation's " +
         std::to_string(o.particles * o.replicates));
  if (!(o.tolerance_quantile > 0.0 && o.tolerance_quantile < 1.0)) fail("tolerance_quantile must be in (0, 1)");
  if (!(o.ess_fraction > 0.0 && o.ess_fraction < 1.0)) fail("ess_fraction must be in (0, 1)");
  if (!(o.identified_width_ratio > 0.0)) fail("identified_width_ratio must be positive");
}

}  // namespace

Prior Prior::uniform(std::string name, double low, double high) {
  Prior p;
  p.name = std::move(name);
  p.kind = PriorKind::uniform;
  p.low = low;
  p.high = high;
  return p;
}

Prior Prior::log_uniform(std::string name, double low, double high) {
  Prior p = uniform(std::move(name), low, high);
  p.kind = PriorKind::log_uniform;
  return p;
}

Prior Prior::normal(std::string name, double mean, double sd, double low, double high) {
  Prior p = uniform(std::move(name), low, high);
  p.kind = PriorKind::normal;
  p.mean = mean;
  p.sd = sd;
  return p;
}

double Prior::to_working(double x) const { return kind == PriorKind::log_uniform ? std::log(x) : x; }

double Prior::from_working(double z) const { return kind == PriorKind::log_uniform ? std::exp(z) : z; }

double Prior::log_density_working(double z) const {
  switch (kind) {
    case PriorKind::uniform:
      return z >= low && z <= high ? 0.0 : -kInf;
    case PriorKind::log_uniform:
      return z >= std::log(low) && z <= std::log(high) ? 0.0 : -kInf;
    case PriorKind::normal:
      if (!(z >= low && z <= high)) return -kInf;
      return -0.5 * ((z - mean) / sd) * ((z - mean) / sd);
  }
  return -kInf;
}

double Prior::quantile_working(double q) const {
  switch (kind) {
    case PriorKind::uniform:
      return low + q * (high - low);
    case PriorKind::log_uniform:
      return std::log(low) + q * (std::log(high) - std::log(low));
    case PriorKind::normal: {
      const double a = std::isfinite(low) ? boost::math::cdf(standard_normal(), (low - mean) / sd) : 0.0;
      const double b = std::isfinite(high) ? boost::math::cdf(standard_normal(), (high - mean) / sd) : 1.0;
      const double p = std::clamp(a + q * (b - a), 1e-300, 1.0 - 1e-16);
      return std::clamp(mean + sd * boost::math::quantile(standard_normal(), p), low, high);
    }
  }
  return 0.0;
}

void validate(std::span<const Prior> priors) {
  if (priors.empty()) throw UsageError("ABC-SMC: no free parameters");
  std::set<std::string> names;
  for (std::size_t i = 0; i < priors.size(); ++i) {
    const Prior& p = priors[i];
    auto fail = [&](const std::string& what) { throw UsageError(parameter_label(i, p.name) + ": " + what); };
    if (p.name.empty()) fail("the name is empty");
    if (!names.insert(p.name).second) fail("the name is given twice");
    std::ostringstream range;
    range << "[" << p.low << ", " << p.high << "]";
    switch (p.kind) {
      case PriorKind::uniform:
        if (!std::isfinite(p.low) || !std::isfinite(p.high) || !(p.low < p.high))
          fail("a uniform prior needs finite bounds with low < high, got " + range.str());
        break;
      case PriorKind::log_uniform:
        if (!std::isfinite(p.low) || !std::isfinite(p.high) || !(p.low > 0.0) || !(p.low < p.high))
          fail("a log-uniform prior needs finite bounds with 0 < low < high, got " + range.str());
        break;
      case PriorKind::normal:
        if (!std::isfinite(p.mean) || !(p.sd > 0.0) || !std::isfinite(p.sd))
          fail("a normal prior needs a finite mean and a positive finite sd");
        if (std::isnan(p.low) || std::isnan(p.high) || !(p.low < p.high))
          fail("a truncated normal prior needs low < high, got " + range.str());
        if (!(normal_mass(p) > 1e-12)) fail("the truncation " + range.str() + " leaves no prior mass");
        break;
    }
  }
}

void validate(std::span<const Target> targets) {
  if (targets.empty()) throw UsageError("ABC-SMC: no observed figures");
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    auto fail = [&](const std::string& what) {
      throw UsageError("figure " + std::to_string(i + 1) + " ('" + t.name + "'): " + what);
    };
    if (!std::isfinite(t.value)) fail("the value is not a finite number");
    if (!(t.relative_tolerance >= 0.0) || !(t.absolute_tolerance >= 0.0)) fail("tolerances must be zero or more");
    if (t.qualifier == Qualifier::interval && !(std::isfinite(t.high) && t.high >= t.value))
      fail("an interval needs a finite high end at or above its low end");
    const double reference_low = std::abs(t.value);
    const double reference_high = t.qualifier == Qualifier::interval ? std::abs(t.high) : reference_low;
    if (!(std::max(t.relative_tolerance * std::min(reference_low, reference_high), t.absolute_tolerance) > 0.0))
      fail("the tolerance is zero (give a relative tolerance for a non-zero figure, or an absolute one)");
  }
}

std::vector<double> misses(std::span<const Target> targets, std::span<const double> summaries) {
  if (summaries.size() != targets.size())
    throw UsageError("ABC-SMC: the simulator gave " + std::to_string(summaries.size()) + " summaries for " +
                     std::to_string(targets.size()) + " observed figures");
  std::vector<double> out(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    const double s = summaries[i];
    if (!std::isfinite(s)) {
      out[i] = kInf;
      continue;
    }
    double gap = 0.0;
    double reference = t.value;
    switch (t.qualifier) {
      case Qualifier::exact:
        gap = std::abs(s - t.value);
        break;
      case Qualifier::lower_bound:
        gap = std::max(0.0, t.value - s);
        break;
      case Qualifier::upper_bound:
        gap = std::max(0.0, s - t.value);
        break;
      case Qualifier::interval:
        if (s > t.high) {
          gap = s - t.high;
          reference = t.high;
        } else {
          gap = std::max(0.0, t.value - s);
        }
        break;
    }
    out[i] = gap / std::max(t.relative_tolerance * std::abs(reference), t.absolute_tolerance);
  }
  return out;
}

double distance(std::span<const Target> targets, std::span<const double> summaries) {
  const std::vector<double> m = misses(targets, summaries);
  double sum = 0.0;
  for (const double x : m) sum += x * x;
  return std::sqrt(sum / static_cast<double>(m.size()));
}

std::uint64_t simulator_seed(std::uint64_t seed, SeedSharing sharing, std::size_t generation, std::size_t particle,
                             std::size_t attempt, std::size_t replicate) {
  if (sharing != SeedSharing::independent) attempt = 0;
  if (sharing == SeedSharing::per_generation) particle = 0;
  std::uint32_t block = static_cast<std::uint32_t>(attempt) * kBlocksPerAttempt;
  RandomStream stream(seed, static_cast<std::uint32_t>(generation), static_cast<EntityId>(particle), kSeedStream,
                      &block);
  for (std::size_t i = 0; i < 2 * replicate; ++i) stream();
  const std::uint64_t hi = stream();
  return (hi << 32) | stream();
}

bool rests_on_few_particles(const AbcResult& result) noexcept {
  if (result.generations.empty() || result.particles.empty()) return false;
  return result.generations.back().effective_sample_size <
         kFewParticlesShare * static_cast<double>(result.particles.size());
}

const char* to_string(StopReason reason) noexcept {
  switch (reason) {
    case StopReason::final_tolerance:
      return "final_tolerance";
    case StopReason::max_generations:
      return "max_generations";
    case StopReason::simulation_budget:
      return "simulation_budget";
    case StopReason::acceptance_too_low:
      return "acceptance_too_low";
  }
  return "unknown";
}

AbcResult abc_smc(std::span<const Prior> priors, std::span<const Target> targets, const Simulator& simulator,
                  const AbcOptions& options) {
  validate(priors);
  validate(targets);
  validate_options(options);
  const std::size_t d = priors.size();
  const std::size_t n = options.particles;

  // Floors on the kernel's variances: a millionth of each prior's 90% width, squared.
  std::vector<double> floors(d);
  for (std::size_t i = 0; i < d; ++i) {
    const double w = priors[i].quantile_working(0.95) - priors[i].quantile_working(0.05);
    floors[i] = (1e-6 * w) * (1e-6 * w);
  }

  auto log_prior = [&](std::span<const double> z) {
    double s = 0.0;
    for (std::size_t i = 0; i < d; ++i) s += priors[i].log_density_working(z[i]);
    return s;
  };
  auto to_natural = [&](std::span<const double> z) {
    std::vector<double> x(d);
    for (std::size_t i = 0; i < d; ++i) x[i] = priors[i].from_working(z[i]);
    return x;
  };

  AbcResult result;
  for (const Prior& p : priors) result.names.push_back(p.name);

  std::mutex progress_mutex;
  Population previous;
  double epsilon = options.initial_epsilon;
  std::size_t used = 0;

  for (std::size_t generation = 0;; ++generation) {
    // Each particle may simulate at most `cap` candidates, so the generation cannot overrun the
    // budget and its outcome does not depend on the order in which threads finish. Candidates
    // outside the prior's support cost no simulation and count only against
    // max_attempts_per_particle.
    const std::size_t remaining = options.max_simulations - used;
    const std::size_t cap = remaining / (n * options.replicates);
    if (cap == 0) {
      result.stopped_by = StopReason::simulation_budget;
      break;
    }

    // Kernels over the previous generation: one shared covariance, or one per ancestor.
    std::vector<Gaussian> kernels;
    std::vector<double> cumulative;
    if (generation > 0) {
      if (options.kernel == KernelKind::twice_covariance) {
        std::vector<double> cov = weighted_covariance(previous, kInf, {});
        for (double& c : cov) c *= 2.0;
        kernels.push_back(factor(std::move(cov), d, floors));
      } else {
        for (std::size_t j = 0; j < n; ++j)
          kernels.push_back(factor(weighted_covariance(previous, epsilon, previous.z[j]), d, floors));
      }
      cumulative.resize(n);
      double c = 0.0;
      for (std::size_t j = 0; j < n; ++j) cumulative[j] = (c += previous.weights[j]);
    }
    auto kernel_of = [&](std::size_t j) -> const Gaussian& { return kernels[kernels.size() == 1 ? 0 : j]; };

    Population current;
    current.z.resize(n);
    current.weights.resize(n);
    current.distances.resize(n);
    current.summaries.resize(n);
    std::vector<std::size_t> attempts(n, 0);
    std::vector<std::size_t> simulations(n, 0);
    // Why a particle found no candidate within tolerance, if it did not.
    constexpr char kOutOfBudget = 1, kOutOfAttempts = 2;
    std::vector<char> failed(n, 0);
    std::size_t accepted = 0;

    // One particle's search, as bytes: where it ended (failed or not), its candidates drawn and
    // simulated, and when kept its working-scale values, log weight, distance and summaries.
    // Bytes, so the search may run in another process (options.particle_runner).
    auto run_particle = [&](std::size_t i) -> std::string {
      std::uint64_t tried = 0, simulations_made = 0;
      auto outcome = [&](char failure, const std::vector<double>& z, double log_weight, double dist,
                         const std::vector<double>& summaries) {
        ByteWriter out;
        out.put(failure);
        out.put(tried);
        out.put(simulations_made);
        out.put_array(z);
        out.put(log_weight);
        out.put(dist);
        out.put_array(summaries);
        return std::move(out).take();
      };
      std::vector<double> z(d);
      std::size_t simulated = 0;
      for (std::size_t a = 0; a < options.max_attempts_per_particle; ++a) {
        ++tried;
        std::uint32_t block = static_cast<std::uint32_t>(a) * kBlocksPerAttempt;
        RandomStream stream(options.seed, static_cast<std::uint32_t>(generation), static_cast<EntityId>(i),
                            kProposalStream, &block);
        if (generation == 0) {
          for (std::size_t k = 0; k < d; ++k) z[k] = priors[k].quantile_working(stream.uniform());
        } else {
          const double u = stream.uniform() * cumulative.back();
          const std::size_t j = std::min<std::size_t>(
              n - 1,
              static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin()));
          boost::random::normal_distribution<double> normal;
          std::vector<double> e(d);
          for (double& x : e) x = normal(stream);
          const Gaussian& g = kernel_of(j);
          for (std::size_t r = 0; r < d; ++r) {
            double s = previous.z[j][r];
            for (std::size_t k = 0; k <= r; ++k) s += g.chol[r * d + k] * e[k];
            z[r] = s;
          }
          if (!std::isfinite(log_prior(z))) continue;  // outside the prior's support: no simulation
        }
        if (block > (static_cast<std::uint32_t>(a) + 1) * kBlocksPerAttempt)
          throw SimulationError("ABC-SMC: a proposal drew past its stream window");

        if (simulated == cap) return outcome(kOutOfBudget, {}, 0.0, 0.0, {});
        ++simulated;
        const std::vector<double> theta = to_natural(z);
        std::vector<double> mean_summaries;
        for (std::size_t r = 0; r < options.replicates; ++r) {
          ++simulations_made;
          const std::vector<double> s =
              simulator(theta, simulator_seed(options.seed, options.seeds, generation, i, a, r));
          if (s.size() != targets.size())
            throw UsageError("ABC-SMC: the simulator gave " + std::to_string(s.size()) + " summaries for " +
                             std::to_string(targets.size()) + " observed figures");
          if (mean_summaries.empty()) mean_summaries.assign(s.size(), 0.0);
          for (std::size_t k = 0; k < s.size(); ++k)
            mean_summaries[k] += s[k] / static_cast<double>(options.replicates);
        }
        const double dist = distance(targets, mean_summaries);
        if (!(dist <= epsilon)) continue;

        // Weights are kept as logs until the generation is complete, then normalised from the
        // largest, so narrow kernels in many dimensions cannot overflow them.
        double log_weight = 0.0;
        if (generation > 0) {
          // Toni et al. (2009) / Beaumont et al. (2009): prior over the kernel mixture.
          std::vector<double> terms(n);
          double top = -kInf;
          for (std::size_t j = 0; j < n; ++j) {
            terms[j] = std::log(previous.weights[j]) + log_normal_density(z, previous.z[j], kernel_of(j));
            top = std::max(top, terms[j]);
          }
          double sum = 0.0;
          for (const double t : terms) sum += std::exp(t - top);
          log_weight = log_prior(z) - (top + std::log(sum));
        }
        return outcome(0, z, log_weight, dist, mean_summaries);
      }
      return outcome(kOutOfAttempts, {}, 0.0, 0.0, {});
    };
    // Takes particle i's outcome into this generation (each particle writes only its own slot).
    auto keep_particle = [&](std::size_t i, std::string_view bytes) {
      ByteReader in(bytes);
      failed[i] = in.get<char>();
      attempts[i] = static_cast<std::size_t>(in.get<std::uint64_t>());
      simulations[i] = static_cast<std::size_t>(in.get<std::uint64_t>());
      current.z[i] = in.get_array<double>();
      current.weights[i] = in.get<double>();
      current.distances[i] = in.get<double>();
      current.summaries[i] = in.get_array<double>();
      if (failed[i] == 0 && options.on_progress) {
        const std::lock_guard lock(progress_mutex);
        options.on_progress(AbcProgress{generation, ++accepted, n, epsilon});
      }
    };

    if (options.particle_runner) {
      options.particle_runner(n, run_particle, keep_particle);
    } else {
      RunnerOptions runner_options;
      runner_options.threads = options.threads;
      runner_options.stop = options.stop;
      ReplicationRunner(runner_options).run(n, [&](std::size_t i) { keep_particle(i, run_particle(i)); });
    }

    GenerationReport report;
    report.epsilon = epsilon;
    for (std::size_t i = 0; i < n; ++i) {
      report.attempts += attempts[i];
      report.simulations += simulations[i];
    }
    used += report.simulations;
    result.simulations = used;
    if (std::find(failed.begin(), failed.end(), kOutOfBudget) != failed.end()) {
      result.stopped_by = StopReason::simulation_budget;
      break;
    }
    if (std::find(failed.begin(), failed.end(), kOutOfAttempts) != failed.end()) {
      result.stopped_by = StopReason::acceptance_too_low;
      break;
    }

    const double top = *std::max_element(current.weights.begin(), current.weights.end());
    if (!std::isfinite(top)) throw SimulationError("ABC-SMC: the particle weights are not finite");
    double total = 0.0;
    for (double& w : current.weights) total += (w = std::exp(w - top));
    if (!std::isfinite(total)) throw SimulationError("ABC-SMC: the particle weights are not finite");
    for (double& w : current.weights) w /= total;
    report.acceptance_rate = static_cast<double>(n) / static_cast<double>(report.attempts);
    report.effective_sample_size = stats::effective_sample_size(current.weights);
    result.generations.push_back(report);
    previous = std::move(current);

    if (epsilon <= options.final_epsilon) {
      result.stopped_by = StopReason::final_tolerance;
      break;
    }
    if (generation + 1 >= options.max_generations) {
      result.stopped_by = StopReason::max_generations;
      break;
    }
    epsilon = std::max(next_epsilon(previous, options, epsilon), options.final_epsilon);
  }

  if (previous.z.empty()) return result;  // generation 0 failed: no posterior to report
  for (std::size_t i = 0; i < n; ++i) result.particles.push_back(to_natural(previous.z[i]));
  result.weights = previous.weights;
  result.distances = previous.distances;
  result.summaries = previous.summaries;

  for (std::size_t k = 0; k < d; ++k) {
    const Prior& p = priors[k];
    std::vector<double> x(n);
    std::vector<double> z(n);
    ParameterReport r;
    r.name = p.name;
    for (std::size_t i = 0; i < n; ++i) {
      z[i] = previous.z[i][k];
      x[i] = result.particles[i][k];
      r.mean += result.weights[i] * x[i];
    }
    r.low = stats::weighted_quantile(x, result.weights, 0.05);
    r.high = stats::weighted_quantile(x, result.weights, 0.95);
    r.prior_low = p.from_working(p.quantile_working(0.05));
    r.prior_high = p.from_working(p.quantile_working(0.95));
    const double prior_width = p.quantile_working(0.95) - p.quantile_working(0.05);
    const double posterior_width =
        stats::weighted_quantile(z, result.weights, 0.95) - stats::weighted_quantile(z, result.weights, 0.05);
    r.width_ratio = posterior_width / prior_width;
    r.identified = r.width_ratio <= options.identified_width_ratio;
    result.parameters.push_back(r);
  }
  return result;
}

}  // namespace leapsim::abc
