#include "reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>
#include <tuple>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/time.hpp"

namespace leapsim::innovation::scenario_detail {
namespace {

constexpr std::size_t kMaxShownScalar = 40;

/// Edits (insert, delete, substitute, swap two neighbours) turning a into b: swaps count once
/// because "entyr" for "entry" is the commonest typo.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows (the swap looks two rows back), so a call allocates three small vectors
  // however long the words: a file of many unknown keys calls this for each against each key.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

/// A word that is the start of a candidate ("hte_reward" of "hte_reward_new") is a likely slip.
constexpr std::size_t kMinPrefix = 3;

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

/// Parses "123", "+123" or "-123" with nothing else around it.
template <class Integer>
std::optional<Integer> parse_integer(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  Integer value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// Splits "a-b-c" of digits into numbers; nullopt unless there are exactly `parts` of them.
std::optional<std::vector<int>> split_numbers(std::string_view text, std::size_t parts) {
  std::vector<int> numbers;
  while (numbers.size() < parts) {
    const std::size_t dash = std::min(text.find('-'), text.size());
    const std::string_view digits = text.substr(0, dash);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    const auto value = parse_integer<int>(digits);
    if (!value) return std::nullopt;
    numbers.push_back(*value);
    if (dash == text.size()) break;
    text.remove_prefix(dash + 1);
  }
  if (numbers.size() != parts) return std::nullopt;
  return numbers;
}

template <class Integer>
bool read_integer(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                  Integer& out) {
  const std::optional<Integer> value = node.IsScalar() ? parse_integer<Integer>(node.Scalar()) : std::nullopt;
  if (!value) {
    const std::string expected =
        std::is_signed_v<Integer> ? "a whole number"
                                  : "a whole number from 0 to " + std::to_string(std::numeric_limits<Integer>::max());
    ctx.error(where, path + ": expected " + expected + ", got " + describe_node(node));
    return false;
  }
  out = *value;
  return true;
}

/// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF).
std::optional<std::size_t> invalid_utf8_at(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c < 0x80)
      length = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      length = 2;
    else if (c >= 0xE0 && c <= 0xEF)
      length = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
      length = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
    else
      return i;
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const unsigned char b = byte(i + k);
      if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += length;
  }
  return std::nullopt;
}

std::optional<Time> parse_date(std::string_view text) {
  const auto parts = split_numbers(text, 3);
  if (!parts) return std::nullopt;
  return to_time(Date{(*parts)[0], (*parts)[1], (*parts)[2]});  // throws UsageError for 2019-02-30
}

}  // namespace

void Diagnostics::error(const Location& at, std::string message) {
  Diagnostic d{at.file, at.line, at.column, std::move(message)};
  if (seen_.insert(d.to_string()).second) list_.push_back(std::move(d));
}

std::vector<Diagnostic> Diagnostics::list() const {
  std::vector<std::string> files;
  for (const Diagnostic& d : list_)
    if (std::find(files.begin(), files.end(), d.file) == files.end()) files.push_back(d.file);
  const auto file_rank = [&](const Diagnostic& d) {
    return std::find(files.begin(), files.end(), d.file) - files.begin();
  };
  std::vector<Diagnostic> sorted = list_;
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(file_rank(a), a.line, a.column) < std::tuple(file_rank(b), b.line, b.column);
  });
  return sorted;
}

namespace {

/// Erases the entries of a sorted container at `path` and below it ("a.b", "a.b.c", "a.b[0]", not "a.bc").
template <class Sorted, class KeyOf>
void erase_below(Sorted& sorted, const std::string& path, KeyOf key_of) {
  auto it = sorted.lower_bound(path);
  while (it != sorted.end() && key_of(*it).starts_with(path)) {
    const std::string& key = key_of(*it);
    const char next = key.size() > path.size() ? key[path.size()] : '\0';
    if (next == '\0' || next == '.' || next == '[')
      it = sorted.erase(it);
    else
      ++it;
  }
}

}  // namespace

void Provenance::set(const std::string& path, const Location& at) {
  erase_below(at_, path, [](const auto& entry) -> const std::string& { return entry.first; });
  erase_below(unreadable_, path, [](const std::string& entry) -> const std::string& { return entry; });
  at_[path] = at;
}

bool Provenance::is_unreadable(std::string path) const {
  while (!path.empty()) {
    if (unreadable_.contains(path)) return true;
    path.resize(path.find_last_of(".[") == std::string::npos ? 0 : path.find_last_of(".["));
  }
  return false;
}

void Provenance::mark(const std::string& path, const Location& at) { at_[path] = at; }

const Location* Provenance::exact(const std::string& path) const {
  const auto it = at_.find(path);
  return it == at_.end() ? nullptr : &it->second;
}

const Location* Provenance::nearest(std::string path) const {
  while (!path.empty()) {
    if (const Location* at = exact(path)) return at;
    path.resize(path.find_last_of(".[") == std::string::npos ? 0 : path.find_last_of(".["));
  }
  return nullptr;
}

Location Context::at(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 1, 1};
  return {file, mark.line + 1, mark.column + 1};
}

std::optional<std::string> Context::parameter_path(const std::string& path) const {
  if (provenance == nullptr) return std::nullopt;
  if (parameters_root.empty()) return path;
  if (!path.starts_with(parameters_root + ".")) return std::nullopt;
  return path.substr(parameters_root.size() + 1);
}

void Context::record_value(const std::string& path, const Location& where) const {
  if (const auto p = parameter_path(path)) provenance->set(*p, where);
}

void Context::record_mapping(const std::string& path, const Location& where) const {
  if (const auto p = parameter_path(path)) provenance->mark(*p, where);
}

void Context::record_unreadable(const std::string& path) const {
  if (const auto p = parameter_path(path)) provenance->unreadable(*p);
}

bool check_list_length(const Context& ctx, const YAML::Node& list, const Location& where, const std::string& path) {
  if (list.size() <= kMaxListItems) return true;
  ctx.error(where, path + ": " + std::to_string(list.size()) + " items; a list may hold at most " +
                       std::to_string(kMaxListItems));
  return false;
}

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a sequence";
  if (node.IsMap()) return "a mapping";
  const std::string& text = node.Scalar();
  if (text.size() > kMaxShownScalar) return "\"" + text.substr(0, kMaxShownScalar) + "...\"";
  return "\"" + text + "\"";
}

std::optional<std::string_view> closest(std::string_view word, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;  // farther is no typo
  for (std::string_view c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (best || word.size() < kMinPrefix) return best;
  const auto prefix =
      std::find_if(candidates.begin(), candidates.end(), [&](std::string_view c) { return c.starts_with(word); });
  if (prefix != candidates.end()) best = *prefix;
  return best;
}

std::string suggestion(std::string_view word, std::span<const std::string_view> candidates, bool always_list) {
  std::string text;
  if (const auto near = closest(word, candidates)) text = " (did you mean \"" + std::string(*near) + "\"?)";
  if (text.empty() || always_list) text += "; expected one of: " + join(candidates);
  return text;
}

std::optional<std::size_t> find_word(const Context& ctx, const YAML::Node& node, const Location& where,
                                     std::string_view what, std::span<const std::string_view> candidates) {
  if (!node.IsScalar()) {
    ctx.error(where, std::string(what) + ": expected one of " + join(candidates) + ", got " + describe_node(node));
    return std::nullopt;
  }
  const auto it = std::find(candidates.begin(), candidates.end(), node.Scalar());
  if (it != candidates.end()) return static_cast<std::size_t>(it - candidates.begin());
  const std::string noun(
      what.substr(what.find_last_of('.') == std::string_view::npos ? 0 : what.find_last_of('.') + 1));
  ctx.error(where, std::string(what) + ": unknown " + noun + " \"" + node.Scalar() + "\"" +
                       suggestion(node.Scalar(), candidates, true));
  return std::nullopt;
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, double& out,
                Range range) {
  const bool is_date = range == Range::date || range == Range::date_or_before;
  if (node.IsScalar() && is_date) {
    try {
      if (const std::optional<Time> t = parse_date(node.Scalar())) {
        out = *t;
        return true;
      }
    } catch (const UsageError&) {
      ctx.error(where, path + ": " + node.Scalar() + " is not a calendar date");
      return false;
    }
  }
  if (node.IsScalar() && YAML::convert<double>::decode(node, out)) return true;
  ctx.error(where, path + ": expected " + (is_date ? "a date (YYYY-MM-DD or a year)" : "a number") + ", got " +
                       describe_node(node));
  return false;
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, int& out,
                Range) {
  return read_integer(ctx, node, where, path, out);
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                std::uint32_t& out, Range) {
  return read_integer(ctx, node, where, path, out);
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                std::uint64_t& out, Range) {
  return read_integer(ctx, node, where, path, out);
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                std::string& out, Range) {
  if (!node.IsScalar()) {
    ctx.error(where, path + ": expected a text, got " + describe_node(node));
    return false;
  }
  if (const std::optional<std::size_t> bad = invalid_utf8_at(node.Scalar())) {
    ctx.error(where, path + ": expected a text in UTF-8, got a byte that is not UTF-8 (byte " +
                         std::to_string(*bad + 1) + " of the text)");
    return false;
  }
  out = node.Scalar();
  return true;
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path, Date& out,
                Range) {
  // "MM-DD"; a full date is accepted too and its year ignored, since the day recurs every year.
  const std::string text = node.IsScalar() ? node.Scalar() : std::string();
  std::optional<std::vector<int>> parts = split_numbers(text, 2);
  if (!parts) {
    parts = split_numbers(text, 3);
    if (parts) parts->erase(parts->begin());
  }
  if (!parts) {
    ctx.error(where, path + ": expected a day of the year as \"MM-DD\", got " + describe_node(node));
    return false;
  }
  out.month = (*parts)[0];
  out.day = (*parts)[1];
  return true;
}

bool read_value(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                Schedule& out, Range range) {
  if (node.IsScalar()) {
    double value = 0.0;
    if (!read_value(ctx, node, where, path, value, range)) return false;
    out = Schedule::constant(value);
    return true;
  }
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(where, path + ": expected a number or a list of steps {from: date, value: number}, got " +
                         (node.IsSequence() ? std::string("an empty list") : describe_node(node)));
    return false;
  }
  if (!check_list_length(ctx, node, where, path)) return false;
  static constexpr std::array<std::string_view, 2> kStepKeys{"from", "value"};
  const std::span<const std::string_view> all_keys(kStepKeys);
  const std::size_t errors_before = ctx.diagnostics.size();
  Schedule schedule;
  schedule.steps.clear();
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string step_path = schema::element_path(path, i);
    const Location item_at = item.IsNull() ? where : ctx.at(item);
    if (!expect_mapping(ctx, item, item_at, step_path)) continue;
    Schedule::Step step;  // `from` left out of the first step: in force from the beginning
    MappingReader reader(ctx, item, step_path);
    reader("from", step.from, Range::date);
    reader("value", step.value, range);
    reader.require(i == 0 ? all_keys.subspan(1) : all_keys);
    reader.finish();
    schedule.steps.push_back(step);
  }
  if (ctx.diagnostics.size() != errors_before) return false;  // half-read steps would add false alarms
  out = std::move(schedule);
  return true;
}

bool read_numbers(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& path,
                  std::span<double> out, std::size_t rows) {
  const std::size_t count = rows > 0 ? rows : out.size();
  const auto is_row = [](const YAML::Node& item) { return item.IsSequence(); };
  const bool flat = rows > 0 && node.IsSequence() && !std::all_of(node.begin(), node.end(), is_row);
  if (!node.IsSequence() || node.size() != count || flat) {
    const std::string expected =
        rows > 0 ? std::to_string(rows) + " rows of " + std::to_string(out.size() / rows) + " numbers"
                 : std::to_string(count) + " numbers";
    const std::string got = !node.IsSequence() ? describe_node(node)
                            : flat             ? std::string("a flat list")
                                               : std::to_string(node.size()) + " items";
    ctx.error(where, path + ": expected a list of " + expected + ", got " + got);
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < count; ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = schema::element_path(path, i);
    const Location item_at = item.IsNull() ? where : ctx.at(item);
    ctx.record_value(item_path, item_at);
    if (rows > 0) {
      const std::size_t width = out.size() / rows;
      ok = read_numbers(ctx, item, item_at, item_path, out.subspan(i * width, width), 0) && ok;
    } else {
      ok = read_value(ctx, item, item_at, item_path, out[i], Range::any) && ok;
    }
  }
  return ok;
}

bool read_finite(const Context& ctx, const YAML::Node& node, const std::string& what, double& out) {
  if (!read_value(ctx, node, ctx.at(node), what, out, Range::any)) return false;
  if (std::isfinite(out)) return true;
  ctx.error(ctx.at(node), what + ": expected a finite number, got " + describe_node(node));
  return false;
}

bool expect_mapping(const Context& ctx, const YAML::Node& node, const Location& where, const std::string& what) {
  if (node.IsMap()) return true;
  ctx.error(where, what + ": expected a mapping of keys, got " + describe_node(node));
  return false;
}

std::span<const std::string_view> required_keys(const InitialGroup&) {
  static constexpr std::array<std::string_view, 2> kKeys{"status", "count"};
  return kKeys;
}

std::span<const std::string_view> required_keys(const Carrier&) {
  static constexpr std::array<std::string_view, 2> kKeys{"kind", "level"};
  return kKeys;
}

std::span<const std::string_view> required_keys(const PlatformBuild&) {
  static constexpr std::array<std::string_view, 1> kKeys{"date"};
  return kKeys;
}

void complete(Carrier& c, const MappingReader& r) {
  if (!r.has("capacity")) c.capacity = default_capacity(c.kind, c.level);
}

MappingReader::MappingReader(const Context& ctx, const YAML::Node& map, std::string path)
    : ctx_(ctx), at_(ctx.at(map)), path_(std::move(path)) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      ctx_.error(ctx_.at(it->first), "expected a key name " + where() + ", got " + describe_node(it->first));
      continue;
    }
    first_.try_emplace(it->first.Scalar(), entries_.size());
    entries_.push_back({it->first.Scalar(), it->first, it->second});
  }
}

const MappingReader::Entry* MappingReader::find(std::string_view key) const {
  const auto it = first_.find(std::string(key));
  return it == first_.end() ? nullptr : &entries_[it->second];
}

std::optional<YAML::Node> MappingReader::value(std::string_view key) const {
  const Entry* entry = find(key);
  if (entry == nullptr) return std::nullopt;
  return entry->value;
}

Location MappingReader::location(std::string_view key) const {
  const Entry* entry = find(key);
  if (entry == nullptr) return at_;
  return ctx_.at(entry->value.IsNull() ? entry->key_node : entry->value);
}

void MappingReader::require(std::span<const std::string_view> keys) const {
  for (std::string_view key : keys)
    if (!has(key)) ctx_.error(at_, "missing key \"" + std::string(key) + "\" " + where());
}

void MappingReader::finish() const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    const Location at = ctx_.at(e.key_node);
    const Entry* first = find(e.key);
    if (first != &e) {
      ctx_.error(at, "key \"" + e.key + "\" given twice " + where() + " (first at line " +
                         std::to_string(ctx_.at(first->key_node).line) + ")");
    } else if (std::find(known_.begin(), known_.end(), e.key) == known_.end()) {
      ctx_.error(at, "unknown key \"" + e.key + "\" " + where() + suggestion(e.key, known_, false));
    }
  }
}

}  // namespace leapsim::innovation::scenario_detail
