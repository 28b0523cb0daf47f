// Cost-effectiveness of each package from the per-replication metrics of a results tree.
#include "leapsim/innovation/cost_effectiveness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/cost_book.hpp"
#include "leapsim/innovation/mechanisms.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/results_tree.hpp"

namespace leapsim::innovation {
namespace {

constexpr std::string_view kBeforeCostBooks = "the cost books";

/// The paired difference alternative - base of a metric read with a span, and its per-replication values.
stats::PairedDifference paired(const ResultGroup& root, const std::string& base, const std::string& scenario,
                               const std::string& metric, std::size_t y, Span span, std::vector<double>& differences) {
  const std::vector<double> a = per_replication(scenario_metric(root, base, metric, kBeforeCostBooks), y, span);
  const std::vector<double> b = per_replication(scenario_metric(root, scenario, metric, kBeforeCostBooks), y, span);
  if (a.size() != b.size())
    throw IoError("results file: '" + metric + "' of '" + scenario + "' and '" + base + "' differ in replications");
  differences.resize(b.size());
  for (std::size_t r = 0; r < b.size(); ++r) differences[r] = b[r] - a[r];
  return stats::paired_difference(a, b, 0.95, replication_cluster(root));
}

/// Whether option a (cost, effect) dominates option b: no more cost, at least the effect, one strictly.
bool dominates(double cost_a, double effect_a, double cost_b, double effect_b) {
  return cost_a <= cost_b && effect_a >= effect_b && (cost_a < cost_b || effect_a > effect_b);
}

/// The frontier of the non-dominated options (sorted by cost): drops every point below the
/// segment joining its neighbours, keeping points on it; an option equal to the one before it is
/// listed once, by the earlier.
std::vector<FrontierStep> upper_hull(std::vector<FrontierStep> options) {
  std::vector<FrontierStep> hull;
  for (const FrontierStep& p : options) {
    if (!hull.empty() && hull.back().extra_cost == p.extra_cost && hull.back().extra == p.extra) continue;
    while (hull.size() >= 2) {
      const FrontierStep& a = hull[hull.size() - 2];
      const FrontierStep& b = hull.back();
      const double cross =
          (b.extra_cost - a.extra_cost) * (p.extra - a.extra) - (b.extra - a.extra) * (p.extra_cost - a.extra_cost);
      if (!(cross > 0.0)) break;
      hull.pop_back();
    }
    hull.push_back(p);
  }
  for (std::size_t i = 0; i < hull.size(); ++i)
    hull[i].incremental_cost_per_unit =
        i == 0 ? std::numeric_limits<double>::quiet_NaN()
               : (hull[i].extra_cost - hull[i - 1].extra_cost) / (hull[i].extra - hull[i - 1].extra);
  return hull;
}

}  // namespace

CostEffectiveness cost_effectiveness(const ResultGroup& root, const std::string& base, const std::string& metric,
                                     int year, const std::string& payer) {
  const auto total = payer_total(payer);
  if (!total) {
    std::string payers;
    for (const std::string_view p : kPayers) payers += (payers.empty() ? "" : ", ") + std::string(p);
    throw UsageError("unknown payer '" + payer + "'; the payers are " + payers);
  }
  if (!metric_by_name(metric)) throw UsageError("unknown metric '" + metric + "'");
  const std::size_t y = year_index(root, year);
  const ResultGroup* scenarios = root.group("scenarios");
  if (scenarios == nullptr || scenarios->group(base) == nullptr)
    throw UsageError("no scenario '" + base + "' in the results");
  CostEffectiveness out{base, metric, payer, year, {}, {}};
  const std::string cost_metric(metric_infos()[static_cast<std::size_t>(*total)].name);
  for (const ResultGroup& s : scenarios->groups) {
    if (s.name == base) continue;
    PackageCostEffect p;
    p.scenario = s.name;
    std::vector<double> effect, cost;
    p.effect = paired(root, base, s.name, metric, y, Span::in_year, effect);
    p.cost = paired(root, base, s.name, cost_metric, y, Span::through_year, cost);
    p.cost_per_unit = stats::fieller_ratio(cost, effect, 0.95, replication_cluster(root));
    p.per_million = p.effect.mean / p.cost.mean * 1.0e6;
    p.effect_uncertain = !(p.effect.interval.low > 0.0 || p.effect.interval.high < 0.0);
    out.packages.push_back(std::move(p));
  }
  // Dominance by the means; the base is the option at zero extra cost and zero extra effect.
  std::vector<FrontierStep> options{{base, 0.0, 0.0, 0.0}};
  for (const PackageCostEffect& p : out.packages) options.push_back({p.scenario, p.cost.mean, p.effect.mean, 0.0});
  std::vector<FrontierStep> undominated;
  for (std::size_t i = 0; i < options.size(); ++i) {
    const FrontierStep& me = options[i];
    const auto by = std::find_if(options.begin(), options.end(), [&](const FrontierStep& other) {
      return dominates(other.extra_cost, other.extra, me.extra_cost, me.extra);
    });
    if (i > 0 && by != options.end()) {
      out.packages[i - 1].dominated = true;
      out.packages[i - 1].dominated_by = by->scenario;
    }
    if (by == options.end()) undominated.push_back(me);
  }
  std::stable_sort(undominated.begin(), undominated.end(),
                   [](const FrontierStep& a, const FrontierStep& b) { return a.extra_cost < b.extra_cost; });
  out.frontier = upper_hull(std::move(undominated));
  for (PackageCostEffect& p : out.packages)
    p.on_frontier = std::any_of(out.frontier.begin(), out.frontier.end(),
                                [&](const FrontierStep& step) { return step.scenario == p.scenario; });
  return out;
}

}  // namespace leapsim::innovation
