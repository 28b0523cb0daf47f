#include "leapsim/innovation/backtest.hpp"

#include <cmath>
#include <limits>
#include <mutex>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/engine/replication_runner.hpp"

namespace leapsim::innovation {
namespace {

/// The counter word no sampler generation reaches: member m's streams live there (the posterior
/// predictive check uses 2^20).
constexpr std::size_t kBacktestGeneration = (std::size_t{1} << 20) + 1;

/// A band reaches a bound: past "more than N" when its top is at or above N, and so on.
bool inside(const stats::Interval& band, const abc::Target& t) {
  switch (t.qualifier) {
    case abc::Qualifier::lower_bound:
      return band.high >= t.value;
    case abc::Qualifier::upper_bound:
      return band.low <= t.value;
    case abc::Qualifier::interval:
      return band.high >= t.value && band.low <= t.high;
    case abc::Qualifier::exact:
      break;
  }
  return band.low <= t.value && t.value <= band.high;
}

}  // namespace

std::vector<double> member_parameters(const BacktestDraws& draws, std::uint64_t seed, std::size_t member) {
  RandomStream stream(seed, static_cast<std::uint32_t>(kBacktestGeneration), static_cast<EntityId>(member), 0);
  if (!draws.particles.empty()) return draws.particles[abc::draw_particle(draws.weights, stream.uniform())];
  std::vector<double> theta;
  theta.reserve(draws.priors.size());
  for (const abc::Prior& prior : draws.priors)
    theta.push_back(prior.from_working(prior.quantile_working(stream.uniform())));
  return theta;
}

std::uint64_t member_seed(std::uint64_t seed, std::size_t member) {
  return abc::simulator_seed(seed, abc::SeedSharing::independent, kBacktestGeneration, member, 0, 0);
}

std::vector<std::vector<double>> forecast_ensemble(const CalibrationProblem& later, const BacktestDraws& draws,
                                                   const BacktestOptions& options) {
  if (options.members == 0) throw UsageError("a back-test needs at least one ensemble member");
  if (draws.particles.empty() && draws.priors.size() != later.free_parameters().size())
    throw UsageError("a back-test from the prior needs a prior per free parameter");
  std::vector<std::vector<double>> out(options.members);
  std::mutex lock;
  std::size_t done = 0;
  ReplicationRunner({options.threads, {}, options.stop}).run(options.members, [&](std::size_t m) {
    out[m] = later.simulate(member_parameters(draws, options.seed, m), member_seed(options.seed, m));
    if (options.on_progress) {
      const std::lock_guard guard(lock);
      options.on_progress(++done, options.members);
    }
  });
  return out;
}

BacktestScoresTable score_figures(std::span<const FittedFigure> figures,
                                  std::span<const std::vector<double>> ensemble) {
  BacktestScoresTable table;
  std::vector<std::size_t> points;  // figures that are not bounds, scored by score_backtest
  for (std::size_t k = 0; k < figures.size(); ++k) {
    FigureScore s;
    s.figure = figures[k];
    for (const std::vector<double>& member : ensemble)
      if (std::isfinite(member.at(k)))
        s.ensemble.push_back(member[k]);
      else
        ++s.invalid_members;
    if (s.ensemble.empty())
      throw UsageError("figure '" + s.figure.target.name + "': no ensemble member could run (" +
                       std::to_string(s.invalid_members) + " drew parameters the model refuses together)");
    const abc::Target& t = s.figure.target;
    s.median = stats::quantile(s.ensemble, 0.5);
    s.band_50 = scores::central_interval(s.ensemble, 0.5);
    s.band_90 = scores::central_interval(s.ensemble, 0.9);
    s.inside_50 = inside(s.band_50, t);
    s.inside_90 = inside(s.band_90, t);
    if (t.qualifier == abc::Qualifier::exact) {
      s.interval_score_50 = scores::interval_score(s.band_50, 0.5, t.value);
      s.interval_score_90 = scores::interval_score(s.band_90, 0.1, t.value);
      s.crps = scores::crps(s.ensemble, t.value, s.ensemble.size() > 1);
      s.relative_error = scores::relative_error(s.ensemble, t.value);
      points.push_back(k);
    } else {
      constexpr double nan = std::numeric_limits<double>::quiet_NaN();
      s.interval_score_50 = s.interval_score_90 = s.crps = s.relative_error = nan;
      ++table.bounds;
      table.bounds_inside_90 += s.inside_90 ? 1 : 0;
    }
    table.figures.push_back(std::move(s));
  }
  if (!points.empty()) {
    std::vector<scores::Forecast> forecasts;
    for (const std::size_t k : points)
      forecasts.push_back({table.figures[k].ensemble, table.figures[k].figure.target.value});
    table.summary = scores::score_backtest(forecasts);
  }
  return table;
}

}  // namespace leapsim::innovation
