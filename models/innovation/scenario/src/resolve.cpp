#include "resolve.hpp"

#include <filesystem>

#include "leapsim/innovation/scenario/writer.hpp"

namespace leapsim::innovation::scenario_detail {
namespace {}  // namespace

Resolved resolve(const Layer& leaf, Diagnostics& diagnostics) {
  Resolved resolved = apply_layers(scenario_layers(leaf, diagnostics), diagnostics);
  if (leaf.path.empty()) resolved.origin = Location{leaf.file, 1, 1};  // the file as a whole
  if (resolved.document.name.empty()) resolved.document.name = std::filesystem::path(leaf.file).stem().string();
  check_resolved(resolved, diagnostics);
  return resolved;
}

Resolved apply_layers(const std::vector<Layer>& layers, Diagnostics& diagnostics) {
  Resolved resolved;
  for (const Layer& layer : layers) {
    const Context ctx{layer.file, diagnostics, &resolved.provenance, layer.path};
    resolved.origin = ctx.at(layer.root);
    read_struct(ctx, layer.root, resolved.origin, layer.path, resolved.document);
    if (layer.root.IsMap() && layer.root["posterior"] && layer.root["posterior"].IsScalar()) {
      const YAML::Node named = layer.root["posterior"];
      const std::string written = named.Scalar();
      resolved.posterior.clear();  // "" removes what a file extended named
      if (!written.empty()) resolved.posterior = named_posterior(ctx, ctx.at(named), written).value_or(std::string());
    }
  }
  return resolved;
}

void apply_overrides(Resolved& resolved, const std::string& file, const YAML::Node& overrides, const std::string& path,
                     Diagnostics& diagnostics) {
  const Context ctx{file, diagnostics, &resolved.provenance, path};
  read_struct(ctx, overrides, ctx.at(overrides), path, resolved.document.parameters);
}

void check_resolved(const Resolved& resolved, Diagnostics& diagnostics) {
  for (const schema::Issue& issue : schema::find_issues(resolved.document.parameters)) {
    if (resolved.provenance.is_unreadable(issue.path)) continue;  // its reading error says it already
    const Location* at = resolved.provenance.nearest(issue.path);
    diagnostics.error(at != nullptr ? *at : resolved.origin, issue.message);
  }
}

Scenario make_scenario(const Resolved& resolved, std::string name, std::string description, std::string source) {
  return Scenario{std::move(name),
                  std::move(description),
                  std::move(source),
                  to_yaml(resolved.document.parameters),
                  resolved.document.parameters,
                  resolved.posterior};
}

}  // namespace leapsim::innovation::scenario_detail
