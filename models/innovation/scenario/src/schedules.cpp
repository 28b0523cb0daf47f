#include "schedules.hpp"

#include <limits>

#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/scenario/writer.hpp"
#include "reader.hpp"

namespace leapsim::innovation::scenario_detail {

YAML::Node node_at(const YAML::Node& root, const std::string& dotted) {
  YAML::Node node = root;
  std::size_t from = 0;
  for (std::size_t dot = 0; dot != std::string::npos; from = dot + 1) {
    dot = dotted.find('.', from);
    const std::string key = dotted.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    if (!node.IsMap() || !node[key]) return YAML::Node(YAML::NodeType::Undefined);
    node.reset(node[key]);  // rebind, not assign through
  }
  return node;
}

std::optional<Schedule> schedule_at(const Parameters& p, const std::string& dotted) {
  const YAML::Node node = node_at(YAML::Load(to_yaml(p)), dotted);
  if (!node.IsDefined() || (!node.IsScalar() && !node.IsSequence())) return std::nullopt;
  Diagnostics scratch;
  const Context quiet{"", scratch, nullptr, {}};
  Schedule schedule;
  if (!read_value(quiet, node, Location{}, dotted, schedule, Range::any)) return std::nullopt;
  return schedule;
}

YAML::Node schedule_with_step(const Schedule& base, Time at, const YAML::Node& from, const YAML::Node& value) {
  YAML::Node steps(YAML::NodeType::Sequence);
  bool placed = false;
  const auto put_new = [&] {
    YAML::Node step(YAML::NodeType::Map);
    step["from"] = from;
    step["value"] = value;
    steps.push_back(step);
    placed = true;
  };
  for (const Schedule::Step& s : base.steps) {
    if (s.from >= at && !placed) put_new();
    if (s.from == at) continue;  // replaced
    YAML::Node step(YAML::NodeType::Map);
    if (s.from != -std::numeric_limits<Time>::infinity()) step["from"] = schema::format_time(s.from);
    step["value"] = schema::format_number(s.value);
    steps.push_back(step);
  }
  if (!placed) put_new();
  return steps;
}

}  // namespace leapsim::innovation::scenario_detail
