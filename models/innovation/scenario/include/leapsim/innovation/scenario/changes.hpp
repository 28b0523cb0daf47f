#pragma once
// Changing a resolved scenario by parameter path ("hte.apply_probability", "initial[2].count"): for
// calibration and for Python's scenario.with_changes. The result is validated like a file.
#include <string>
#include <utility>
#include <vector>

#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// One step of a schedule as a file writes it: `from` a date (YYYY-MM-DD or a year; empty for the
/// first step, in force from the start) and its value.
struct StepChange {
  std::string from;
  double value = 0.0;
};

/// A change to a schedule ("policy.hte_reward_new"): the whole schedule replaced by `steps`, or,
/// when `one_step`, the single step in `steps` put into the schedule the scenario has (the steps
/// before its date kept, a step at its date replaced, later steps kept).
struct ScheduleChange {
  std::string lever;
  std::vector<StepChange> steps;
  bool one_step = false;
};

/// The scenario with each parameter path (parameter_paths.hpp: "hte.apply_probability",
/// "initial[2].count", a schedule step "policy.budget[1]") set to its number, then each schedule
/// change made. Throws UsageError for a path that names no number or no schedule (saying what it
/// lacks) or a step date that is no date, ScenarioError for a value out of range.
Scenario with_changes(const Scenario& scenario, const std::vector<std::pair<std::string, double>>& changes,
                      const std::vector<ScheduleChange>& schedules = {});

}  // namespace leapsim::innovation
