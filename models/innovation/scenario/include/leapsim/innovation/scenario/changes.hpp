#pragma once
// Changing a resolved scenario by parameter path ("hte.apply_probability", "policy.budget"): for
// calibration and for Python's scenario.with_changes. The result is validated like a file.
#include <string>
#include <utility>
#include <vector>

#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// The scenario with each dotted parameter path set to its number (a schedule becomes that
/// constant). Throws UsageError for a path that names no number parameter, ScenarioError for a
/// value out of range.
Scenario with_changes(const Scenario& scenario, const std::vector<std::pair<std::string, double>>& changes);

}  // namespace leapsim::innovation
