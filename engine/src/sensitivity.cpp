#include "leapsim/engine/sensitivity.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <mutex>
#include <set>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::sensitivity {
namespace {

// Stream purposes (Philox's process word); the seed is the key.
constexpr ProcessId kSeedStream = 2;
constexpr ProcessId kMorrisStream = 3;
constexpr ProcessId kSobolShiftStream = 4;
constexpr ProcessId kRandomPointStream = 5;
constexpr ProcessId kBootstrapStream = 6;

std::vector<double> to_units(std::span<const Input> inputs, std::span<const double> u) {
  std::vector<double> x(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) x[i] = inputs[i].low + u[i] * (inputs[i].high - inputs[i].low);
  return x;
}

// Uniform integer in [0, n) from the stream (n small, so the bias of the multiply is below 2^-32 n).
std::size_t below(RandomStream& stream, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(stream.uniform() * static_cast<double>(n)));
}

std::vector<std::vector<double>> matrix(std::size_t rows, std::size_t cols) {
  return std::vector<std::vector<double>>(rows, std::vector<double>(cols, 0.0));
}

void check_outputs(const std::vector<std::vector<double>>& outputs, std::size_t points) {
  if (outputs.size() != points)
    throw UsageError("sensitivity: " + std::to_string(outputs.size()) + " outputs for " + std::to_string(points) +
                     " design points");
  if (outputs.empty() || outputs.front().empty()) throw UsageError("sensitivity: the model gave no outputs");
  for (const auto& row : outputs)
    if (row.size() != outputs.front().size()) throw UsageError("sensitivity: the number of outputs changed");
}

// Saltelli 2010's first-order and Jansen's total-order estimates over rows `rows` of the design.
void estimate(const std::vector<std::vector<double>>& y, std::size_t n, std::size_t k, std::size_t o,
              std::span<const std::size_t> rows, std::vector<double>& first, std::vector<double>& total,
              double& variance) {
  std::vector<double> ab;
  ab.reserve(2 * rows.size());
  for (const std::size_t j : rows) {
    ab.push_back(y[j][o]);
    ab.push_back(y[n + j][o]);
  }
  const double m = stats::mean(ab);
  double v = 0.0;
  for (const double x : ab) v += (x - m) * (x - m);
  variance = v / static_cast<double>(ab.size());
  const double nr = static_cast<double>(rows.size());
  for (std::size_t i = 0; i < k; ++i) {
    double s1 = 0.0;
    double st = 0.0;
    for (const std::size_t j : rows) {
      const double fa = y[j][o];
      const double fb = y[n + j][o];
      const double fab = y[(2 + i) * n + j][o];
      s1 += fb * (fab - fa);
      st += (fa - fab) * (fa - fab);
    }
    first[i] = variance > 0.0 ? s1 / nr / variance : 0.0;
    total[i] = variance > 0.0 ? st / (2.0 * nr) / variance : 0.0;
  }
}

}  // namespace

void validate(std::span<const Input> inputs) {
  if (inputs.empty()) throw UsageError("sensitivity: no inputs");
  std::set<std::string> names;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Input& in = inputs[i];
    const std::string label = "input " + std::to_string(i + 1) + " ('" + in.name + "')";
    if (in.name.empty()) throw UsageError(label + ": the name is empty");
    if (!names.insert(in.name).second) throw UsageError(label + ": the name is given twice");
    if (!std::isfinite(in.low) || !std::isfinite(in.high) || !(in.low < in.high))
      throw UsageError(label + ": the range needs finite bounds with low < high");
  }
}

std::uint64_t replicate_seed(std::uint64_t seed, std::size_t replicate) {
  RandomStream stream(seed, static_cast<std::uint32_t>(replicate), 0, kSeedStream);
  const std::uint64_t hi = stream();
  return (hi << 32) | stream();
}

std::vector<std::vector<double>> evaluate(const Model& model, const std::vector<std::vector<double>>& points,
                                          const EvaluateOptions& options) {
  if (options.replicates < 1) throw UsageError("sensitivity: replicates must be at least 1");
  std::vector<std::uint64_t> seeds(options.replicates);
  for (std::size_t r = 0; r < seeds.size(); ++r) seeds[r] = replicate_seed(options.seed, r);
  std::vector<std::vector<double>> out(points.size());
  RunnerOptions runner;
  runner.threads = options.threads;
  runner.stop = options.stop;
  runner.on_progress = options.on_progress;
  ReplicationRunner(runner).run(points.size(), [&](std::size_t p) {
    std::vector<double> sum;
    for (const std::uint64_t s : seeds) {
      const std::vector<double> y = model(points[p], s);
      if (sum.empty()) sum.assign(y.size(), 0.0);
      if (y.size() != sum.size()) throw UsageError("sensitivity: the number of outputs changed between runs");
      for (std::size_t o = 0; o < y.size(); ++o) sum[o] += y[o];
    }
    for (double& v : sum) v /= static_cast<double>(seeds.size());
    out[p] = std::move(sum);
  });
  check_outputs(out, points.size());
  return out;
}

MorrisDesign morris_design(std::span<const Input> inputs, const MorrisOptions& options) {
  validate(inputs);
  if (options.trajectories < 2) throw UsageError("Morris: at least 2 trajectories are needed for sigma");
  if (options.levels < 2 || options.levels % 2 != 0)
    throw UsageError("Morris: the number of levels must be even and at least 2");
  const std::size_t k = inputs.size();
  const std::size_t p = options.levels;
  const std::size_t half = p / 2;  // the step, in grid intervals
  MorrisDesign d;
  d.inputs.assign(inputs.begin(), inputs.end());
  d.delta = static_cast<double>(half) / static_cast<double>(p - 1);
  for (std::size_t t = 0; t < options.trajectories; ++t) {
    RandomStream stream(options.seed, static_cast<std::uint32_t>(t), 0, kMorrisStream);
    // Morris (1991): a random base on the grid, each input moving once by +-delta in random
    // order; the base level is drawn among those from which the move stays on the grid.
    std::vector<std::size_t> level(k);
    std::vector<double> dir(k);
    for (std::size_t i = 0; i < k; ++i) {
      dir[i] = stream.uniform() < 0.5 ? 1.0 : -1.0;
      level[i] = below(stream, half) + (dir[i] > 0 ? 0 : half);
    }
    std::vector<std::size_t> order(k);
    for (std::size_t i = 0; i < k; ++i) order[i] = i;
    for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[below(stream, i)]);
    auto point = [&] {
      std::vector<double> u(k);
      for (std::size_t i = 0; i < k; ++i) u[i] = static_cast<double>(level[i]) / static_cast<double>(p - 1);
      return to_units(inputs, u);
    };
    d.points.push_back(point());
    d.moved.push_back(k);
    d.direction.push_back(0.0);
    for (const std::size_t i : order) {
      level[i] = dir[i] > 0 ? level[i] + half : level[i] - half;
      d.points.push_back(point());
      d.moved.push_back(i);
      d.direction.push_back(dir[i]);
    }
  }
  return d;
}

MorrisResult morris_analyse(const MorrisDesign& design, const std::vector<std::vector<double>>& outputs) {
  check_outputs(outputs, design.points.size());
  const std::size_t k = design.inputs.size();
  const std::size_t m = outputs.front().size();
  MorrisResult res;
  for (const Input& in : design.inputs) res.names.push_back(in.name);
  res.mu = matrix(m, k);
  res.mu_star = matrix(m, k);
  res.sigma = matrix(m, k);
  std::vector<std::vector<std::vector<double>>> effects(m, std::vector<std::vector<double>>(k));
  for (std::size_t p = 0; p < design.points.size(); ++p) {
    if (design.moved[p] == k) continue;
    for (std::size_t o = 0; o < m; ++o)
      effects[o][design.moved[p]].push_back((outputs[p][o] - outputs[p - 1][o]) / (design.direction[p] * design.delta));
  }
  for (std::size_t o = 0; o < m; ++o)
    for (std::size_t i = 0; i < k; ++i) {
      const std::vector<double>& e = effects[o][i];
      std::vector<double> abs_e(e.size());
      std::transform(e.begin(), e.end(), abs_e.begin(), [](double x) { return std::abs(x); });
      res.mu[o][i] = stats::mean(e);
      res.mu_star[o][i] = stats::mean(abs_e);
      res.sigma[o][i] = std::sqrt(stats::variance(e));
    }
  return res;
}

MorrisResult morris(std::span<const Input> inputs, const Model& model, const MorrisOptions& options,
                    const EvaluateOptions& evaluation) {
  const MorrisDesign design = morris_design(inputs, options);
  return morris_analyse(design, evaluate(model, design.points, evaluation));
}

SobolDesign sobol_design(std::span<const Input> inputs, const SobolOptions& options) {
  validate(inputs);
  if (options.base_samples < 2) throw UsageError("Sobol: base_samples must be at least 2");
  const std::size_t k = inputs.size();
  const std::size_t n = options.base_samples;
  // Rows of the 2k-dimensional base: the first k columns make A, the last k make B.
  std::vector<std::vector<double>> base(n, std::vector<double>(2 * k));
  if (options.sampling == Sampling::sobol) {
    if (2 * k > boost::random::detail::qrng_tables::sobol::max_dimension)
      throw UsageError("Sobol: too many inputs for the Sobol table");
    boost::random::sobol qrng(2 * k);
    std::vector<double> shift(2 * k);
    RandomStream stream(options.seed, 0, 0, kSobolShiftStream);
    for (double& s : shift) s = stream.uniform();
    // Boost's sequence starts at its first non-zero point (0.5, ..., 0.5), so nothing is skipped.
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t c = 0; c < 2 * k; ++c) {
        const double v = static_cast<double>(qrng() >> 11) * 0x1.0p-53 + shift[c];
        base[j][c] = v >= 1.0 ? v - 1.0 : v;
      }
  } else {
    for (std::size_t j = 0; j < n; ++j) {
      RandomStream stream(options.seed, static_cast<std::uint32_t>(j), 0, kRandomPointStream);
      for (double& v : base[j]) v = stream.uniform();
    }
  }
  SobolDesign d;
  d.inputs.assign(inputs.begin(), inputs.end());
  d.base_samples = n;
  d.points.resize(n * (k + 2));
  for (std::size_t j = 0; j < n; ++j) {
    const std::span<const double> a(base[j].data(), k);
    const std::span<const double> b(base[j].data() + k, k);
    d.points[j] = to_units(inputs, a);
    d.points[n + j] = to_units(inputs, b);
    for (std::size_t i = 0; i < k; ++i) {
      std::vector<double> ab(a.begin(), a.end());
      ab[i] = b[i];
      d.points[(2 + i) * n + j] = to_units(inputs, ab);
    }
  }
  return d;
}

SobolResult sobol_analyse(const SobolDesign& design, const std::vector<std::vector<double>>& outputs,
                          const SobolOptions& options) {
  const std::size_t k = design.inputs.size();
  const std::size_t n = design.base_samples;
  check_outputs(outputs, n * (k + 2));
  if (!(options.confidence > 0.0 && options.confidence < 1.0))
    throw UsageError("Sobol: the confidence must be in (0, 1)");
  const std::size_t m = outputs.front().size();
  SobolResult res;
  for (const Input& in : design.inputs) res.names.push_back(in.name);
  res.variance.assign(m, 0.0);
  res.first = res.first_low = res.first_high = matrix(m, k);
  res.total = res.total_low = res.total_high = matrix(m, k);

  std::vector<std::size_t> all(n);
  for (std::size_t j = 0; j < n; ++j) all[j] = j;
  // Resampled rows, drawn once and shared by every output so their intervals are comparable.
  std::vector<std::vector<std::size_t>> resamples(options.bootstrap, std::vector<std::size_t>(n));
  for (std::size_t b = 0; b < options.bootstrap; ++b) {
    RandomStream stream(options.seed, static_cast<std::uint32_t>(b), 0, kBootstrapStream);
    for (std::size_t& j : resamples[b])
      j = std::min(n - 1, static_cast<std::size_t>(stream.uniform() * static_cast<double>(n)));
  }
  const double lo_q = (1.0 - options.confidence) / 2.0;
  const double hi_q = (1.0 + options.confidence) / 2.0;
  for (std::size_t o = 0; o < m; ++o) {
    estimate(outputs, n, k, o, all, res.first[o], res.total[o], res.variance[o]);
    if (options.bootstrap == 0) {
      res.first_low[o] = res.first_high[o] = res.first[o];
      res.total_low[o] = res.total_high[o] = res.total[o];
      continue;
    }
    std::vector<std::vector<double>> s1(k), st(k);
    std::vector<double> f(k), t(k);
    double v = 0.0;
    for (const auto& rows : resamples) {
      estimate(outputs, n, k, o, rows, f, t, v);
      for (std::size_t i = 0; i < k; ++i) {
        s1[i].push_back(f[i]);
        st[i].push_back(t[i]);
      }
    }
    for (std::size_t i = 0; i < k; ++i) {
      res.first_low[o][i] = stats::quantile(s1[i], lo_q);
      res.first_high[o][i] = stats::quantile(s1[i], hi_q);
      res.total_low[o][i] = stats::quantile(st[i], lo_q);
      res.total_high[o][i] = stats::quantile(st[i], hi_q);
    }
  }
  return res;
}

SobolResult sobol(std::span<const Input> inputs, const Model& model, const SobolOptions& options,
                  const EvaluateOptions& evaluation) {
  const SobolDesign design = sobol_design(inputs, options);
  return sobol_analyse(design, evaluate(model, design.points, evaluation), options);
}

double NoiseFloor::point_sd(std::size_t output, std::size_t replicates) const {
  return sd.at(output) / std::sqrt(static_cast<double>(std::max<std::size_t>(replicates, 1)));
}

double NoiseFloor::effect_sd(std::size_t output, std::size_t replicates, double delta) const {
  return std::sqrt(2.0) * point_sd(output, replicates) / delta;
}

double NoiseFloor::variance_share(std::size_t output, std::size_t replicates, double variance) const {
  const double s = point_sd(output, replicates);
  return variance > 0.0 ? s * s / variance : 1.0;
}

NoiseFloor noise_floor(const Model& model, std::span<const double> point, std::size_t runs,
                       const EvaluateOptions& options) {
  if (runs < 2) throw UsageError("noise floor: at least 2 runs are needed");
  std::vector<std::vector<double>> y(runs);
  RunnerOptions runner;
  runner.threads = options.threads;
  runner.stop = options.stop;
  runner.on_progress = options.on_progress;
  ReplicationRunner(runner).run(runs, [&](std::size_t r) { y[r] = model(point, replicate_seed(options.seed, r)); });
  check_outputs(y, runs);
  NoiseFloor nf;
  nf.runs = runs;
  for (std::size_t o = 0; o < y.front().size(); ++o) {
    std::vector<double> col(runs);
    for (std::size_t r = 0; r < runs; ++r) col[r] = y[r][o];
    nf.mean.push_back(stats::mean(col));
    nf.sd.push_back(std::sqrt(stats::variance(col)));
  }
  return nf;
}

}  // namespace leapsim::sensitivity
