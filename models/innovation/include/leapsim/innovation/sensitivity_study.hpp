#pragma once
// Global sensitivity analysis of a study (docs/sensitivity.md): which scenario numbers drive its
// forecasts and its choice of package. Inputs are parameter paths with uniform ranges; each
// design point sets them in the base and in every alternative that keeps the base's value, runs
// every scenario for a fixed number of replications with the study's seeds (replication r of
// every point and scenario keyed by (seed, r): common random numbers), and reduces the runs to
// outputs: headline metrics by year (replication means), target probabilities and the paired
// difference of each alternative against the base. The engine's estimators (sensitivity.hpp)
// turn the outputs into Morris or Sobol indices; the nominal point (the study as written) gives
// the seed-noise floor and the ranking of packages the design points are compared with.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/result_tree.hpp"
#include "leapsim/engine/sensitivity.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/parameter_paths.hpp"
#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/innovation/study.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::innovation {

/// One scenario number varied uniformly over [low, high].
struct SensitivityInput {
  ParameterPath path;
  double low = 0.0;
  double high = 1.0;
  /// Where the range comes from when the file names a posterior instead of low and high: that
  /// posterior's central 90% (resolve_posterior_ranges sets low and high); empty otherwise.
  std::string posterior;
  std::string written_at;  ///< "file:line:column" of the input, for the errors of that step
};

/// Which design and estimators.
enum class SensitivityMethod { morris, sobol };

/// "morris" or "sobol".
const char* to_string(SensitivityMethod method) noexcept;

/// What to vary, how, and what to read off the runs.
struct SensitivitySettings {
  SensitivityMethod method = SensitivityMethod::morris;
  std::vector<SensitivityInput> inputs;
  std::size_t trajectories = 10;  ///< Morris: trajectories through the grid
  std::size_t levels = 4;         ///< Morris: grid levels p (even)
  std::size_t samples = 64;       ///< Sobol: base samples N (N (k + 2) points)
  std::size_t bootstrap = 200;    ///< Sobol: resamples for the intervals
  std::uint32_t replications = 50;
  std::uint64_t seed = 0;  ///< keys the runs and the design; the study's seed unless set otherwise
  std::vector<Metric> metrics{Metric::htes, Metric::tech_smes};
  std::vector<int> years;  ///< empty: every year of the base's horizon
  /// The metric and year whose paired difference ranks the packages; unset: the first target's
  /// (its direction says whether more is better), else HTEs in the last year.
  std::optional<Metric> decision_metric;
  std::optional<int> decision_year;
};

/// What one output is.
struct SensitivityOutput {
  /// extra_cost: the county's cost summed from the first year through `year`, alternative minus
  /// base; cost_per_unit: a point's mean extra_cost over its mean difference (the outputs
  /// `numerator` and `denominator`), a ratio of means, NaN where that difference is 0.
  enum class Kind { metric, target, difference, extra_cost, cost_per_unit };
  std::string name;  ///< unique, usable as an HDF5 group name: "htes_2025", "target_1", "diff_<alt>_htes_2025"
  Kind kind = Kind::metric;
  Metric metric = Metric::htes;
  int year = 0;
  std::string scenario;    ///< the alternative of a difference, the scenario of a target probability
  std::string label;       ///< in words, for reports
  std::size_t target = 0;  ///< a target probability's target, as listed in the study
  std::size_t numerator = 0, denominator = 0;  ///< a cost per unit's outputs
};

/// "metric", "target" or "difference".
const char* to_string(SensitivityOutput::Kind kind) noexcept;

/// A finished analysis.
struct SensitivityStudyResult {
  SensitivityMethod method = SensitivityMethod::morris;
  std::vector<std::string> inputs;     ///< canonical paths
  std::vector<double> low, high;       ///< per input
  std::vector<double> nominal_inputs;  ///< per input: its value in the study as written
  std::vector<SensitivityOutput> outputs;
  std::vector<std::vector<double>> points;  ///< [point][input]
  std::vector<std::vector<double>> values;  ///< [point][output]
  std::vector<double> nominal;              ///< per output, at the study as written
  sensitivity::NoiseFloor noise;            ///< per output, from the nominal point's replications
  std::vector<double> floor;                ///< per output: an index at or below it is not told from zero
  std::optional<sensitivity::MorrisResult> morris;
  std::optional<sensitivity::SobolResult> sobol;
  double delta = 0.0;  ///< Morris step, as a fraction of each range
  /// Packages ranked: the base ("doing nothing more", effect 0) and the alternatives.
  std::vector<std::string> packages;
  std::string decision;  ///< the metric and year that rank them, in words
  bool higher_is_better = true;
  std::vector<std::size_t> nominal_ranking;        ///< package indices, best first
  std::vector<std::vector<std::size_t>> rankings;  ///< per point
  double ranking_changed = 0.0;                    ///< share of points whose ranking differs from the nominal
  std::vector<double> ranking_flips;               ///< per input: share of its moves that change the ranking
  /// The same for the alternatives ranked by the county's cost per extra unit of the decision
  /// (cheapest first; an undefined cost, where a package adds nothing, ranks last).
  std::vector<std::size_t> cost_nominal_ranking;
  std::vector<std::vector<std::size_t>> cost_rankings;
  double cost_ranking_changed = 0.0;
  std::vector<double> cost_ranking_flips;
  std::uint32_t replications = 0;
  std::uint64_t seed = 0;
  std::uint64_t runs = 0;  ///< scenario replications simulated
  double seconds = 0.0;
};

/// An analysis of a study, designed: the constructor checks the settings against the study (every
/// path in every scenario, ranges inside each field's domain, the years inside the horizon), and
/// run() checks every design point's scenarios before anything is simulated. Both throw
/// UsageError naming the input, point or scenario.
class SensitivityStudy {
 public:
  SensitivityStudy(const Study& study, SensitivitySettings settings);

  /// Number of scenario replications the analysis runs (design points and the nominal point).
  std::uint64_t runs() const noexcept;
  /// Number of design points (the nominal point not counted).
  std::size_t points() const noexcept { return points_.size(); }
  /// Runs every point on the runner's threads (progress per scenario replication, the stop flag
  /// raised: Cancelled) and analyses them; the same bits for any thread count.
  SensitivityStudyResult run(const RunnerOptions& runner) const;

  /// The outputs of one work item: item 0 is the study as written, item p + 1 design point p.
  struct ItemOutputs {
    std::vector<double> mean;               ///< each output's mean over the replications
    std::vector<std::vector<double>> each;  ///< item 0 only: every replication's outputs
  };
  /// Work items: the nominal point and every design point, each computable anywhere (a rank of
  /// an MPI job) with the same bits.
  std::size_t items() const noexcept { return points_.size() + 1; }
  /// Builds and validates every point's scenarios (as run does first); throws UsageError for
  /// the first invalid point.
  void check(const RunnerOptions& runner) const { check_points(runner); }
  /// Runs one work item on the runner's threads.
  ItemOutputs run_item(std::size_t item, const RunnerOptions& runner) const;
  /// The analysis of every item's outputs (in item order); `seconds` is the time they took.
  SensitivityStudyResult analyse(std::vector<ItemOutputs> items, double seconds) const;

  const SensitivitySettings& settings() const noexcept { return settings_; }

 private:
  const Study& study_;
  SensitivitySettings settings_;
  std::vector<SensitivityOutput> outputs_;
  std::vector<std::vector<double>> points_;
  std::optional<sensitivity::MorrisDesign> morris_;
  std::optional<sensitivity::SobolDesign> sobol_;
  /// Builds and validates every point's scenarios on the runner's threads; throws UsageError for
  /// the first invalid point.
  void check_points(const RunnerOptions& runner) const;
  /// The study with point p's inputs set; throws UsageError naming the point when a scenario
  /// is invalid there.
  Study study_at(std::size_t point) const;
  /// The outputs of one replication of a point's run.
  std::vector<double> outputs_of(const StudyResults& results, std::size_t replication) const;
  /// Fills in the cost-per-unit outputs of a point's means and, if given, of its replications.
  void with_ratios(std::vector<double>& mean, std::vector<std::vector<double>>* each) const;

  /// [scenario][input]: the input's path in the scenario, or none where an alternative keeps its own value.
  std::vector<std::vector<std::optional<ParameterPath>>> paths_;
  std::vector<std::size_t> decision_outputs_;  ///< per alternative: its difference at the decision
  std::vector<std::size_t> cost_outputs_;      ///< per alternative: its county cost per extra unit there
  /// The nominal point's ranking, every design point's, the share that differ and, per input,
  /// the share of its moves that change it, for a ranking of the packages by `rank`.
  struct RankingChange {
    std::vector<std::size_t> nominal;
    std::vector<std::vector<std::size_t>> points;
    double changed = 0.0;
    std::vector<double> flips;
  };
  RankingChange ranking_change(const std::function<std::vector<std::size_t>(const std::vector<double>&)>& rank,
                               const std::vector<double>& nominal,
                               const std::vector<std::vector<double>>& values) const;
  bool higher_is_better_ = true;
  std::string decision_;
};

/// The results file of an analysis (docs/output-format.md, "Sensitivity files").
ResultGroup sensitivity_tree(const SensitivityStudyResult& result, const RunRecord& record,
                             const std::string& settings_text);

}  // namespace leapsim::innovation
