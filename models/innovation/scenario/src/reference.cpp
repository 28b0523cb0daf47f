// The key reference, walked from the schema: types from the member types, defaults from a
// default-constructed struct, ranges from the Field entries.
#include "leapsim/innovation/scenario/reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "leapsim/innovation/parameter_schema.hpp"
#include "reader.hpp"
#include "resolve.hpp"

namespace leapsim::innovation {
namespace {

using schema::Field;
using schema::Range;

/// A number as the docs write it (the shortest round-trip form).
std::string number(double x) { return schema::format_number(x); }

/// A schedule's steps: "0.75, 1 from 2021-01-01".
std::string schedule_text(const Schedule& s) {
  std::string out;
  for (const Schedule::Step& step : s.steps) {
    if (!out.empty()) out += ", ";
    out += number(step.value);
    if (std::isfinite(step.from)) out += " from " + schema::format_time(step.from);
  }
  return out;
}

std::string range_text(const Field& field, bool is_schedule) {
  std::string text(schema::range_words(field.range));
  const auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (std::isfinite(field.min)) add("at least " + number(field.min));
  if (std::isfinite(field.max)) add("at most " + number(field.max));
  if (is_schedule && !text.empty()) text = "values " + text;
  return text;
}

/// The reference row of one member, visited as the reader visits it.
template <class M>
KeyReference row(std::string_view key, const M& member, const Field& field) {
  KeyReference r{std::string(key),          "", std::string(field.unit), "", "", std::string(field.help),
                 std::string(field.help_zh)};
  using T = std::remove_cvref_t<M>;
  std::string fallback;
  if constexpr (schema::Struct<T>) {
    r.type = "mapping";
    fallback = "see below";
  } else if constexpr (schema::StructList<T>) {
    r.type = "list";
    fallback = "empty";
  } else if constexpr (std::is_same_v<T, Schedule>) {
    r.type = "schedule";
    fallback = schedule_text(member);
  } else if constexpr (std::is_same_v<T, double>) {
    const bool is_date = field.range == Range::date || field.range == Range::date_or_before;
    r.type = is_date ? "date" : "number";
    fallback = is_date && member == -std::numeric_limits<double>::infinity() ? "before the start"
               : is_date                                                     ? schema::format_time(member)
                                                                             : number(member);
  } else if constexpr (std::is_integral_v<T>) {
    r.type = "whole number";
    fallback = std::to_string(member);
  } else if constexpr (std::is_same_v<T, std::string>) {
    r.type = "text";
    fallback = member.empty() ? "empty" : member;
  } else if constexpr (std::is_same_v<T, Date>) {
    r.type = "day of the year";
    fallback = (member.month < 10 ? "0" : "") + std::to_string(member.month) + "-" + (member.day < 10 ? "0" : "") +
               std::to_string(member.day);
  } else if constexpr (schema::FixedArray<T>) {
    if (field.range == Range::correlation) {
      const std::size_t side = schema::square_side(member.size());
      r.type = std::to_string(side) + " rows of " + std::to_string(side) + " numbers";
      fallback = "see below";
    } else {
      r.type = "list of " + std::to_string(member.size()) + " numbers";
      for (const double x : member) fallback += (fallback.empty() ? "[" : ", ") + number(x);
      fallback += "]";
    }
  } else {  // an enumeration
    r.type = "word";
    fallback = std::string(schema::word_of(member));
    std::string words;
    for (const auto& w : schema::enum_words<T>()) words += (words.empty() ? "" : ", ") + std::string(w.word);
    r.range = words;
  }
  if (!field.fallback.empty()) fallback = std::string(field.fallback);
  if (!field.source.empty()) fallback += " (" + std::string(field.source) + ")";
  r.fallback = fallback;
  if (r.range.empty()) r.range = range_text(field, std::is_same_v<T, Schedule>);
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>)
    if (!std::isfinite(field.min)) r.range = ">= 0" + (r.range.empty() ? "" : ", " + r.range);
  return r;
}

/// The keys of one struct, one level deep.
template <class T>
KeySection section(std::string name, const T& object) {
  using scenario_detail::describe;
  using schema::describe;
  KeySection s{std::move(name), {}};
  auto visit = [&s](std::string_view key, const auto& member, const Field& field = {}) {
    s.keys.push_back(row(key, member, field));
  };
  describe(visit, object);
  return s;
}

/// A markdown cell: pipes escaped.
std::string cell(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::vector<KeySection> key_reference() {
  const Parameters p;
  return {section("top level", scenario_detail::ScenarioDocument{}),
          section("region", p.region),
          section("initial", InitialGroup{}),
          section("attributes", AttributeDistribution{}),
          section("carriers", Carrier{}),
          section("platform_builds", PlatformBuild{}),
          section("entry", p.entry),
          section("growth", p.growth),
          section("rd", p.rd),
          section("patents", p.patents),
          section("tech_sme", p.tech_sme),
          section("hte", p.hte),
          section("upgrade", p.upgrade),
          section("exit", p.exit),
          section("turnover", p.turnover),
          section("policy", p.policy),
          section("costs", p.costs)};
}

std::string key_table_markdown(const KeySection& section) {
  std::string out = "| key | type | unit | default | range | meaning | 中文 |\n|---|---|---|---|---|---|---|\n";
  for (const KeyReference& k : section.keys)
    out += "| `" + k.key + "` | " + cell(k.type) + " | " + cell(k.unit) + " | " + cell(k.fallback) + " | " +
           cell(k.range) + " | " + cell(k.help) + " | " + cell(k.help_zh) + " |\n";
  return out;
}

}  // namespace leapsim::innovation
