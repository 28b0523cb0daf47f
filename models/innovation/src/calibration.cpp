#include "leapsim/innovation/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "leapsim/engine/bytes.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/model.hpp"

namespace leapsim::innovation {
namespace {

/// Why a prior's support leaves its parameter's domain, or empty when it stays inside.
std::string support_problem(const FreeParameter& f) {
  const abc::Prior& prior = f.prior;
  const ParameterPath& path = f.path;
  const double low = prior.low, high = prior.high;
  const bool low_inside =
      std::isfinite(low) ? in_domain(path, low) || (path.low_open && low == path.low) : !std::isfinite(path.low);
  const bool high_inside =
      std::isfinite(high) ? in_domain(path, high) || (path.high_open && high == path.high) : !std::isfinite(path.high);
  if (low_inside && high_inside) return {};
  return "the prior reaches [" + schema::format_number(low) + ", " + schema::format_number(high) +
         "] but the parameter takes " + domain_words(path) +
         (prior.kind == abc::PriorKind::normal ? "; give a normal prior `low` and `high` inside that" : "");
}

}  // namespace

bool is_stock(Metric metric) noexcept {
  switch (metric) {
    case Metric::tech_smes:
    case Metric::htes:
    case Metric::firms_alive:
    case Metric::invention_patents:
    case Metric::invention_patents_per_10k:
    case Metric::budget_left:
    case Metric::carrier_occupancy:
    case Metric::carrier_capacity:
    case Metric::platforms:
      return true;
    default:
      return false;
  }
}

CalibrationProblem::CalibrationProblem(Parameters base, std::vector<FreeParameter> free,
                                       std::vector<FittedFigure> figures)
    : base_(std::move(base)), free_(std::move(free)), figures_(std::move(figures)) {
  std::vector<abc::Prior> all_priors = priors();
  abc::validate(all_priors);
  for (std::size_t i = 0; i < free_.size(); ++i) {
    if (free_[i].prior.name != free_[i].path.path)
      throw UsageError("free parameter " + std::to_string(i + 1) + ": the prior's name '" + free_[i].prior.name +
                       "' is not its path '" + free_[i].path.path + "'");
    if (const std::string problem = support_problem(free_[i]); !problem.empty())
      throw UsageError("parameter '" + free_[i].path.path + "': " + problem);
  }
  if (figures_.empty()) throw UsageError("a calibration needs at least one observed figure to fit");
  const std::vector<abc::Target> all_targets = targets();
  abc::validate(all_targets);
  for (const FittedFigure& f : figures_) {
    const std::string name = "figure '" + f.target.name + "'";
    if (f.year < base_.start_year || f.year > base_.end_year)
      throw UsageError(name + ": the year " + std::to_string(f.year) + " is outside the scenario's horizon " +
                       std::to_string(base_.start_year) + "-" + std::to_string(base_.end_year));
    if (!(f.fraction > 0.0 && f.fraction <= 1.0))
      throw UsageError(name + ": the part of the year must lie in (0, 1], got " + schema::format_number(f.fraction));
    if (f.fraction < 1.0 && is_stock(f.metric) && f.year == base_.start_year)
      throw UsageError(name + ": a stock within the first year of the run (" + std::to_string(f.year) +
                       ") cannot be read, since the run has no year end before it; fit the year-end figure or "
                       "leave this one out");
    last_year_ = std::max(last_year_, f.year);
  }
  // The prior's centre must give a scenario the model runs, or every candidate would fail alike.
  std::vector<double> centre;
  for (const abc::Prior& prior : all_priors) centre.push_back(prior.from_working(prior.quantile_working(0.5)));
  (void)parameters_at(centre);
}

Parameters CalibrationProblem::parameters_at(std::span<const double> theta) const {
  if (theta.size() != free_.size())
    throw UsageError("expected " + std::to_string(free_.size()) + " parameter values, got " +
                     std::to_string(theta.size()));
  Parameters p = base_;
  for (std::size_t i = 0; i < free_.size(); ++i) set_parameter(p, free_[i].path, theta[i]);
  validate(p);
  return p;
}

std::vector<double> CalibrationProblem::simulate(std::span<const double> theta, std::uint64_t seed) const {
  Parameters p;
  try {
    p = parameters_at(theta);
  } catch (const UsageError&) {
    return std::vector<double>(figures_.size(), std::numeric_limits<double>::quiet_NaN());
  }
  // Years after the last figure change nothing before it (tested), so the run stops there.
  p.end_year = last_year_;
  return summaries(innovation::simulate(p, seed, 0).metrics);
}

std::vector<double> CalibrationProblem::summaries(const MetricTable& metrics) const {
  std::vector<double> out;
  out.reserve(figures_.size());
  for (const FittedFigure& f : figures_) {
    const double year_value = metrics.at(f.metric, f.year);
    if (f.fraction == 1.0)
      out.push_back(year_value);
    else if (is_stock(f.metric))
      out.push_back((1.0 - f.fraction) * metrics.at(f.metric, f.year - 1) + f.fraction * year_value);
    else
      out.push_back(f.fraction * year_value);
  }
  return out;
}

std::vector<abc::Prior> CalibrationProblem::priors() const {
  std::vector<abc::Prior> out;
  for (const FreeParameter& f : free_) out.push_back(f.prior);
  return out;
}

std::vector<abc::Target> CalibrationProblem::targets() const {
  std::vector<abc::Target> out;
  for (const FittedFigure& f : figures_) out.push_back(f.target);
  return out;
}

std::uint64_t predictive_seed(std::uint64_t seed, std::size_t particle) {
  return abc::simulator_seed(seed, abc::SeedSharing::independent, std::size_t{1} << 20, particle, 0, 0);
}

CalibrationOutcome calibrate(const CalibrationProblem& problem, const abc::AbcOptions& options) {
  const std::vector<abc::Prior> priors = problem.priors();
  const std::vector<abc::Target> targets = problem.targets();
  CalibrationOutcome out;
  out.result = abc::abc_smc(
      priors, targets, [&](std::span<const double> theta, std::uint64_t seed) { return problem.simulate(theta, seed); },
      options);
  // The check runs where the particles ran (this process's threads, or every MPI rank).
  out.predictive.resize(out.result.particles.size());
  auto compute = [&](std::size_t i) {
    ByteWriter bytes;
    bytes.put_array(problem.simulate(out.result.particles[i], predictive_seed(options.seed, i)));
    return std::move(bytes).take();
  };
  auto keep = [&](std::size_t i, std::string_view bytes) { out.predictive[i] = ByteReader(bytes).get_array<double>(); };
  if (options.particle_runner)
    options.particle_runner(out.predictive.size(), compute, keep);
  else
    ReplicationRunner({options.threads, {}, options.stop}).run(out.predictive.size(), [&](std::size_t i) {
      keep(i, compute(i));
    });
  return out;
}

}  // namespace leapsim::innovation
