#pragma once
// From layers to typed parameters: C++ defaults first, then each layer's keys in order, then the
// checks that need the whole picture (horizon, ranges, consistency) located where values were set.
#include <string>
#include <vector>

#include "documents.hpp"
#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/study.hpp"
#include "reader.hpp"

namespace leapsim::innovation::scenario_detail {

/// The top-level keys of a scenario file: the parameters plus what names the document.
struct ScenarioDocument {
  std::string extends;    // followed by scenario_layers(); read here only to accept the key
  std::string posterior;  // resolved by apply_layers against the file naming it; read here to accept it
  std::string name;
  std::string description;
  Parameters parameters;
};

template <class V, schema::Is<ScenarioDocument> T>
void describe(V& v, T& d) {
  using schema::Field;
  v("extends", d.extends,
    Field{.help = "file this one is layered on, relative to its folder",
          .help_zh = "本文件所继承的文件（相对路径）",
          .fallback = "none"});
  v("posterior", d.posterior,
    Field{.help = "posterior file (leapsim calibrate -o) whose draws replications take, relative to its folder; "
                  "\"\" for none",
          .help_zh = "后验分布文件（leapsim calibrate -o 输出，相对路径）；各次重复从中抽取参数",
          .fallback = "none: the parameters as written"});
  v("name", d.name, Field{.help = "shown in reports", .help_zh = "情景名称", .fallback = "the file's stem"});
  v("description", d.description, Field{.help = "one or two lines on the scenario", .help_zh = "情景说明"});
  schema::describe(v, d.parameters);
}

/// A scenario after its layers, with where each value came from.
struct Resolved {
  ScenarioDocument document;
  Provenance provenance;
  Location origin;        // reported for problems no file line explains
  std::string posterior;  // the posterior file the last layer naming one names, resolved; empty if none
};

/// Resolves a scenario document: its extends chain, its layers, then check_resolved().
Resolved resolve(const Layer& leaf, Diagnostics& diagnostics);

/// Applies the layers, root first, onto the defaults of parameters.hpp.
Resolved apply_layers(const std::vector<Layer>& layers, Diagnostics& diagnostics);

/// Applies a mapping of parameter keys (an alternative's overrides) sitting at `path` in `file`.
void apply_overrides(Resolved& resolved, const std::string& file, const YAML::Node& overrides, const std::string& path,
                     Diagnostics& diagnostics);

/// Reports every problem validate() would raise, at the place in the files that set the value.
void check_resolved(const Resolved& resolved, Diagnostics& diagnostics);

/// The typed scenario, with its resolved YAML.
Scenario make_scenario(const Resolved& resolved, std::string name, std::string description, std::string source);

}  // namespace leapsim::innovation::scenario_detail
