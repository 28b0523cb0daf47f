#pragma once
// YAML documents and the `extends` chain: which files make up a scenario, root first.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reader.hpp"

namespace leapsim::innovation::scenario_detail {

/// One document of a scenario: a file's top-level mapping (or an inline mapping in a study).
struct Layer {
  std::string file;
  YAML::Node root;
  std::string path;  // where the mapping sits in its file ("" for a whole file, "base" inline)
};

/// The text of a file; a file that cannot be read is reported at `named_at`.
std::optional<std::string> read_text(const std::filesystem::path& file, const Location& named_at,
                                     Diagnostics& diagnostics);

/// Parses YAML; a syntax error becomes a diagnostic. An empty document reads as an empty mapping.
std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics);

/// A path written in `file`, taken relative to that file's folder.
std::filesystem::path relative_to(const std::string& file, const std::string& written);

/// The layers of a scenario document and of every file it extends, chain root first; a missing
/// target or a cycle is reported at its `extends`.
std::vector<Layer> scenario_layers(const Layer& leaf, Diagnostics& diagnostics);

}  // namespace leapsim::innovation::scenario_detail
