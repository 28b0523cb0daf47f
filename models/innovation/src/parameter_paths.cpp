#include "leapsim/innovation/parameter_paths.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <set>
#include <span>
#include <type_traits>
#include <variant>

#include "leapsim/engine/errors.hpp"

namespace leapsim::innovation {
namespace {

/// Where a settable number lives: a double, a count or a small integer of the record.
using NumberRef = std::variant<double*, std::uint32_t*, int*>;

/// A number found by the walk, or a leaf that is not one (ref empty), with why not.
struct Leaf {
  std::string path;
  schema::Field field;
  std::optional<NumberRef> ref;
  std::string not_a_number;  ///< "a date", "a text", ... when ref is empty
  std::size_t steps = 0;     ///< a schedule's step count, for its message
};

bool is_date(schema::Range range) { return range == schema::Range::date || range == schema::Range::date_or_before; }

std::vector<Leaf> leaves(Parameters& p);
std::string why_not(const std::vector<Leaf>& all, const std::string& path);

/// Calls on_leaf(path, field, ref, not_a_number, steps) for every leaf of p in the schema's order:
/// the numbers with a reference to them, the rest with why they are not numbers.
template <typename OnLeaf>
void walk_leaves(Parameters& p, OnLeaf&& on_leaf) {
  schema::walk(p, "", [&](const std::string& path, auto& member, const schema::Field& field) {
    using M = std::remove_cvref_t<decltype(member)>;
    if constexpr (std::is_same_v<M, Schedule>) {
      if (member.steps.size() == 1)
        on_leaf(path, field, NumberRef(&member.steps[0].value), "", 1);
      else
        on_leaf(path, field, std::nullopt, "a schedule of several steps", member.steps.size());
      for (std::size_t i = 0; i < member.steps.size(); ++i)
        on_leaf(schema::element_path(path, i), field, NumberRef(&member.steps[i].value), "", 0);
    } else if constexpr (schema::FixedArray<M>) {
      for (std::size_t i = 0; i < member.size(); ++i)
        on_leaf(schema::element_path(path, i), field, NumberRef(&member[i]), "", 0);
    } else if constexpr (std::is_same_v<M, double>) {
      if (is_date(field.range))
        on_leaf(path, field, std::nullopt, "a date", 0);
      else
        on_leaf(path, field, NumberRef(&member), "", 0);
    } else if constexpr (std::is_same_v<M, std::uint32_t> || std::is_same_v<M, int>) {
      on_leaf(path, field, NumberRef(&member), "", 0);
    } else if constexpr (std::is_same_v<M, std::string>) {
      on_leaf(path, field, std::nullopt, "a text", 0);
    } else if constexpr (std::is_same_v<M, bool>) {
      on_leaf(path, field, std::nullopt, "a switch", 0);
    } else {
      on_leaf(path, field, std::nullopt, "a word or a date", 0);
    }
  });
}

/// Every leaf of p with its path, in the schema's order; the numbers with a reference to them.
std::vector<Leaf> leaves(Parameters& p) {
  std::vector<Leaf> out;
  walk_leaves(p, [&](const std::string& path, const schema::Field& field, std::optional<NumberRef> ref,
                     const char* not_a_number, std::size_t steps) {
    out.push_back({path, field, ref, not_a_number, steps});
  });
  return out;
}

/// The number each path names in p, found in one walk of the schema (a posterior's draw sets
/// several paths for every particle and scenario, and each walk builds every path's text).
std::vector<NumberRef> numbers_named(Parameters& p, std::span<const ParameterPath> paths) {
  std::vector<std::optional<NumberRef>> found(paths.size());
  walk_leaves(
      p, [&](const std::string& path, const schema::Field&, std::optional<NumberRef> ref, const char*, std::size_t) {
        if (!ref) return;
        for (std::size_t i = 0; i < paths.size(); ++i)
          if (!found[i] && paths[i].path == path) found[i] = ref;
      });
  std::vector<NumberRef> out;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (!found[i]) throw UsageError("parameter '" + paths[i].path + "' " + why_not(leaves(p), paths[i].path));
    out.push_back(*found[i]);
  }
  return out;
}

std::vector<Leaf> leaves(const Parameters& p) { return leaves(const_cast<Parameters&>(p)); }  // read-only use

/// The domain a field's range and bounds allow together.
void set_domain(ParameterPath& out) {
  using schema::Range;
  double low = -std::numeric_limits<double>::infinity(), high = std::numeric_limits<double>::infinity();
  bool low_open = false, high_open = false;
  switch (out.field.range) {
    case Range::non_negative:
      low = 0.0;
      break;
    case Range::positive:
      low = 0.0, low_open = true;
      break;
    case Range::whole_positive:
      low = 1.0;
      break;
    case Range::probability:
      low = 0.0, high = 1.0;
      break;
    case Range::open_unit:
      low = 0.0, high = 1.0, low_open = high_open = true;
      break;
    case Range::correlation:
      low = -1.0, high = 1.0;
      break;
    default:
      break;
  }
  if (out.field.min > low) low = out.field.min, low_open = false;
  if (out.field.max < high) high = out.field.max, high_open = false;
  out.low = low, out.high = high, out.low_open = low_open, out.high_open = high_open;
}

/// The keys one level below `parent` among the paths, for an unknown key's message.
std::string keys_below(const std::vector<Leaf>& all, const std::string& parent) {
  std::set<std::string> keys;
  std::string shown;
  for (const Leaf& leaf : all) {
    if (!parent.empty() && leaf.path.rfind(parent + ".", 0) != 0) continue;
    const std::string rest = parent.empty() ? leaf.path : leaf.path.substr(parent.size() + 1);
    const std::string key = rest.substr(0, rest.find_first_of(".["));
    if (keys.insert(key).second) shown += (shown.empty() ? "" : ", ") + key;
  }
  return shown;
}

/// Why `path` names no number of p, in words a user can act on.
std::string why_not(const std::vector<Leaf>& all, const std::string& path) {
  for (const Leaf& leaf : all)
    if (leaf.path == path && !leaf.ref) {
      if (leaf.steps > 1)
        return "is a schedule of " + std::to_string(leaf.steps) + " steps; name one step, from " + path + "[0] to " +
               path + "[" + std::to_string(leaf.steps - 1) + "]";
      return "is " + leaf.not_a_number + ", not a number";
    }
  // The longest prefix, cut at a '.' or '[', that some path has: the user's error is just after it.
  std::string parent;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '.' && path[i] != '[') continue;
    const std::string prefix = path.substr(0, i);
    bool known = false;
    for (const Leaf& leaf : all)
      if (leaf.path == prefix || leaf.path.rfind(prefix + ".", 0) == 0 || leaf.path.rfind(prefix + "[", 0) == 0)
        known = true;
    if (!known) break;
    parent = prefix;
  }
  const std::size_t cut = parent.size();
  if (cut < path.size() && path[cut] == '[') {
    std::size_t count = 0;
    for (const Leaf& leaf : all)
      while (leaf.path.rfind(parent + "[" + std::to_string(count) + "]", 0) == 0) ++count;
    return "has no element " + path.substr(cut, path.find(']', cut) + 1 - cut) + ": " + parent + " holds " +
           std::to_string(count) +
           (count == 0 ? "" : ", from " + parent + "[0] to " + parent + "[" + std::to_string(count - 1) + "]");
  }
  const std::string below = keys_below(all, parent);
  return "names no number" + (parent.empty() ? std::string() : " below '" + parent + "'") +
         (below.empty() ? std::string() : "; the keys there are " + below);
}

}  // namespace

std::string canonical_parameter_path(std::string_view path) {
  static const std::regex dotted_index(R"(\.([0-9]+)(?=\.|\[|$))");
  return std::regex_replace(std::string(path), dotted_index, "[$1]");
}

ParameterPath find_parameter(const Parameters& p, std::string_view path) {
  const std::string canonical = canonical_parameter_path(path);
  if (canonical.empty()) throw UsageError("an empty parameter path");
  const std::vector<Leaf> all = leaves(p);
  for (const Leaf& leaf : all)
    if (leaf.path == canonical && leaf.ref) {
      ParameterPath out{canonical, leaf.field, !std::holds_alternative<double*>(*leaf.ref)};
      set_domain(out);
      return out;
    }
  throw UsageError("parameter '" + std::string(path) + "' " + why_not(all, canonical));
}

double parameter_value(const Parameters& p, const ParameterPath& path) {
  return parameter_values(p, std::span(&path, 1)).front();
}

std::vector<double> parameter_values(const Parameters& p, std::span<const ParameterPath> paths) {
  std::vector<double> out;
  for (const NumberRef& ref : numbers_named(const_cast<Parameters&>(p), paths))  // read-only use
    out.push_back(std::visit([](auto* number) { return static_cast<double>(*number); }, ref));
  return out;
}

void set_parameter(Parameters& p, const ParameterPath& path, double value) {
  set_parameters(p, std::span(&path, 1), std::span(&value, 1));
}

void set_parameters(Parameters& p, std::span<const ParameterPath> paths, std::span<const double> values) {
  const std::vector<NumberRef> refs = numbers_named(p, paths);
  for (std::size_t i = 0; i < refs.size(); ++i)
    std::visit(
        [&](auto* number) {
          using N = std::remove_pointer_t<decltype(number)>;
          if constexpr (std::is_same_v<N, double>)
            *number = values[i];
          else
            *number = static_cast<N>(std::llround(std::clamp(values[i], double(std::numeric_limits<N>::lowest()),
                                                             double(std::numeric_limits<N>::max()))));
        },
        refs[i]);
}

std::vector<std::string> parameter_paths(const Parameters& p) {
  std::vector<std::string> out;
  for (const Leaf& leaf : leaves(p))
    if (leaf.ref) out.push_back(leaf.path);
  return out;
}

bool in_domain(const ParameterPath& path, double x) noexcept {
  if (!std::isfinite(x)) return false;
  if (path.low_open ? x <= path.low : x < path.low) return false;
  if (path.high_open ? x >= path.high : x > path.high) return false;
  return true;
}

std::string domain_words(const ParameterPath& path) {
  const bool low = std::isfinite(path.low), high = std::isfinite(path.high);
  const std::string lo = schema::format_number(path.low), hi = schema::format_number(path.high);
  if (low && high) return std::string(path.low_open ? "(" : "[") + lo + ", " + hi + (path.high_open ? ")" : "]");
  if (low) return std::string(path.low_open ? "> " : ">= ") + lo;
  if (high) return std::string(path.high_open ? "< " : "<= ") + hi;
  return "any finite number";
}

}  // namespace leapsim::innovation
