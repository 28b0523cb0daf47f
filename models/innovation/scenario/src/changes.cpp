#include "leapsim/innovation/scenario/changes.hpp"

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/parameter_paths.hpp"
#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/writer.hpp"
#include "reader.hpp"
#include "schedules.hpp"

namespace leapsim::innovation {

namespace {

using scenario_detail::Context;
using scenario_detail::Diagnostics;

/// The YAML a schedule change sets at its lever, given the schedule the scenario has there.
YAML::Node schedule_node(const ScheduleChange& change, const Schedule& current) {
  if (change.steps.empty()) throw UsageError(change.lever + ": a schedule needs at least one step");
  if (change.one_step) {
    const StepChange& step = change.steps.front();
    Diagnostics problems;
    const Context quiet{"", problems, nullptr, {}};
    Time at = 0.0;
    if (step.from.empty() || !scenario_detail::read_value(quiet, YAML::Node(step.from), scenario_detail::Location{},
                                                          change.lever, at, schema::Range::date))
      throw UsageError(change.lever + ": a dated step needs from: a date (YYYY-MM-DD or a year), got '" + step.from +
                       "'");
    return scenario_detail::schedule_with_step(current, at, YAML::Node(step.from),
                                               YAML::Node(schema::format_number(step.value)));
  }
  YAML::Node steps(YAML::NodeType::Sequence);
  for (const StepChange& s : change.steps) {
    YAML::Node step(YAML::NodeType::Map);
    if (!s.from.empty()) step["from"] = s.from;
    step["value"] = schema::format_number(s.value);
    steps.push_back(step);
  }
  return steps;
}

}  // namespace

Scenario with_changes(const Scenario& scenario, const std::vector<std::pair<std::string, double>>& changes,
                      const std::vector<ScheduleChange>& schedules) {
  Parameters changed_parameters = scenario.parameters;
  for (const auto& [path, value] : changes)
    set_parameter(changed_parameters, find_parameter(changed_parameters, path), value);
  std::string text = to_yaml(changed_parameters);
  if (!schedules.empty()) {
    YAML::Node root = YAML::Load(text);
    for (const ScheduleChange& change : schedules) {
      const std::optional<Schedule> current = scenario_detail::schedule_at(changed_parameters, change.lever);
      YAML::Node at = scenario_detail::node_at(root, change.lever);
      if (!current || !at.IsDefined())
        throw UsageError(change.lever +
                         " names no schedule: expected the dotted path of a lever such as "
                         "policy.hte_reward_new");
      at = schedule_node(change, *current);  // assigns through into the document
    }
    YAML::Emitter out;
    out << root;
    text = out.c_str();
  }
  // Read back as a file is, so a value out of range gets the same diagnostics a file would.
  Scenario changed = load_scenario_text(text, scenario.source);
  changed.name = scenario.name;
  changed.description = scenario.description;
  return changed;
}

}  // namespace leapsim::innovation
