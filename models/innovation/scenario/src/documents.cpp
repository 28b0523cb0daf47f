#include "documents.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace leapsim::innovation::scenario_detail {
namespace {

namespace fs = std::filesystem;

/// The files being resolved, outermost first, to detect and show cycles.
struct Chain {
  std::vector<fs::path> canonical;
  std::vector<std::string> shown;
};

fs::path canonical_path(const std::string& file) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(file), ec);
  return ec ? fs::absolute(fs::path(file)).lexically_normal() : p;
}

std::string cycle_text(const Chain& chain, std::size_t from, const std::string& again) {
  std::string text;
  for (std::size_t i = from; i < chain.shown.size(); ++i) text += chain.shown[i] + " -> ";
  return text + again;
}

/// The file a layer extends, if it says so and the file can be parsed; problems are reported.
std::optional<Layer> parent_layer(const Layer& layer, Chain& chain, Diagnostics& diagnostics) {
  if (!layer.root.IsMap() || !layer.root["extends"]) return std::nullopt;
  const Context ctx{layer.file, diagnostics, nullptr, {}};
  const YAML::Node value = layer.root["extends"];
  const Location at = ctx.at(value.IsNull() ? layer.root : value);
  std::string written;
  if (!read_value(ctx, value, at, schema::child_path(layer.path, "extends"), written, Range::any)) return std::nullopt;
  const fs::path target = relative_to(layer.file, written);
  const std::string shown = target.string();
  const fs::path canonical = canonical_path(shown);
  for (std::size_t i = 0; i < chain.canonical.size(); ++i) {
    if (chain.canonical[i] == canonical) {
      ctx.error(at, "extends cycle: " + cycle_text(chain, i, shown));
      return std::nullopt;
    }
  }
  std::error_code ec;
  if (!fs::is_regular_file(target, ec)) {
    ctx.error(at, "extends target \"" + written + "\" not found (tried " + shown + ")");
    return std::nullopt;
  }
  const std::optional<std::string> text = read_text(target, at, diagnostics);
  if (!text) return std::nullopt;
  std::optional<YAML::Node> root = parse_yaml(*text, shown, diagnostics);
  if (!root) return std::nullopt;
  return Layer{shown, *root, ""};
}

void collect(const Layer& layer, Chain& chain, std::vector<Layer>& out, Diagnostics& diagnostics) {
  const Context ctx{layer.file, diagnostics, nullptr, {}};
  if (!expect_mapping(ctx, layer.root, ctx.at(layer.root), layer.path.empty() ? "the document" : layer.path)) return;
  chain.canonical.push_back(canonical_path(layer.file));
  chain.shown.push_back(layer.file);
  if (const std::optional<Layer> parent = parent_layer(layer, chain, diagnostics))
    collect(*parent, chain, out, diagnostics);
  chain.canonical.pop_back();
  chain.shown.pop_back();
  out.push_back(layer);
}

}  // namespace

std::optional<std::string> read_text(const fs::path& file, const Location& named_at, Diagnostics& diagnostics) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || fs::is_directory(file, ec)) {
    diagnostics.error(named_at, "cannot read " + file.string());
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined() || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
    return root;
  } catch (const YAML::Exception& e) {
    const Location at = e.mark.is_null() ? Location{file, 1, 1} : Location{file, e.mark.line + 1, e.mark.column + 1};
    diagnostics.error(at, "YAML syntax: " + e.msg);
    return std::nullopt;
  }
}

fs::path relative_to(const std::string& file, const std::string& written) {
  return (fs::path(file).parent_path() / fs::path(written)).lexically_normal();
}

std::vector<Layer> scenario_layers(const Layer& leaf, Diagnostics& diagnostics) {
  Chain chain;
  std::vector<Layer> layers;
  collect(leaf, chain, layers, diagnostics);
  return layers;
}

}  // namespace leapsim::innovation::scenario_detail
