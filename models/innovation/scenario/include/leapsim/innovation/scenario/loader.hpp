#pragma once
// Reading scenario and study files (docs/scenario-format.md). Loading either yields fully resolved,
// validated typed parameters or throws ScenarioError listing every problem: nothing runs on an
// invalid file. The text variants take a display name for messages and resolve relative paths
// (extends, base) against its folder, so bindings can pass in-memory YAML.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "leapsim/innovation/scenario/diagnostics.hpp"
#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// Where the files a scenario or study names (`extends`, `base`) may be.
enum class NamedFiles { anywhere, inside_folder };

/// Sets, for the loads this thread makes while it lives, where named files may be: with
/// inside_folder, only in the folder of the file naming them or below it, so a file received
/// from someone else cannot make the reader open files elsewhere. Loads default to anywhere.
class NamedFilesPolicy {
 public:
  explicit NamedFilesPolicy(NamedFiles files);
  ~NamedFilesPolicy();
  NamedFilesPolicy(const NamedFilesPolicy&) = delete;
  NamedFilesPolicy& operator=(const NamedFilesPolicy&) = delete;

 private:
  NamedFiles previous_;
};

/// Loads a scenario file, following its `extends` chain; throws ScenarioError when invalid.
Scenario load_scenario(const std::filesystem::path& file);
/// Loads scenario YAML given as text; `display_name` stands for the file in messages and paths.
Scenario load_scenario_text(std::string_view yaml, const std::string& display_name);

/// Loads a study file (base, alternatives, targets); throws ScenarioError when invalid.
Study load_study(const std::filesystem::path& file);
/// Loads study YAML given as text; `display_name` stands for the file in messages and paths.
Study load_study_text(std::string_view yaml, const std::string& display_name);

/// True when the file is a study (a top-level `study` key); false for scenarios and unparsable
/// YAML, whose errors the loaders report. Throws ScenarioError when the file cannot be read.
bool is_study_file(const std::filesystem::path& file);
/// True when the YAML text is a study.
bool is_study_text(std::string_view yaml);

/// Every problem in a scenario or study file; empty when it is valid. Never throws for bad content,
/// so editors and `leapsim check` can list problems.
std::vector<Diagnostic> check_file(const std::filesystem::path& file);
/// Every problem in scenario or study YAML given as text.
std::vector<Diagnostic> check_text(std::string_view yaml, const std::string& display_name);

}  // namespace leapsim::innovation
