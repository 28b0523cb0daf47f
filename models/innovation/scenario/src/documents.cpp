#include "documents.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>

#include <array>
#include <cerrno>
#include <system_error>

#include "leapsim/innovation/scenario/loader.hpp"
#include "resolve.hpp"

namespace leapsim::innovation::scenario_detail {
namespace {

namespace fs = std::filesystem;

/// Where the files a document names may be, for loads on this thread (set by NamedFilesPolicy).
thread_local NamedFiles g_named_files = NamedFiles::anywhere;

/// Collects the keys a struct's describe() names.
struct KeyCollector {
  std::vector<std::string_view> keys;
  template <class M>
  void operator()(std::string_view key, M&, Range = Range::any) {
    keys.push_back(key);
  }
};

/// A mapping with at least one key a scenario file may hold (or a near miss of one): anything
/// else is no scenario, and is reported without quoting its content (it may be any file the user
/// can read).
bool looks_like_scenario(const YAML::Node& root) {
  static const std::vector<std::string_view> kKeys = [] {
    KeyCollector collector;
    ScenarioDocument document;
    describe(collector, document);
    return collector.keys;
  }();
  if (!root.IsMap()) return false;
  for (auto it = root.begin(); it != root.end(); ++it)  // a known key, or a likely typo of one
    if (it->first.IsScalar() && closest(it->first.Scalar(), kKeys)) return true;
  return false;
}

/// True when `target` lies inside the folder tree of `naming_file`, symbolic links resolved.
bool inside_folder_of(const std::string& naming_file, const fs::path& target) {
  std::error_code folder_error, target_error;
  const fs::path folder = fs::weakly_canonical(fs::absolute(naming_file).parent_path(), folder_error);
  const fs::path resolved = fs::weakly_canonical(fs::absolute(target), target_error);
  if (folder_error || target_error) return false;  // unknown is outside
  return std::mismatch(folder.begin(), folder.end(), resolved.begin(), resolved.end()).first == folder.end();
}

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
  std::optional<YAML::Node> root = read_named_scenario(ctx, at, "extends target", written, target);
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
  const auto fail = [&](const std::string& why) {
    diagnostics.error(named_at, "cannot read " + file.string() + ": " + why);
    return std::nullopt;
  };
  // Non-blocking, so a FIFO or a device is refused at once instead of waited on.
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(errno == ENOENT ? std::string("no such file") : std::generic_category().message(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return fail(std::generic_category().message(errno));
  if (S_ISDIR(info.st_mode)) return fail("is a directory");
  if (!S_ISREG(info.st_mode)) return fail("is not a regular file");
  const std::string too_large =
      "is larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB, the limit on scenario and study files";
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxFileBytes) return fail(too_large);
  std::string text;
  char buffer[65536];
  for (;;) {  // to the end, not to st_size: files under /proc report size 0
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::generic_category().message(errno));
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) return fail(too_large);
  }
}

namespace {

/// Whether a file named in ctx.file may be opened and exists; reported at `at` when not.
bool named_file_found(const Context& ctx, const Location& at, const std::string& what, const std::string& written,
                      const fs::path& file) {
  // Outside first: whether a file elsewhere exists is none of the scenario's business.
  if (g_named_files == NamedFiles::inside_folder && !inside_folder_of(ctx.file, file)) {
    ctx.error(at, what + " \"" + written + "\" is outside the folder of " + ctx.file +
                      "; files named in a scenario must be in its folder or below it (leapsim --allow-outside "
                      "allows others)");
    return false;
  }
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(file, ec))) {
    ctx.error(at, what + " \"" + written + "\" not found (tried " + file.string() + ")");
    return false;
  }
  return true;
}

}  // namespace

std::optional<YAML::Node> sole_top_level_mapping(const Context& ctx, const YAML::Node& document, std::string_view key) {
  const std::size_t problems = ctx.diagnostics.size();
  MappingReader top(ctx, document, "");
  top.allow(key);
  top.require(std::array<std::string_view, 1>{key});
  top.finish();
  if (ctx.diagnostics.size() != problems) return std::nullopt;
  const YAML::Node body = document[std::string(key)];
  if (!expect_mapping(ctx, body, ctx.at(body), std::string(key))) return std::nullopt;
  return body;
}

std::optional<std::string> named_posterior(const Context& ctx, const Location& at, const std::string& written) {
  const fs::path file = relative_to(ctx.file, written);
  if (!named_file_found(ctx, at, "posterior", written, file)) return std::nullopt;
  return file.string();
}

bool is_study_document(const YAML::Node& root) { return root.IsMap() && root["study"] && root["base"]; }

std::optional<YAML::Node> read_named_scenario(const Context& ctx, const Location& at, const std::string& what,
                                              const std::string& written, const fs::path& file, bool study_allowed) {
  if (!named_file_found(ctx, at, what, written, file)) return std::nullopt;
  const std::optional<std::string> text = read_text(file, at, ctx.diagnostics);
  if (!text) return std::nullopt;
  std::optional<YAML::Node> root = parse_yaml(*text, file.string(), ctx.diagnostics);  // located, never quoted
  if (!root) return std::nullopt;
  if (root->IsMap() && root->size() == 0) return root;  // an empty file: every value from defaults
  if (is_study_document(*root)) {
    if (study_allowed) return root;
    ctx.error(at, what + " " + file.string() +
                      " is a study file, not a scenario: name its base scenario instead (a study file may be the "
                      "base of another study, e.g. a sweep)");
    return std::nullopt;
  }
  if (!looks_like_scenario(*root)) {  // said without the file's own words: it may be any file
    ctx.error(at, what + " " + file.string() + " is not a scenario file: it holds no scenario key");
    return std::nullopt;
  }
  return root;
}

std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined() || root.IsNull()) return YAML::Node(YAML::NodeType::Map);
    return root;
  } catch (const YAML::DeepRecursion& e) {
    diagnostics.error(Location{file, e.mark.line + 1, e.mark.column + 1},
                      "lists and mappings are nested too deep: the YAML reader stops at about " +
                          std::to_string(kMaxNesting) + " levels (a scenario needs 5)");
    return std::nullopt;
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

namespace leapsim::innovation {

NamedFilesPolicy::NamedFilesPolicy(NamedFiles files) : previous_(scenario_detail::g_named_files) {
  scenario_detail::g_named_files = files;
}

NamedFilesPolicy::~NamedFilesPolicy() { scenario_detail::g_named_files = previous_; }

}  // namespace leapsim::innovation
