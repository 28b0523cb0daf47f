#pragma once
// Study files: a base scenario, alternatives as overrides on it, and targets.
#include <yaml-cpp/yaml.h>

#include <string>

#include "leapsim/innovation/study.hpp"
#include "reader.hpp"

namespace leapsim::innovation::scenario_detail {

/// Reads a parsed study file; problems go to diagnostics and the result is then incomplete.
Study read_study(const std::string& file, const YAML::Node& root, Diagnostics& diagnostics);

}  // namespace leapsim::innovation::scenario_detail
