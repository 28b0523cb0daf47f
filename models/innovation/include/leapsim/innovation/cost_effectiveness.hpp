#pragma once
// What each package buys for its money (issue 16): against the base, the paired extra effect of a
// metric in a year, the paired extra cost to one payer over the first year through that year, the
// cost per extra unit with Fieller's interval (stats::fieller_ratio), dominance and the
// efficiency frontier. Replication r of every scenario shares its random streams, so extra cost
// and extra effect are paired per replication, and their ratio's interval uses their covariance.
#include <string>
#include <string_view>
#include <vector>

#include "leapsim/engine/result_tree.hpp"
#include "leapsim/engine/stats.hpp"

namespace leapsim::innovation {

/// One package against the base.
struct PackageCostEffect {
  std::string scenario;
  stats::PairedDifference effect;      ///< the metric in the year, alternative - base
  stats::PairedDifference cost;        ///< the payer's cost summed over the first year through the year
  stats::RatioInterval cost_per_unit;  ///< extra cost / extra effect, Fieller's interval
  /// Extra effect per million yuan of extra cost (infinite when the package costs the payer
  /// nothing more, negative when it saves money or loses effect).
  double per_million = 0.0;
  bool effect_uncertain = false;  ///< the extra effect's 95% interval includes zero
  /// Another package, or the base at zero extra and zero cost, has at least this effect at no
  /// more cost, one of them strictly better (by the means); dominated_by names the first such.
  bool dominated = false;
  std::string dominated_by;
  bool on_frontier = false;
};

/// A step of the efficiency frontier, in order of cost.
struct FrontierStep {
  std::string scenario;  ///< the base's name for the starting point
  double extra_cost = 0.0;
  double extra = 0.0;
  /// (cost - previous cost) / (effect - previous effect): the price of each extra unit bought
  /// by moving from the previous step; NaN for the first step.
  double incremental_cost_per_unit = 0.0;
};

/// Every package's cost-effectiveness and the frontier.
struct CostEffectiveness {
  std::string base;
  std::string metric;
  std::string payer;  ///< one of kPayers (cost_book.hpp)
  int year = 0;
  std::vector<PackageCostEffect> packages;  ///< the scenarios other than the base, in the file's order
  /// The options (the base and every package) that are neither dominated nor extendedly
  /// dominated, by increasing mean extra cost: the upper-left convex boundary of the points
  /// (extra cost, extra effect), which with effect on the horizontal axis is the lower convex
  /// hull of the costs, so that each step's incremental cost per extra unit is higher than the
  /// last. A package below the segment joining its neighbours (extended dominance: a mix of them
  /// would buy more for the money) is dropped; points on the segment are kept. It starts at the
  /// cheapest option, the base unless a package saves the payer money. Options at the same point
  /// are listed once, by the earlier (a package that changes nothing ties with the base, which is
  /// listed).
  std::vector<FrontierStep> frontier;
};

/// The cost-effectiveness of every package of a results tree against `base` for `metric` in
/// `year` and `payer`, one of kPayers (docs/output-format.md). Throws UsageError for an unknown
/// metric, scenario, payer or a year outside the results (as explain), IoError for a file without
/// the payer's total (written before the cost books).
CostEffectiveness cost_effectiveness(const ResultGroup& root, const std::string& base, const std::string& metric,
                                     int year, const std::string& payer = "county");

}  // namespace leapsim::innovation
