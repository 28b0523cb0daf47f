#include "leapsim/innovation/scenario/loader.hpp"

#include <exception>
#include <optional>

#include "documents.hpp"
#include "resolve.hpp"
#include "study.hpp"

namespace leapsim::innovation {
namespace {

using scenario_detail::Diagnostics;
using scenario_detail::Layer;
using scenario_detail::Location;

void throw_if_any(const Diagnostics& diagnostics) {
  if (!diagnostics.empty()) throw ScenarioError(diagnostics.list());
}

std::string file_text(const std::filesystem::path& file) {
  Diagnostics diagnostics;
  std::optional<std::string> text = scenario_detail::read_text(file, Location{file.string(), 1, 1}, diagnostics);
  throw_if_any(diagnostics);
  return std::move(*text);
}

bool has_study_key(const YAML::Node& root) { return root.IsMap() && root["study"]; }

Scenario read_scenario(const std::string& file, const YAML::Node& root, Diagnostics& diagnostics) {
  if (has_study_key(root)) {  // otherwise every study key would be reported as unknown
    diagnostics.error(Location{file, 1, 1},
                      "this is a study file (it has a top-level \"study\" key); load it as a study");
    return {};
  }
  const scenario_detail::Resolved resolved = scenario_detail::resolve(Layer{file, root, ""}, diagnostics);
  const auto& doc = resolved.document;
  return scenario_detail::make_scenario(resolved, doc.name, doc.description, file);
}

/// Parses and reads text as a scenario or a study, whichever it is.
template <class Result, class Read>
Result load_text(std::string_view yaml, const std::string& display_name, Read read) {
  Diagnostics diagnostics;
  const std::optional<YAML::Node> root = scenario_detail::parse_yaml(yaml, display_name, diagnostics);
  throw_if_any(diagnostics);
  Result result = read(display_name, *root, diagnostics);
  throw_if_any(diagnostics);
  return result;
}

}  // namespace

Scenario load_scenario_text(std::string_view yaml, const std::string& display_name) {
  return load_text<Scenario>(yaml, display_name, read_scenario);
}

Scenario load_scenario(const std::filesystem::path& file) { return load_scenario_text(file_text(file), file.string()); }

Study load_study_text(std::string_view yaml, const std::string& display_name) {
  return load_text<Study>(yaml, display_name, [](const std::string& file, const YAML::Node& root, Diagnostics& d) {
    if (has_study_key(root)) return scenario_detail::read_study(file, root, d);
    d.error(Location{file, 1, 1}, "not a study file: a study needs a top-level \"study\" key");
    return Study{};
  });
}

Study load_study(const std::filesystem::path& file) { return load_study_text(file_text(file), file.string()); }

bool is_study_text(std::string_view yaml) {
  Diagnostics ignored;  // unparsable text is no study; the loaders report why
  const std::optional<YAML::Node> root = scenario_detail::parse_yaml(yaml, "", ignored);
  return root && has_study_key(*root);
}

bool is_study_file(const std::filesystem::path& file) { return is_study_text(file_text(file)); }

std::vector<Diagnostic> check_text(std::string_view yaml, const std::string& display_name) {
  Diagnostics diagnostics;
  try {
    const std::optional<YAML::Node> root = scenario_detail::parse_yaml(yaml, display_name, diagnostics);
    if (root && has_study_key(*root))
      scenario_detail::read_study(display_name, *root, diagnostics);
    else if (root)
      read_scenario(display_name, *root, diagnostics);
  } catch (const std::exception& e) {  // a bug, not bad content: still a report, never a crash
    diagnostics.error(Location{display_name, 1, 1}, std::string("internal error: ") + e.what());
  }
  return diagnostics.list();
}

std::vector<Diagnostic> check_file(const std::filesystem::path& file) {
  try {
    return check_text(file_text(file), file.string());
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
}

}  // namespace leapsim::innovation
