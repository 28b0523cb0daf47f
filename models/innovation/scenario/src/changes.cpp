#include "leapsim/innovation/scenario/changes.hpp"

#include "leapsim/innovation/parameter_paths.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/writer.hpp"

namespace leapsim::innovation {

Scenario with_changes(const Scenario& scenario, const std::vector<std::pair<std::string, double>>& changes) {
  Parameters changed_parameters = scenario.parameters;
  for (const auto& [path, value] : changes)
    set_parameter(changed_parameters, find_parameter(changed_parameters, path), value);
  // Read back as a file is, so a value out of range gets the same diagnostics a file would.
  Scenario changed = load_scenario_text(to_yaml(changed_parameters), scenario.source);
  changed.name = scenario.name;
  changed.description = scenario.description;
  return changed;
}

}  // namespace leapsim::innovation
