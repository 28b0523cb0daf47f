#pragma once
// Changing a resolved scenario by parameter path ("hte.apply_probability", "initial[2].count"): for
// calibration and for Python's scenario.with_changes. The result is validated like a file.
#include <string>
#include <utility>
#include <vector>

#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// The scenario with each parameter path (parameter_paths.hpp: "hte.apply_probability",
/// "initial[2].count", a schedule step "policy.budget[1]") set to its number. Throws UsageError
/// for a path that names no number (saying what it lacks), ScenarioError for a value out of range.
Scenario with_changes(const Scenario& scenario, const std::vector<std::pair<std::string, double>>& changes);

}  // namespace leapsim::innovation
