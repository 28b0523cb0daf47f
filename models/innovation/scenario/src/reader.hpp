#pragma once
// Reading YAML nodes into typed fields, with every error located. The field lists come from
// parameter_schema.hpp: a mapping is read by running the schema's describe() with a MappingReader
// as the visitor, so no field is read by hand.
#include <yaml-cpp/yaml.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/parameters.hpp"
#include "leapsim/innovation/scenario/diagnostics.hpp"

namespace leapsim::innovation::scenario_detail {

using schema::Range;

/// A place in a file, 1-based.
struct Location {
  std::string file;
  int line = 1;
  int column = 1;
};

/// The problems of one load, in the order found, each once (a base shared by several alternatives
/// would otherwise report its problems once per alternative).
class Diagnostics {
 public:
  void error(const Location& at, std::string message);
  bool empty() const noexcept { return list_.empty(); }
  std::size_t size() const noexcept { return list_.size(); }
  /// The problems by file (in the order files were first named), line and column, as an editor
  /// lists them.
  std::vector<Diagnostic> list() const;

 private:
  std::vector<Diagnostic> list_;
  std::unordered_set<std::string> seen_;  // each problem's text, so a repeat is found in O(1)
};

/// Where each parameter path was last set, so problems found later on the typed struct (by
/// find_issues) point back into the file and line that set the value.
class Provenance {
 public:
  /// A whole value set at `at`: locations recorded below `path` belong to the replaced value.
  void set(const std::string& path, const Location& at);
  /// A mapping merged into at `at`: fields it does not name keep their locations.
  void mark(const std::string& path, const Location& at);
  /// The location recorded for exactly this path.
  const Location* exact(const std::string& path) const;
  /// The location of the path or of its nearest recorded ancestor.
  const Location* nearest(std::string path) const;
  /// A value at `path` could not be read: problems found later at it or below it would only
  /// restate that (e.g. the default date an unreadable date left in place).
  void unreadable(const std::string& path) { unreadable_.insert(path); }
  /// True when the path or one of its ancestors could not be read.
  bool is_unreadable(std::string path) const;

 private:
  std::map<std::string, Location> at_;
  std::set<std::string> unreadable_;
};

/// The file being read and where its problems and value locations go.
struct Context {
  std::string file;
  Diagnostics& diagnostics;
  Provenance* provenance = nullptr;  // null where nothing is checked later (study keys)
  /// Path of the mapping that holds parameter keys ("alternatives[1].overrides" in a study): shown
  /// in messages, left out of provenance paths, which are those of Parameters.
  std::string parameters_root;

  /// The location of a node (yaml-cpp counts from 0).
  Location at(const YAML::Node& node) const;
  void error(const Location& where, std::string message) const { diagnostics.error(where, std::move(message)); }
  /// Records where a whole value (scalar, list, schedule) was set.
  void record_value(const std::string& path, const Location& where) const;
  /// Records where a mapping merged into a struct was given.
  void record_mapping(const std::string& path, const Location& where) const;
  /// Records that the value at a path could not be read.
  void record_unreadable(const std::string& path) const;

 private:
  std::optional<std::string> parameter_path(const std::string& path) const;
};

/// How a node looks, for "expected X, got Y" messages.
std::string describe_node(const YAML::Node& node);

/// The candidate nearest to `word` by edit distance, when near enough to be a likely typo.
std::optional<std::string_view> closest(std::string_view word, std::span<const std::string_view> candidates);

/// " (did you mean "x"?)" or "; expected one of: a, b, c".
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates, bool always_list);

/// Looks a word up among candidates, reporting an unknown word with a suggestion.
std::optional<std::size_t> find_word(const Context& ctx, const YAML::Node& node, const Location& where,
                                     std::string_view what, std::span<const std::string_view> candidates);

// Leaf readers: each reports its own error and returns false when the node does not fit.
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, double& out,
                Range range);
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, int& out,
                Range range);
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                std::uint32_t& out, Range range);
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                std::uint64_t& out, Range range);
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                std::string& out, Range range);
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, Date& out,
                Range range);
bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                Schedule& out, Range range);
/// A list of numbers, or with `rows` > 0 a list of `rows` lists (a matrix, stored row-major).
bool read_numbers(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                  std::span<double> out, std::size_t rows);

/// A finite number (of a calibration or sensitivity file's own keys); otherwise reports what was expected.
bool read_finite(const Context& ctx, const YAML::Node& node, const std::string& what, double& out);

/// True when the node is a mapping; otherwise reports what was expected.
bool expect_mapping(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& what);

/// Keys a struct cannot do without (the rest have defaults).
template <class T>
std::span<const std::string_view> required_keys(const T&) {
  return {};
}
std::span<const std::string_view> required_keys(const InitialGroup&);
std::span<const std::string_view> required_keys(const Carrier&);
std::span<const std::string_view> required_keys(const PlatformBuild&);

class MappingReader;
/// Fills what depends on other keys once a struct is read; nothing for most structs.
template <class T>
void complete(T&, const MappingReader&) {}
/// A carrier's capacity defaults by kind and level.
void complete(Carrier& c, const MappingReader& r);

/// The visitor that reads one YAML mapping into a struct: each field present overrides the
/// struct's value, absent fields keep it, unknown and repeated keys are errors (see finish()).
class MappingReader {
 public:
  /// `map` must be a mapping; `path` names it in messages and provenance ("" at the top).
  MappingReader(const Context& ctx, const YAML::Node& map, std::string path);

  template <class M>
  void operator()(std::string_view key, M& member, Range range = Range::any);

  /// Declares a key the caller reads itself.
  void allow(std::string_view key) { known_.push_back(key); }
  /// The value given for a key, if any.
  std::optional<YAML::Node> value(std::string_view key) const;
  /// Where the value of a key is (its key when the value is empty), or the mapping itself.
  Location location(std::string_view key) const;
  bool has(std::string_view key) const { return find(key) != nullptr; }
  /// Reports each listed key the mapping lacks.
  void require(std::span<const std::string_view> keys) const;
  /// Reports unknown keys (with a did-you-mean) and keys given twice; call after every field.
  void finish() const;

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const Entry* find(std::string_view key) const;
  std::string where() const { return path_.empty() ? "at the top level" : "in " + path_; }

  const Context& ctx_;
  Location at_;
  std::string path_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> first_;  // each key's first entry: lookups in O(1), not O(keys)
  std::vector<std::string_view> known_;
};

/// Reads any schema member: a nested struct (merged), a struct list or schedule or array (replaced
/// whole), an enumeration word or a scalar.
template <class M>
bool read_member(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, M& member,
                 Range range);

/// Reads a mapping into a struct through its field list.
template <class T>
bool read_struct(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, T& out) {
  if (!expect_mapping(ctx, node, where, path.empty() ? "the document" : path)) return false;
  using schema::describe;
  MappingReader reader(ctx, node, path);
  describe(reader, out);
  reader.require(required_keys(out));
  complete(out, reader);
  reader.finish();
  return true;
}

/// The most items any list of a scenario or study may hold (docs/scenario-format.md, "Limits"):
/// far above any district's or country's needs, and low enough that a list cannot take the
/// machine's memory before it is refused.
constexpr std::size_t kMaxListItems = 10000;

/// False, with an error, when a list holds more than kMaxListItems.
bool check_list_length(const Context& ctx, const YAML::Node& list, const Location& where, const std::string& path);

template <class T>
bool read_struct_list(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                      std::vector<T>& out) {
  if (!node.IsSequence()) {
    ctx.error(where, path + ": expected a list of mappings, got " + describe_node(node));
    return false;
  }
  if (!check_list_length(ctx, node, where, path)) return false;
  out.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = schema::element_path(path, i);
    const Location item_at = item.IsNull() ? where : ctx.at(item);
    ctx.record_value(item_path, item_at);
    T element{};
    read_struct(ctx, item, item_at, item_path, element);
    out.push_back(std::move(element));
  }
  return true;
}

template <class E>
bool read_enum(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, E& out) {
  std::vector<std::string_view> words;
  for (const auto& w : schema::enum_words<E>()) words.push_back(w.word);
  const std::optional<std::size_t> index = find_word(ctx, node, where, path, words);
  if (index) out = schema::enum_words<E>()[*index].value;
  return index.has_value();
}

template <class M>
bool read_member(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, M& member,
                 Range range) {
  if constexpr (schema::Struct<M>) {
    return read_struct(ctx, node, where, path, member);
  } else if constexpr (schema::StructList<M>) {
    return read_struct_list(ctx, node, where, path, member);
  } else if constexpr (std::is_enum_v<M>) {
    return read_enum(ctx, node, where, path, member);
  } else if constexpr (schema::FixedArray<M>) {
    const std::size_t rows = range == Range::correlation ? schema::square_side(member.size()) : 0;
    return read_numbers(ctx, node, where, path, member, rows);
  } else {
    return read_value(ctx, node, where, path, member, range);
  }
}

template <class M>
void MappingReader::operator()(std::string_view key, M& member, Range range) {
  known_.push_back(key);
  const Entry* entry = find(key);
  if (entry == nullptr) return;
  const std::string child = schema::child_path(path_, key);
  const Location at = location(key);
  if constexpr (schema::Struct<M>)
    ctx_.record_mapping(child, at);
  else
    ctx_.record_value(child, at);
  if (!read_member(ctx_, entry->value, at, child, member, range)) ctx_.record_unreadable(child);
}

}  // namespace leapsim::innovation::scenario_detail
