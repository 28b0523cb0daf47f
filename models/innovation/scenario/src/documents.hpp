#pragma once
// YAML documents and the `extends` chain: which files make up a scenario, root first.
#include <yaml-cpp/yaml.h>

#include <cstdint>
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

/// Scenario and study files are read only up to this size (docs/scenario-format.md, "Limits").
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{16} << 20;
/// About how deep lists and mappings may nest before yaml-cpp's parser refuses (its depth guard
/// counts 2000 parser steps: 498 levels of flow lists or of block mappings pass, 499 do not).
constexpr int kMaxNesting = 500;

/// The text of a regular file of at most kMaxFileBytes, read without blocking; anything else (a
/// directory, a FIFO, a device, a larger file) is reported at `named_at`.
std::optional<std::string> read_text(const std::filesystem::path& file, const Location& named_at,
                                     Diagnostics& diagnostics);

/// Parses YAML; a syntax error becomes a diagnostic. An empty document reads as an empty mapping.
std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics);

/// The YAML of a scenario file that `ctx.file` names at `at` (`what` says how: "extends target",
/// "base scenario"): it must exist, be inside ctx.file's folder tree unless NamedFilesPolicy says
/// otherwise, and hold scenario keys (or be a study, when `study_allowed`); a file that does not is
/// never quoted.
std::optional<YAML::Node> read_named_scenario(const Context& ctx, const Location& at, const std::string& what,
                                              const std::string& written, const std::filesystem::path& file,
                                              bool study_allowed = false);

/// A document holding a study rather than a scenario: a mapping with `study` and `base`.
bool is_study_document(const YAML::Node& root);

/// The posterior file `ctx.file` names at `at` as `written`, resolved against its folder: it must
/// exist and be inside that folder tree unless NamedFilesPolicy says otherwise (its content is
/// read by the layer that links the file format). Problems are reported; nullopt then.
std::optional<std::string> named_posterior(const Context& ctx, const Location& at, const std::string& written);

/// The mapping under `key` of a document that must hold that one top-level key (a calibration or
/// sensitivity file); nullopt, with the problem reported, when it has other keys, lacks it, or
/// it is no mapping.
std::optional<YAML::Node> sole_top_level_mapping(const Context& ctx, const YAML::Node& document, std::string_view key);

/// A path written in `file`, taken relative to that file's folder.
std::filesystem::path relative_to(const std::string& file, const std::string& written);

/// The layers of a scenario document and of every file it extends, chain root first; a missing
/// target or a cycle is reported at its `extends`.
std::vector<Layer> scenario_layers(const Layer& leaf, Diagnostics& diagnostics);

}  // namespace leapsim::innovation::scenario_detail
