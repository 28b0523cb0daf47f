#pragma once
// The layout of a study's results (docs/output-format.md) as a ResultGroup tree: per-replication
// metrics, yearly summaries, paired comparisons with the base and target probabilities. The CLI
// writes it to HDF5 and prints its report from it, so a saved file reprints the same report.
#include <cstdint>
#include <string>
#include <vector>

#include "leapsim/engine/result_tree.hpp"
#include "leapsim/innovation/study.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::innovation {

/// Replications per cluster of a study's run: its runs_per_draw when it draws from a posterior
/// (the replications of one draw share its parameters), else 1. Intervals over replications count
/// clusters as the independent units (stats.hpp).
std::size_t replication_cluster(const Study& study) noexcept;

/// The same read off a results tree: its parameter_draws group's runs_per_draw, 1 without one.
std::size_t replication_cluster(const ResultGroup& root) noexcept;

/// How a run was made, recorded at the root of the file.
struct RunRecord {
  std::string leapsim_version;
  std::string created;  // ISO 8601, UTC
  std::string command_line;
  std::string study_file;
  std::string study_yaml;          // the study file's text as read
  std::int64_t ranks = 1;          // MPI ranks that ran the study (1: one process)
  std::vector<std::string> hosts;  // machines that ran it
};

/// A record of a run made now on this machine: the creation time in UTC and the study file's text
/// as it is read.
RunRecord record_of_run(std::string leapsim_version, std::string command_line, const std::string& study_file);

/// The attributes that open every file LeapSim writes: its format and version, then how it was
/// made (LeapSim's version, the creation time, the command line, the study file and its text).
std::vector<Attribute> provenance_attributes(const RunRecord& record, std::string format);

/// Statistic columns of a summary dataset [year x statistic].
inline constexpr const char* kSummaryColumns[] = {"mean", "sd", "p05", "p50", "p95"};
/// Columns of a comparison dataset [year x column].
inline constexpr const char* kComparisonColumns[] = {
    "mean_difference",     "ci95_low",          "ci95_high", "variance_base", "variance_alternative",
    "variance_difference", "variance_reduction"};

/// The headline metrics whose variance a run with posterior draws splits into parameters and noise.
inline constexpr Metric kDecomposedMetrics[] = {Metric::tech_smes, Metric::htes, Metric::subsidies_paid};
/// Columns of a variance decomposition dataset [year x column]: the ensemble variance, its
/// between-draw (parameter) and within-draw (replication noise) components, and the parameters' share.
inline constexpr const char* kDecompositionColumns[] = {"total_variance", "between_draws", "within_draws",
                                                        "parameter_share"};

/// Builds the results tree of a finished study run.
ResultGroup results_tree(const Study& study, const StudyResults& results, const RunRecord& record);

/// Checks that a tree read from a file has this layout; throws IoError naming what is missing.
void check_results_tree(const ResultGroup& root);

/// Recomputes the comparisons of a results tree against another of its scenarios, from the
/// per-replication metrics it holds. Throws UsageError for an unknown scenario name.
void compare_against(ResultGroup& root, const std::string& base);

}  // namespace leapsim::innovation
