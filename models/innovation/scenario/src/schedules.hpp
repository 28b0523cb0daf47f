#pragma once
// Schedules as YAML, for what changes one after a scenario is resolved: a sweep axis that sets a
// dated step, and with_changes. A schedule is a number or a list of {from, value} steps.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation::scenario_detail {

/// The node a dotted key path ("policy.hte_reward_new") names in a scenario document, or an
/// undefined node when a key is missing.
YAML::Node node_at(const YAML::Node& root, const std::string& dotted);

/// The schedule a dotted key path names in p (p written out whole and the path read back);
/// nullopt when it names no number or list of steps.
std::optional<Schedule> schedule_at(const Parameters& p, const std::string& dotted);

/// The steps of `base` with one step put in at time `at` (replacing a step there), the base's
/// steps before and after it kept, as YAML; the new step's `from` and `value` are the nodes given,
/// so that a problem with them is reported where they were written.
YAML::Node schedule_with_step(const Schedule& base, Time at, const YAML::Node& from, const YAML::Node& value);

}  // namespace leapsim::innovation::scenario_detail
