#pragma once
// Adaptive replications: a study run in batches of whole replications until the 95% intervals a
// planner asked for are narrow enough, or a cap. Replication r is keyed by (seed, r) as in a
// fixed run, so a run that stopped at R replications has the bits of a fixed run of R.
//
// Stopping rule (docs/output-format.md, "Adaptive replications"): a first batch n0, then looks at
// n0, 2 n0, 4 n0, ... and at the cap N: K = 1 + ceil(log2(N / n0)) looks planned before the run.
// Every look judges each interval at confidence 1 - 0.05 / K (Bonferroni over the planned looks),
// so whichever look the run stops at, its intervals cover with probability at least 95%.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/result_tree.hpp"
#include "leapsim/innovation/study.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::innovation {

/// One precision a run must reach: the paired difference of every alternative against the base
/// for a metric in a year, or a target's probability in every scenario, within a half-width.
struct Precision {
  std::string text;                   // as given: "htes:2025:1" or "target:LABEL:0.05"
  Metric metric = Metric::htes;       // of the difference; unused for a target
  int year = 0;                       // of the difference; unused for a target
  std::optional<std::string> target;  // the target's label when the precision names one
  double half_width = 0.0;            // in the metric's unit, or as a probability (0-1) for a target
};

/// Reads "METRIC:YEAR:HALFWIDTH" or "target:LABEL:HALFWIDTH"; throws UsageError saying what was expected.
Precision parse_precision(std::string_view text);

/// The smallest first batch an adaptive run takes (a smaller one is raised to it): a t-interval on
/// fewer replications says little about the variance it is judged by.
inline constexpr std::uint32_t kMinFirstBatch = 10;
/// The cap when none is given, as a multiple of the first batch.
inline constexpr std::uint32_t kDefaultCapFactor = 16;

/// An adaptive run's plan: what must be reached, the first batch and the cap.
struct AdaptivePlan {
  std::vector<Precision> precisions;
  std::uint32_t first_batch = 0;
  std::uint32_t max_replications = 0;
  /// The replications at each planned look: n0, 2 n0, 4 n0, ..., the cap.
  std::vector<std::uint32_t> looks() const;
  /// The confidence each look judges an interval at: 1 - 0.05 / looks.
  double confidence() const;
};

/// The plan for a study: the first batch (raised to kMinFirstBatch) and the cap (default
/// kDefaultCapFactor first batches); throws UsageError for a metric, year, target or half-width
/// the study cannot have, a paired difference in a study without alternatives, or a cap below the
/// first batch, naming the precision.
AdaptivePlan plan_adaptive(const Study& study, std::vector<Precision> precisions, std::uint32_t first_batch,
                           std::optional<std::uint32_t> max_replications);

/// What one look found: per precision, the widest half-width over its intervals.
struct Look {
  std::uint32_t replications = 0;
  std::vector<double> widest;  // by precision, at the plan's confidence
};

/// Why and where an adaptive run stopped.
struct AdaptiveOutcome {
  std::uint32_t replications = 0;  // used
  std::string stopped_by;          // "precision" (every one met) or "max_replications"
  std::vector<Look> looks;         // made, in order
  /// Whether precision i was met at the last look.
  bool met(std::size_t i, const AdaptivePlan& plan) const;
};

/// A study run as batches of work items (any executor runs a batch: threads, MPI ranks), with the
/// look after each batch. Items come from one StudyRun over the cap, so each is what a fixed run
/// computes for it; the results are cut to the replications used. The study must outlive the run.
class AdaptiveRun {
 public:
  AdaptiveRun(const Study& study, AdaptivePlan plan, std::uint64_t seed, const RecordRequest& record = {},
              std::size_t lookahead = 1);
  /// The items of the next batch (replications from the last look to the next), in item order;
  /// empty once the run has stopped.
  const std::vector<std::size_t>& batch() const noexcept { return batch_; }
  /// Work items of every batch up to and including this one.
  std::size_t items_through_batch() const noexcept;
  /// The runner's options for this batch: its progress counted over every batch so far.
  RunnerOptions batch_options(const RunnerOptions& runner) const;
  /// Simulates work item i; safe to call from several threads at once.
  ReplicationOutcome compute(std::size_t item) { return run_.compute(item); }
  /// Stores the outcome of item i (distinct items from several threads at once).
  void keep(std::size_t item, ReplicationOutcome&& outcome);
  /// Passes the stop flag to every replication in flight.
  void set_interrupt(const std::atomic<bool>* flag) noexcept { run_.set_interrupt(flag); }
  /// After a batch is kept, on the process that kept it: judges the intervals and says whether to
  /// stop (every precision met, or the cap reached).
  bool judge();
  /// Moves to the next batch, or stops; every process of a job calls it with the same decision.
  void advance(bool stop);
  /// Whether the run has stopped.
  bool stopped() const noexcept { return batch_.empty(); }
  /// Why and where it stopped (filled by judge).
  const AdaptiveOutcome& outcome() const noexcept { return outcome_; }
  /// The plan it follows.
  const AdaptivePlan& plan() const noexcept { return plan_; }
  /// The results of the replications used, as a fixed run of that many gives them.
  StudyResults finish() &&;

 private:
  void make_batch(std::uint32_t from, std::uint32_t to);

  AdaptivePlan plan_;
  std::size_t cluster_;                 // replications per posterior draw: the intervals' independent units
  std::vector<const Target*> targets_;  // by precision: the target it names, or null
  std::vector<std::uint32_t> looks_;
  std::size_t look_ = 0;  // index of the look the current batch leads to
  StudyRun run_;
  std::vector<std::vector<std::size_t>> items_of_;  // by replication: its items
  std::vector<std::size_t> batch_;
  std::vector<std::vector<std::vector<double>>> values_;  // by precision, scenario, replication
  AdaptiveOutcome outcome_;
};

/// Runs a study adaptively on this process's threads; on_look (if set) hears each look. Progress
/// counts work items over every batch so far.
StudyResults run_study_adaptive(const Study& study, const AdaptivePlan& plan, std::uint64_t seed,
                                const RunnerOptions& runner, const RecordRequest& record, AdaptiveOutcome& outcome,
                                const std::function<void(const Look&)>& on_look = {});

/// Adds the `adaptive` group (docs/output-format.md) to a results tree.
void add_adaptive_group(ResultGroup& root, const AdaptivePlan& plan, const AdaptiveOutcome& outcome);

}  // namespace leapsim::innovation
