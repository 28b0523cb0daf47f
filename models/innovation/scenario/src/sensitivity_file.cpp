#include "leapsim/innovation/scenario/sensitivity_file.hpp"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cmath>
#include <set>

#include "documents.hpp"
#include "reader.hpp"

namespace leapsim::innovation {
namespace {

using scenario_detail::Context;
using scenario_detail::Diagnostics;
using scenario_detail::Location;
using scenario_detail::MappingReader;

/// A count of at least `least`.
template <class T>
void read_count(const Context& ctx, const MappingReader& reader, const char* key, std::uint64_t least, T& slot) {
  const auto v = reader.value(key);
  if (!v) return;
  std::uint64_t n = 0;
  const std::string what = std::string("sensitivity.") + key;
  if (!scenario_detail::read_value(ctx, *v, ctx.at(*v), what, n, schema::Range::any)) return;
  if (n < least)
    ctx.error(ctx.at(*v), what + ": expected at least " + std::to_string(least) + ", got " + std::to_string(n));
  else
    slot = static_cast<T>(n);
}

std::optional<Metric> read_metric(const Context& ctx, const YAML::Node& node, const std::string& what) {
  std::vector<std::string_view> names;
  for (const MetricInfo& info : metric_infos()) names.push_back(info.name);
  const std::optional<std::size_t> i = scenario_detail::find_word(ctx, node, ctx.at(node), what, names);
  if (!i) return std::nullopt;
  return metric_infos()[*i].metric;
}

void read_inputs(const Context& ctx, const YAML::Node& node, const Study& study, SensitivitySettings& s) {
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(ctx.at(node), "sensitivity.inputs: expected a list of {path: P, low: L, high: H}, got " +
                                scenario_detail::describe_node(node));
    return;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string what = "sensitivity.inputs[" + std::to_string(i) + "]";
    if (!scenario_detail::expect_mapping(ctx, item, ctx.at(item), what)) continue;
    MappingReader reader(ctx, item, what);
    for (const char* key : {"path", "low", "high", "posterior"}) reader.allow(key);
    const bool from_posterior = item.IsMap() && item["posterior"];
    if (from_posterior) {
      reader.require(std::array<std::string_view, 1>{"path"});
      if (item["low"] || item["high"])
        ctx.error(reader.location(item["low"] ? "low" : "high"),
                  what + ": give either low and high or a posterior whose central 90% is the range, not both");
    } else {
      reader.require(std::array<std::string_view, 3>{"path", "low", "high"});
    }
    reader.finish();
    if (!reader.has("path") || (!from_posterior && (!reader.has("low") || !reader.has("high")))) continue;
    SensitivityInput in;
    const Location at = ctx.at(item);
    in.written_at = at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
    try {
      in.path = find_parameter(study.base.parameters, reader.value("path")->Scalar());
    } catch (const UsageError& e) {
      ctx.error(reader.location("path"), what + ".path: " + e.what() + " in the study's base scenario");
      continue;
    }
    if (!seen.insert(in.path.path).second) {
      ctx.error(reader.location("path"), what + ".path: '" + in.path.path + "' is given twice");
      continue;
    }
    if (from_posterior) {
      const YAML::Node named = item["posterior"];
      if (!named.IsScalar() || named.Scalar().empty()) {
        ctx.error(reader.location("posterior"), what + ".posterior: expected a posterior file (leapsim calibrate -o)");
        continue;
      }
      const std::optional<std::string> file = named_posterior(ctx, reader.location("posterior"), named.Scalar());
      if (!file) continue;
      in.posterior = *file;
      s.inputs.push_back(std::move(in));
      continue;
    }
    if (!scenario_detail::read_finite(ctx, *reader.value("low"), what + ".low", in.low) ||
        !scenario_detail::read_finite(ctx, *reader.value("high"), what + ".high", in.high))
      continue;
    if (!(in.low < in.high)) {
      ctx.error(reader.location("low"), what + ": low (" + schema::format_number(in.low) + ") must be below high (" +
                                            schema::format_number(in.high) + ")");
      continue;
    }
    bool inside = true;
    for (const char* key : {"low", "high"}) {
      const double x = std::string(key) == "low" ? in.low : in.high;
      if (!in_domain(in.path, x)) {
        ctx.error(reader.location(key), what + "." + key + ": " + schema::format_number(x) + " is outside what '" +
                                            in.path.path + "' takes, " + domain_words(in.path));
        inside = false;
      }
    }
    if (inside) s.inputs.push_back(std::move(in));
  }
}

void read_years(const Context& ctx, const YAML::Node& node, const Study& study, SensitivitySettings& s) {
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(ctx.at(node), "sensitivity.years: expected a list of years, got " + scenario_detail::describe_node(node));
    return;
  }
  const Parameters& p = study.base.parameters;
  for (std::size_t i = 0; i < node.size(); ++i) {
    int y = 0;
    const std::string what = "sensitivity.years[" + std::to_string(i) + "]";
    if (!scenario_detail::read_value(ctx, node[i], ctx.at(node[i]), what, y, schema::Range::any)) continue;
    if (y < p.start_year || y > p.end_year)
      ctx.error(ctx.at(node[i]), what + ": " + std::to_string(y) + " is outside the study's horizon " +
                                     std::to_string(p.start_year) + "-" + std::to_string(p.end_year));
    else
      s.years.push_back(y);
  }
}

void read_decision(const Context& ctx, const YAML::Node& node, const Study& study, SensitivitySettings& s) {
  if (!scenario_detail::expect_mapping(ctx, node, ctx.at(node), "sensitivity.decision")) return;
  MappingReader reader(ctx, node, "sensitivity.decision");
  reader.allow("metric");
  reader.allow("year");
  reader.require(std::array<std::string_view, 2>{"metric", "year"});
  reader.finish();
  if (const auto v = reader.value("metric")) s.decision_metric = read_metric(ctx, *v, "sensitivity.decision.metric");
  if (const auto v = reader.value("year")) {
    int y = 0;
    const Parameters& p = study.base.parameters;
    if (!scenario_detail::read_value(ctx, *v, ctx.at(*v), "sensitivity.decision.year", y, schema::Range::any)) return;
    if (y < p.start_year || y > p.end_year)
      ctx.error(ctx.at(*v), "sensitivity.decision.year: " + std::to_string(y) + " is outside the study's horizon " +
                                std::to_string(p.start_year) + "-" + std::to_string(p.end_year));
    else
      s.decision_year = y;
  }
}

}  // namespace

SensitivityFile read_sensitivity(const std::string& text, const std::string& file, const Study& study) {
  Diagnostics diagnostics;
  SensitivityFile out{file, text, {}};
  SensitivitySettings& s = out.settings;
  s.seed = study.seed;
  auto fail_if_any = [&] {
    if (!diagnostics.empty()) throw ScenarioError(diagnostics.list());
  };
  const std::optional<YAML::Node> document = scenario_detail::parse_yaml(text, file, diagnostics);
  if (!document) throw ScenarioError(diagnostics.list());
  const Context ctx{file, diagnostics};
  const std::optional<YAML::Node> top = scenario_detail::sole_top_level_mapping(ctx, *document, "sensitivity");
  if (!top) throw ScenarioError(diagnostics.list());
  const YAML::Node& body = *top;
  MappingReader reader(ctx, body, "sensitivity");
  for (const char* key : {"method", "inputs", "trajectories", "levels", "samples", "bootstrap", "replications", "seed",
                          "metrics", "years", "decision"})
    reader.allow(key);
  reader.require(std::array<std::string_view, 1>{"inputs"});
  reader.finish();
  fail_if_any();
  if (const auto v = reader.value("method")) {
    constexpr std::array<std::string_view, 2> methods{"morris", "sobol"};
    if (const auto i = scenario_detail::find_word(ctx, *v, ctx.at(*v), "sensitivity.method", methods))
      s.method = *i == 0 ? SensitivityMethod::morris : SensitivityMethod::sobol;
  }
  read_inputs(ctx, *reader.value("inputs"), study, s);
  read_count(ctx, reader, "trajectories", 2, s.trajectories);
  read_count(ctx, reader, "levels", 2, s.levels);
  if (s.levels % 2 != 0) ctx.error(reader.location("levels"), "sensitivity.levels: expected an even number");
  read_count(ctx, reader, "samples", 2, s.samples);
  read_count(ctx, reader, "bootstrap", 0, s.bootstrap);
  read_count(ctx, reader, "replications", 2, s.replications);
  read_count(ctx, reader, "seed", 0, s.seed);
  if (const auto v = reader.value("metrics")) {
    if (!v->IsSequence() || v->size() == 0)
      ctx.error(ctx.at(*v),
                "sensitivity.metrics: expected a list of metric names, got " + scenario_detail::describe_node(*v));
    else {
      s.metrics.clear();
      for (std::size_t i = 0; i < v->size(); ++i)
        if (const auto m = read_metric(ctx, (*v)[i], "sensitivity.metrics[" + std::to_string(i) + "]"))
          s.metrics.push_back(*m);
    }
  }
  if (const auto v = reader.value("years")) read_years(ctx, *v, study, s);
  if (const auto v = reader.value("decision")) read_decision(ctx, *v, study, s);
  fail_if_any();
  return out;
}

SensitivityFile load_sensitivity(const std::filesystem::path& file, const Study& study) {
  Diagnostics diagnostics;
  const std::optional<std::string> text = scenario_detail::read_text(file, Location{file.string(), 1, 1}, diagnostics);
  if (!text) throw ScenarioError(diagnostics.list());
  return read_sensitivity(*text, file.string(), study);
}

}  // namespace leapsim::innovation
