#pragma once
// Why a package differs from the base, by mechanism (docs/model.md §4.10, "Stock identities").
// Replication r of every scenario shares its random streams, so the paired difference of a
// metric splits exactly into the paired differences of the flows that build it: for HTEs the
// starting certificates plus, year by year, new certifications minus lapses minus exits of
// certified firms. Each mechanism is a signed sum of metric values; the rows without a parent
// add up to the metric itself in every replication, and the rows of one split of a parent add up
// to that parent.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "leapsim/engine/result_tree.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/metrics.hpp"

namespace leapsim::innovation {

/// Which values of a metric a term reads for year Y.
enum class Span {
  in_year,       ///< the value in Y
  through_year,  ///< the sum over the first year to Y
  first_year,    ///< the value in the first simulated year
};

/// One signed metric reading of a mechanism.
struct MechanismTerm {
  Metric metric;
  double sign;
  Span span;
};

/// One row of a metric's breakdown: its terms and its words in English and Chinese.
struct Mechanism {
  std::string_view key;
  std::string_view parent;  ///< the key of the row it splits; empty for a top row
  std::string_view split;   ///< which split of the parent it belongs to; rows of one split add up
  std::string_view label;
  std::string_view label_zh;
  std::vector<MechanismTerm> terms;
};

/// The breakdown of a metric: its own split where the model records the flows that build it,
/// otherwise one row, the metric itself.
const std::vector<Mechanism>& mechanisms(Metric metric);

/// The index of a calendar year in a results tree's `years`: UsageError outside them, IoError for
/// a tree without calendar years.
std::size_t year_index(const ResultGroup& root, int year);

/// A per-replication metric of a scenario, [replication, year], by name: UsageError for an
/// unknown scenario, IoError when the file lacks it (`written_before` names what the file
/// predates, as "the mechanism counters") or it is not two-dimensional.
const ResultArray& scenario_metric(const ResultGroup& root, const std::string& scenario, const std::string& name,
                                   std::string_view written_before);

/// Each replication's reading of a [replication, year] metric for year index y.
std::vector<double> per_replication(const ResultArray& metric, std::size_t y, Span span);

/// A mechanism's paired difference (alternative - base) over the replications.
struct MechanismDifference {
  const Mechanism* mechanism;
  stats::PairedDifference difference;
};

/// The breakdown of `metric` in `year` for `scenario` against `base`, from the per-replication
/// metrics of a results tree (docs/output-format.md). Throws UsageError for an unknown scenario
/// or a year outside the results, IoError when the file lacks a metric the breakdown reads (a
/// file written before the mechanism counters).
std::vector<MechanismDifference> explain(const ResultGroup& root, const std::string& base, const std::string& scenario,
                                         Metric metric, int year);

}  // namespace leapsim::innovation
