#include "leapsim/innovation/scenario/changes.hpp"

#include <yaml-cpp/yaml.h>

#include <sstream>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/scenario/loader.hpp"

namespace leapsim::innovation {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> keys;
  std::stringstream in(path);
  for (std::string key; std::getline(in, key, '.');) keys.push_back(key);
  return keys;
}

/// Sets a dotted path in a resolved document; every step but the last must be a mapping, and
/// the last a number or a schedule (a list of steps), which becomes the number.
void set_path(YAML::Node root, const std::string& path, double value) {
  const std::vector<std::string> keys = split_path(path);
  if (keys.empty()) throw UsageError("an empty parameter path");
  YAML::Node node = root;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    if (!node[keys[i]].IsMap()) throw UsageError("parameter '" + path + "': no group '" + keys[i] + "'");
    node.reset(node[keys[i]]);
  }
  const YAML::Node leaf = node[keys.back()];
  if (!leaf.IsScalar() && !leaf.IsSequence())
    throw UsageError("parameter '" + path + "': no number parameter '" + keys.back() + "'");
  node[keys.back()] = value;
}

}  // namespace

Scenario with_changes(const Scenario& scenario, const std::vector<std::pair<std::string, double>>& changes) {
  YAML::Node document = YAML::Load(scenario.resolved_yaml);
  for (const auto& [path, value] : changes) set_path(document, path, value);
  YAML::Emitter emitter;
  emitter.SetDoublePrecision(17);
  emitter << document;
  Scenario changed = load_scenario_text(emitter.c_str(), scenario.source);
  changed.name = scenario.name;
  changed.description = scenario.description;
  return changed;
}

}  // namespace leapsim::innovation
