#include "bisect.hpp"

#include <set>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/scenario/changes.hpp"
#include "leapsim/innovation/scenario/diagnostics.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

/// One parameter fitted to one observed figure.
struct Fit {
  std::string parameter;  // dotted YAML path, e.g. hte.apply_probability
  innovation::Metric metric;
  int year;
  double observed;
  double low;  // search range of the parameter
  double high;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

Fit parse_fit(const std::string& text) {
  const auto eq = text.find('=');
  const std::vector<std::string> target =
      eq == std::string::npos ? std::vector<std::string>{} : split(text.substr(eq + 1), ':');
  if (target.size() != 3 && target.size() != 5)
    throw UsageError("--fit '" + text + "': expected parameter.path=metric:year:observed[:low:high]");
  const auto metric = innovation::metric_by_name(target[0]);
  if (!metric) throw UsageError("--fit '" + text + "': unknown metric '" + target[0] + "'");
  try {
    Fit f{text.substr(0, eq), *metric, std::stoi(target[1]), std::stod(target[2]), 0.0, 1.0};
    if (target.size() == 5) f.low = std::stod(target[3]), f.high = std::stod(target[4]);
    if (!std::isfinite(f.observed) || !std::isfinite(f.low) || !std::isfinite(f.high))
      throw UsageError("--fit '" + text + "': the observed value and the range must be finite numbers");
    if (!(f.low < f.high)) throw UsageError("--fit '" + text + "': the search range must have low < high");
    return f;
  } catch (const std::logic_error&) {
    throw UsageError("--fit '" + text + "': year, observed value and range must be numbers");
  }
}

/// Simulated values of a metric over the replications, with the parameters given.
std::vector<double> simulate_metric(const innovation::Parameters& p, const Fit& f, const BisectOptions& o) {
  std::vector<double> values(o.replications);
  ReplicationRunner({o.threads, {}, nullptr}).run(values.size(), [&](std::size_t r) {
    values[r] = innovation::simulate(p, o.seed, static_cast<std::uint32_t>(r)).metrics.at(f.metric, f.year);
  });
  return values;
}

/// Both ends of a fit's range must be valid values of its parameter, so bisection never leaves
/// the parameter's domain. Problems are told by the parameter, not by a line: with_changes
/// reads a generated document whose lines are in no file the user has.
void check_range(const innovation::Scenario& scenario, const Fit& f) {
  for (const double end : {f.low, f.high}) {
    try {
      (void)innovation::with_changes(scenario, {{f.parameter, end}});
    } catch (const innovation::ScenarioError& e) {
      std::string problems;
      for (const innovation::Diagnostic& d : e.diagnostics()) problems += (problems.empty() ? "" : "; ") + d.message;
      throw UsageError(format("--fit %s: the search range [%g, %g] does not fit: %s", f.parameter.c_str(), f.low,
                              f.high, problems.c_str()));
    }
  }
}

}  // namespace

int bisect_command(const BisectOptions& options, std::ostream& out) {
  std::vector<Fit> fits;
  std::set<std::string> fitted_parameters;
  for (const std::string& text : options.fits) {
    fits.push_back(parse_fit(text));
    // Bisection fits one parameter to one figure: given twice, the second fit would undo the first.
    if (!fitted_parameters.insert(fits.back().parameter).second)
      throw UsageError("--fit " + fits.back().parameter +
                       " is given twice; bisection fits one parameter to one "
                       "figure: to fit a parameter to several figures, write a calibration file "
                       "(docs/calibration.md) and run `leapsim calibrate FILE -o POSTERIOR.h5`");
  }
  if (fits.empty()) throw UsageError("calibrate: give at least one --fit");
  innovation::Scenario scenario = innovation::is_study_file(options.file) ? innovation::load_study(options.file).base
                                                                          : innovation::load_scenario(options.file);
  int last_year = scenario.parameters.start_year;
  for (const Fit& f : fits) {
    if (f.year < scenario.parameters.start_year || f.year > scenario.parameters.end_year)
      throw UsageError(format("--fit %s: year %d is outside the scenario's %d-%d", f.parameter.c_str(), f.year,
                              scenario.parameters.start_year, scenario.parameters.end_year));
    last_year = std::max(last_year, f.year);
  }
  // The scenario with one parameter at a trial value; `scenario` keeps the values fitted so far.
  const auto with = [&](const Fit& f, double value) {
    innovation::Parameters p = innovation::with_changes(scenario, {{f.parameter, value}}).parameters;
    p.end_year = last_year;  // later years cannot change the fitted figures
    return p;
  };
  for (const Fit& f : fits) check_range(scenario, f);
  out << "Calibrating " << options.file << ": " << options.replications << " replications, seed " << options.seed
      << ", bisection on each parameter in turn, " << options.rounds << " rounds\n";
  std::vector<double> fitted(fits.size());
  for (int round = 1; round <= options.rounds; ++round) {
    for (std::size_t i = 0; i < fits.size(); ++i) {
      const Fit& f = fits[i];
      double lo = f.low, hi = f.high;
      const double at_lo = stats::mean(simulate_metric(with(f, lo), f, options));
      const double at_hi = stats::mean(simulate_metric(with(f, hi), f, options));
      if ((at_lo - f.observed) * (at_hi - f.observed) > 0.0)
        throw UsageError(format(
            "calibrate: %s in [%g, %g] gives mean %s %d from %g to %g, which does not bracket %g", f.parameter.c_str(),
            lo, hi, std::string(innovation::metric_infos()[static_cast<std::size_t>(f.metric)].name).c_str(), f.year,
            at_lo, at_hi, f.observed));
      const bool rising = at_hi > at_lo;
      for (int step = 0; step < 14; ++step) {
        const double mid = 0.5 * (lo + hi);
        const double m = stats::mean(simulate_metric(with(f, mid), f, options));
        ((m < f.observed) == rising ? lo : hi) = mid;
      }
      fitted[i] = 0.5 * (lo + hi);
      scenario = innovation::with_changes(scenario, {{f.parameter, fitted[i]}});  // kept for the next parameter
      out << format("round %d: %s = %.6g\n", round, f.parameter.c_str(), fitted[i]) << std::flush;
    }
  }
  innovation::Parameters p = scenario.parameters;
  p.end_year = last_year;
  out << "\nFitted values, and the simulated 90% interval of each figure:\n";
  for (std::size_t i = 0; i < fits.size(); ++i) {
    const Fit& f = fits[i];
    const std::vector<double> v = simulate_metric(p, f, options);
    const double lo = stats::quantile(v, 0.05), hi = stats::quantile(v, 0.95);
    out << format("  %-36s %.6g   %s %d: observed %g, simulated mean %.1f [%.1f, %.1f] %s\n", f.parameter.c_str(),
                  fitted[i], std::string(innovation::metric_infos()[static_cast<std::size_t>(f.metric)].name).c_str(),
                  f.year, f.observed, stats::mean(v), lo, hi,
                  f.observed >= lo && f.observed <= hi ? "inside" : "OUTSIDE");
  }
  return 0;
}

}  // namespace leapsim::app
