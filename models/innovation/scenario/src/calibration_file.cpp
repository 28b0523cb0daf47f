#include "leapsim/innovation/scenario/calibration_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "documents.hpp"
#include "leapsim/engine/time.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/writer.hpp"
#include "reader.hpp"

namespace leapsim::innovation {
namespace {

using scenario_detail::Context;
using scenario_detail::Diagnostics;
using scenario_detail::Location;
using scenario_detail::MappingReader;

constexpr const char* kObservedHeader = "geography,year,metric,value,qualifier,source,note";
constexpr double kInfinity = std::numeric_limits<double>::infinity();  // INFINITY is a float

/// The fields of one CSV line (RFC 4180 quoting); false when a quote is left open.
bool split_csv(const std::string& line, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        fields.back() += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        fields.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return !quoted;
}

/// The model metric an observed metric name stands for: the data's short names, or a model
/// metric's own name.
std::optional<Metric> model_metric(const std::string& observed) {
  static const std::map<std::string, Metric> data_names{
      {"hte", Metric::htes}, {"tech_sme", Metric::tech_smes}, {"hte_new", Metric::hte_new}};
  if (const auto it = data_names.find(observed); it != data_names.end()) return it->second;
  return metric_by_name(observed);
}

std::set<std::string> qualifier_words(const std::string& qualifier) {
  std::set<std::string> words;
  std::stringstream in(qualifier);
  for (std::string w; std::getline(in, w, ';');)
    if (!w.empty()) words.insert(w);
  return words;
}

constexpr std::array<std::string_view, 9> kQualifiers{
    "exact",      "about",        "more_than",         "less_than",     "mid_year",
    "first_half", "partial_year", "definition_change", "year_uncertain"};
/// The qualifiers whose figures are never fitted unless listed with a tolerance of their own.
bool needs_own_tolerance(const std::set<std::string>& q) {
  return q.contains("definition_change") || q.contains("year_uncertain");
}

/// The tolerance kind of a figure: the word its default relative tolerance is looked up under.
std::string tolerance_kind(const std::set<std::string>& q) {
  for (const char* kind : {"more_than", "less_than", "about"})
    if (q.contains(kind)) return kind;
  return "exact";
}

/// What one calibration file says, as it is read.
struct Reading {
  const Context& ctx;
  CalibrationFile& out;
  std::map<std::string, double> tolerances{{"exact", 0.05}, {"about", 0.05}, {"more_than", 0.05}, {"less_than", 0.05}};
  double absolute_tolerance = 1.0;
};

/// A prior written as {uniform: [low, high]}, {log_uniform: [low, high]} or
/// {normal: {mean, sd, low, high}}.
std::optional<abc::Prior> read_prior(const Context& ctx, const std::string& path, const YAML::Node& node) {
  const std::string what = "priors." + path;
  if (!node.IsMap() || node.size() != 1) {
    ctx.error(ctx.at(node), what +
                                ": expected one of {uniform: [low, high]}, {log_uniform: [low, high]}, "
                                "{normal: {mean: M, sd: S, low: L, high: H}}, got " +
                                scenario_detail::describe_node(node));
    return std::nullopt;
  }
  const std::string kind = node.begin()->first.Scalar();
  const YAML::Node body = node.begin()->second;
  if (kind == "uniform" || kind == "log_uniform") {
    std::array<double, 2> range{};
    if (!body.IsSequence() || body.size() != 2) {
      ctx.error(ctx.at(body),
                what + "." + kind + ": expected [low, high], got " + scenario_detail::describe_node(body));
      return std::nullopt;
    }
    if (!scenario_detail::read_finite(ctx, body[0], what + "." + kind + "[0]", range[0]) ||
        !scenario_detail::read_finite(ctx, body[1], what + "." + kind + "[1]", range[1]))
      return std::nullopt;
    return kind == "uniform" ? abc::Prior::uniform(path, range[0], range[1])
                             : abc::Prior::log_uniform(path, range[0], range[1]);
  }
  if (kind == "normal") {
    if (!scenario_detail::expect_mapping(ctx, body, ctx.at(body), what + ".normal")) return std::nullopt;
    MappingReader reader(ctx, body, what + ".normal");
    double mean = 0.0, sd = 0.0, low = -kInfinity, high = kInfinity;
    for (const char* key : {"mean", "sd", "low", "high"}) reader.allow(key);
    reader.require(std::array<std::string_view, 2>{"mean", "sd"});
    reader.finish();
    bool ok = true;
    for (auto [key, slot] : {std::pair{"mean", &mean}, {"sd", &sd}, {"low", &low}, {"high", &high}})
      if (const auto v = reader.value(key))
        ok = scenario_detail::read_finite(ctx, *v, what + ".normal." + key, *slot) && ok;
    if (!ok || !reader.has("mean") || !reader.has("sd")) return std::nullopt;
    return abc::Prior::normal(path, mean, sd, low, high);
  }
  ctx.error(ctx.at(node.begin()->first),
            what + ": unknown prior '" + kind + "'; expected one of: uniform, log_uniform, normal");
  return std::nullopt;
}

void read_priors(Reading& r, const YAML::Node& node, const Parameters& parameters, std::vector<FreeParameter>& free) {
  const Context& ctx = r.ctx;
  if (!node.IsMap() || node.size() == 0) {
    ctx.error(ctx.at(node),
              "priors: expected a mapping of parameter paths to priors, e.g. "
              "{hte.apply_probability: {uniform: [0.1, 1]}}, got " +
                  scenario_detail::describe_node(node));
    return;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string written = entry.first.Scalar();
    std::optional<ParameterPath> path;
    try {
      path = find_parameter(parameters, written);
    } catch (const UsageError& e) {
      ctx.error(ctx.at(entry.first), std::string(e.what()) + " in the scenario");
      continue;
    }
    if (!seen.insert(path->path).second) {
      ctx.error(ctx.at(entry.first), "priors: '" + path->path + "' is given twice");
      continue;
    }
    if (std::optional<abc::Prior> prior = read_prior(ctx, path->path, entry.second)) {
      try {
        abc::validate(std::span<const abc::Prior>(&*prior, 1));
      } catch (const UsageError& e) {
        std::string message = e.what();
        const std::string lead = "parameter 1 ('" + path->path + "'): ";
        if (message.rfind(lead, 0) == 0) message = message.substr(lead.size());
        ctx.error(ctx.at(entry.second), "priors." + path->path + ": " + message);
        continue;
      }
      free.push_back({*path, *prior});
    }
  }
}

/// The fraction of its year at which a figure stands, from its qualifiers and its `at` date.
std::optional<double> fraction_of_year(const std::set<std::string>& q, std::optional<Time> at, int year,
                                       std::string& why_not) {
  if (at) {
    if (year_of(*at) != year && *at != static_cast<Time>(year + 1)) {
      why_not = "its date lies outside its year";
      return std::nullopt;
    }
    return *at - static_cast<Time>(year);
  }
  if (q.contains("partial_year")) {
    why_not = "partial_year: list it under `figures` with the date it stands for (`at: YYYY-MM-DD`)";
    return std::nullopt;
  }
  if (q.contains("mid_year") || q.contains("first_half")) return 0.5;
  return 1.0;
}

/// A figure from a row and what its entry in `figures` adds (or nothing for a default selection).
std::optional<FittedFigure> figure_of(Reading& r, const ObservedRow& row, std::optional<double> tolerance,
                                      std::optional<Time> at, bool listed, std::string& why_not) {
  const std::set<std::string> q = qualifier_words(row.qualifier);
  const Parameters& p = r.out.scenario.parameters;
  if (row.year < p.start_year) {
    why_not = "before the run starts (the scenario's initial counts and priors stand for it)";
    return std::nullopt;
  }
  if (row.year > p.end_year) {
    why_not = "after the scenario's last year";
    return std::nullopt;
  }
  const std::optional<Metric> metric = model_metric(row.metric);
  if (!metric) {
    why_not = "no model metric is called '" + row.metric + "'";
    return std::nullopt;
  }
  if (needs_own_tolerance(q) && !tolerance) {
    why_not = "its qualifier (" + row.qualifier +
              ") needs a tolerance of its own: list it under `figures` with "
              "`tolerance`";
    return std::nullopt;
  }
  const bool part_year = at || q.contains("partial_year") || q.contains("mid_year") || q.contains("first_half");
  if (part_year && is_stock(*metric) && row.year == p.start_year && !(at && *at == row.year + 1.0)) {
    why_not = "a part-year stock in the run's first year, with no year end before it to read from";
    return std::nullopt;
  }
  const std::optional<double> fraction = fraction_of_year(q, at, row.year, why_not);
  if (!fraction) return std::nullopt;
  if (*fraction < 1.0 && is_stock(*metric) && row.year == p.start_year) {
    why_not = "a part-year stock in the run's first year, with no year end before it to read from";
    return std::nullopt;
  }
  (void)listed;
  FittedFigure f;
  f.metric = *metric;
  f.year = row.year;
  f.fraction = *fraction;
  f.target.name = row.geography + " " + std::to_string(row.year) + " " + row.metric +
                  (*fraction < 1.0 ? " (" + schema::format_time(static_cast<Time>(row.year) + *fraction) + ")" : "");
  f.target.value = row.value;
  f.target.qualifier = q.contains("more_than")   ? abc::Qualifier::lower_bound
                       : q.contains("less_than") ? abc::Qualifier::upper_bound
                                                 : abc::Qualifier::exact;
  f.target.relative_tolerance = tolerance ? *tolerance : r.tolerances.at(tolerance_kind(q));
  f.target.absolute_tolerance = r.absolute_tolerance;
  return f;
}

/// Adds a fitted figure, or a later one (after the cut-off) for back-tests.
void place(Reading& r, const ObservedRow& row, const FittedFigure& f, std::vector<FittedFigure>& fitted) {
  if (row.year > r.out.up_to) {
    r.out.later_rows.push_back(row);
    r.out.later_figures.push_back(f);
  } else {
    r.out.fitted_rows.push_back(row);
    fitted.push_back(f);
  }
}

void read_figures(Reading& r, const YAML::Node& node, const std::vector<ObservedRow>& rows,
                  const std::string& geography, std::vector<FittedFigure>& fitted) {
  const Context& ctx = r.ctx;
  if (!node.IsDefined() || node.IsNull()) {  // every row of the geography
    for (const ObservedRow& row : rows) {
      if (row.geography != geography) continue;
      std::string why_not;
      if (const auto f = figure_of(r, row, std::nullopt, std::nullopt, false, why_not))
        place(r, row, *f, fitted);
      else
        r.out.left_out.push_back({row, why_not});
    }
    return;
  }
  if (!node.IsSequence()) {
    ctx.error(ctx.at(node),
              "figures: expected a list of {metric, year} entries, got " + scenario_detail::describe_node(node));
    return;
  }
  std::set<int> listed;  // lines of the data rows the list fits
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node entry = node[i];
    const std::string what = "figures[" + std::to_string(i) + "]";
    if (!scenario_detail::expect_mapping(ctx, entry, ctx.at(entry), what)) continue;
    MappingReader reader(ctx, entry, what);
    for (const char* key : {"geography", "metric", "year", "value", "qualifier", "tolerance", "at", "source"})
      reader.allow(key);
    reader.require(std::array<std::string_view, 2>{"metric", "year"});
    reader.finish();
    ObservedRow want;
    want.geography = geography;
    bool ok = reader.has("metric") && reader.has("year");
    if (const auto v = reader.value("geography")) want.geography = v->Scalar();
    if (const auto v = reader.value("metric")) want.metric = v->Scalar();
    if (const auto v = reader.value("year"))
      ok = scenario_detail::read_value(ctx, *v, ctx.at(*v), what + ".year", want.year, schema::Range::any) && ok;
    std::optional<double> tolerance;
    if (const auto v = reader.value("tolerance")) {
      double t = 0.0;
      if (scenario_detail::read_finite(ctx, *v, what + ".tolerance", t) && !(t > 0.0))
        ctx.error(ctx.at(*v), what + ".tolerance: expected a relative tolerance > 0, e.g. 0.1 for 10%");
      else
        tolerance = t;
    }
    std::optional<Time> at;
    if (const auto v = reader.value("at")) {
      double t = 0.0;
      if (scenario_detail::read_value(ctx, *v, ctx.at(*v), what + ".at", t, schema::Range::date))
        at = t;
      else
        ok = false;
    }
    if (const auto v = reader.value("qualifier")) want.qualifier = v->Scalar();
    for (const std::string& word : qualifier_words(want.qualifier))
      if (std::find(kQualifiers.begin(), kQualifiers.end(), word) == kQualifiers.end()) {
        ctx.error(reader.location("qualifier"), what + ".qualifier: unknown word '" + word + "'" +
                                                    scenario_detail::suggestion(word, kQualifiers, true));
        ok = false;
      }
    if (!ok) continue;
    std::optional<ObservedRow> row;
    if (const auto v = reader.value("value")) {  // a figure given here, not in the data file
      ObservedRow inline_row = want;
      if (!scenario_detail::read_finite(ctx, *v, what + ".value", inline_row.value)) continue;
      if (inline_row.qualifier.empty()) inline_row.qualifier = "exact";
      inline_row.source = reader.value("source") ? reader.value("source")->Scalar() : "the calibration file";
      inline_row.line = ctx.at(entry).line;
      row = inline_row;
    } else {
      std::vector<const ObservedRow*> matches;
      for (const ObservedRow& candidate : rows)
        if (candidate.geography == want.geography && candidate.metric == want.metric && candidate.year == want.year &&
            (want.qualifier.empty() || candidate.qualifier == want.qualifier))
          matches.push_back(&candidate);
      if (matches.size() != 1) {
        std::string lines;
        for (const ObservedRow* m : matches) lines += (lines.empty() ? "" : ", ") + std::to_string(m->line);
        ctx.error(ctx.at(entry), what + ": " + std::to_string(matches.size()) + " rows of the observed data are " +
                                     want.geography + " " + std::to_string(want.year) + " " + want.metric +
                                     (matches.empty() ? "; give `value` to fit a figure of your own"
                                                      : " (lines " + lines + "); add its `qualifier` to choose one"));
        continue;
      }
      row = *matches.front();
    }
    std::string why_not;
    if (const auto f = figure_of(r, *row, tolerance, at, true, why_not)) {
      place(r, *row, *f, fitted);
      if (!row->text.empty()) listed.insert(row->line);
    } else {
      ctx.error(ctx.at(entry), what + " (" + row->geography + " " + std::to_string(row->year) + " " + row->metric +
                                   ") cannot be fitted: " + why_not);
    }
  }
  // The geography's other rows, each with the reason it is not fitted, so the report lists them.
  for (const ObservedRow& row : rows) {
    if (row.geography != geography || listed.contains(row.line)) continue;
    std::string why_not = "not listed under `figures`";
    (void)figure_of(r, row, std::nullopt, std::nullopt, false, why_not);
    r.out.left_out.push_back({row, why_not});
  }
}

void read_tolerances(Reading& r, const YAML::Node& node) {
  const Context& ctx = r.ctx;
  if (!scenario_detail::expect_mapping(ctx, node, ctx.at(node), "tolerances")) return;
  MappingReader reader(ctx, node, "tolerances");
  for (const auto& [kind, value] : r.tolerances) reader.allow(kind);
  reader.allow("absolute");
  reader.finish();
  for (auto& [kind, value] : r.tolerances)
    if (const auto v = reader.value(kind)) {
      double t = 0.0;
      if (scenario_detail::read_finite(ctx, *v, "tolerances." + kind, t) && t > 0.0)
        value = t;
      else
        ctx.error(ctx.at(*v), "tolerances." + kind + ": expected a relative tolerance > 0, e.g. 0.05 for 5%");
    }
  if (const auto v = reader.value("absolute")) {
    double t = 0.0;
    if (scenario_detail::read_finite(ctx, *v, "tolerances.absolute", t) && t >= 0.0)
      r.absolute_tolerance = t;
    else
      ctx.error(ctx.at(*v), "tolerances.absolute: expected a number >= 0 (units of the figure)");
  }
}

template <class E, std::size_t N>
void read_word(const Context& ctx, const MappingReader& reader, const char* key, const std::string& what,
               const std::array<std::pair<std::string_view, E>, N>& words, E& out) {
  const auto v = reader.value(key);
  if (!v) return;
  std::array<std::string_view, N> names{};
  for (std::size_t i = 0; i < N; ++i) names[i] = words[i].first;
  if (const auto i = scenario_detail::find_word(ctx, *v, ctx.at(*v), what, names)) out = words[*i].second;
}

void read_method(const Context& ctx, const YAML::Node& node, abc::AbcOptions& o) {
  if (!scenario_detail::expect_mapping(ctx, node, ctx.at(node), "method")) return;
  MappingReader reader(ctx, node, "method");
  const std::array<std::string_view, 15> keys{"particles",
                                              "seed",
                                              "final_tolerance",
                                              "initial_tolerance",
                                              "max_generations",
                                              "max_simulations",
                                              "max_attempts_per_particle",
                                              "schedule",
                                              "quantile",
                                              "ess_fraction",
                                              "kernel",
                                              "seeds",
                                              "replicates",
                                              "identified_width_ratio",
                                              "name"};
  for (std::string_view key : keys) reader.allow(key);
  reader.finish();
  auto count = [&](const char* key, std::size_t& slot, std::uint64_t least) {
    if (const auto v = reader.value(key)) {
      std::uint64_t n = 0;
      if (scenario_detail::read_value(ctx, *v, ctx.at(*v), std::string("method.") + key, n, schema::Range::any)) {
        if (n < least)
          ctx.error(ctx.at(*v), std::string("method.") + key + ": expected at least " + std::to_string(least));
        else
          slot = static_cast<std::size_t>(n);
      }
    }
  };
  auto number = [&](const char* key, double& slot, double low, double high, const char* words) {
    if (const auto v = reader.value(key)) {
      double x = 0.0;
      if (scenario_detail::read_finite(ctx, *v, std::string("method.") + key, x)) {
        if (!(x >= low && x <= high))
          ctx.error(ctx.at(*v), std::string("method.") + key + ": expected " + words);
        else
          slot = x;
      }
    }
  };
  count("particles", o.particles, 2);
  if (const auto v = reader.value("seed"))
    scenario_detail::read_value(ctx, *v, ctx.at(*v), "method.seed", o.seed, schema::Range::any);
  number("final_tolerance", o.final_epsilon, 0.0, 1e300, "a number >= 0");
  number("initial_tolerance", o.initial_epsilon, 0.0, kInfinity, "a number >= 0 (.inf: the prior itself)");
  count("max_generations", o.max_generations, 1);
  count("max_simulations", o.max_simulations, 1);
  count("max_attempts_per_particle", o.max_attempts_per_particle, 1);
  read_word(ctx, reader, "schedule", "method.schedule",
            std::array{std::pair{std::string_view("quantile"), abc::ToleranceSchedule::quantile},
                       std::pair{std::string_view("ess"), abc::ToleranceSchedule::ess}},
            o.schedule);
  number("quantile", o.tolerance_quantile, 0.0, 1.0, "a number in (0, 1)");
  number("ess_fraction", o.ess_fraction, 0.0, 1.0, "a number in (0, 1)");
  read_word(ctx, reader, "kernel", "method.kernel",
            std::array{std::pair{std::string_view("twice_covariance"), abc::KernelKind::twice_covariance},
                       std::pair{std::string_view("local_optimal"), abc::KernelKind::local_optimal}},
            o.kernel);
  read_word(ctx, reader, "seeds", "method.seeds",
            std::array{std::pair{std::string_view("independent"), abc::SeedSharing::independent},
                       std::pair{std::string_view("per_particle"), abc::SeedSharing::per_particle},
                       std::pair{std::string_view("per_generation"), abc::SeedSharing::per_generation}},
            o.seeds);
  count("replicates", o.replicates, 1);
  number("identified_width_ratio", o.identified_width_ratio, 0.0, 1.0, "a number in (0, 1]");
  if (const auto v = reader.value("name"); v && v->Scalar() != "abc-smc")
    ctx.error(ctx.at(*v), "method.name: the only method is abc-smc");
}

/// Why a calibration has nothing to fit, when every figure lies after its cut-off or outside.
std::string format_no_figure(const CalibrationFile& out) {
  const Parameters& p = out.scenario.parameters;
  return "no figure up to calibration.up_to (" + std::to_string(out.up_to) + ") in the scenario's horizon " +
         std::to_string(p.start_year) + "-" + std::to_string(p.end_year) + " to fit (" +
         std::to_string(out.later_figures.size()) + " later figures are kept for back-tests)";
}

}  // namespace

std::vector<ObservedRow> read_observed(const std::filesystem::path& file) {
  Diagnostics diagnostics;
  const std::string name = file.string();
  const std::optional<std::string> text = scenario_detail::read_text(file, Location{name, 1, 1}, diagnostics);
  if (!text) throw ScenarioError(diagnostics.list());
  std::vector<ObservedRow> rows;
  std::stringstream in(*text);
  std::string line;
  int number = 0;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      if (line.rfind(kObservedHeader, 0) != 0)
        diagnostics.error({name, 1, 1}, std::string("expected the header '") + kObservedHeader + "'");
      continue;
    }
    if (line.empty()) continue;
    if (!split_csv(line, fields) || fields.size() != 7) {
      diagnostics.error({name, number, 1},
                        "expected 7 comma-separated fields (quotes closed), got " + std::to_string(fields.size()));
      continue;
    }
    ObservedRow row{fields[0], 0, fields[2], 0.0, fields[4], fields[5], fields[6], number, line};
    try {
      std::size_t used = 0;
      row.year = std::stoi(fields[1], &used);
      if (used != fields[1].size()) throw std::invalid_argument("year");
    } catch (const std::exception&) {
      diagnostics.error({name, number, static_cast<int>(fields[0].size()) + 2},
                        "year: expected a whole year, got '" + fields[1] + "'");
      continue;
    }
    try {
      std::size_t used = 0;
      row.value = std::stod(fields[3], &used);
      if (used != fields[3].size() || !std::isfinite(row.value)) throw std::invalid_argument("value");
    } catch (const std::exception&) {
      diagnostics.error({name, number, static_cast<int>(fields[0].size() + fields[1].size() + fields[2].size()) + 4},
                        "value: expected a finite number, got '" + fields[3] + "'");
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (number == 0)
    diagnostics.error({name, 1, 1}, std::string("an empty file; expected the header '") + kObservedHeader + "'");
  if (!diagnostics.empty()) throw ScenarioError(diagnostics.list());
  return rows;
}

bool is_calibration_file(const std::filesystem::path& file) {
  // Only a regular file, and only its head: a device or a FIFO named here must not be read
  // (the loaders then report it), and the first key comes within the first lines.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return false;
  std::ifstream in(file);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  std::stringstream lines(head);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line[0] == ' ' || line == "---") continue;
    return line.rfind("calibration:", 0) == 0;
  }
  return false;
}

std::string CalibrationFile::data_text() const {
  std::string csv = std::string(kObservedHeader) + "\n";
  for (const ObservedRow& row : fitted_rows) {
    if (!row.text.empty())
      csv += row.text + "\n";
    else {  // an inline figure: written as a row would be
      csv += row.geography + "," + std::to_string(row.year) + "," + row.metric + "," +
             schema::format_number(row.value) + "," + row.qualifier + ",\"" + row.source + "\",\n";
    }
  }
  return csv;
}

CalibrationFile load_calibration(const std::filesystem::path& file, std::optional<int> cutoff) {
  Diagnostics diagnostics;
  CalibrationFile out;
  out.file = file.string();
  const std::optional<std::string> text = scenario_detail::read_text(file, Location{out.file, 1, 1}, diagnostics);
  if (!text) throw ScenarioError(diagnostics.list());
  out.text = *text;
  const std::optional<YAML::Node> document = scenario_detail::parse_yaml(out.text, out.file, diagnostics);
  if (!document) throw ScenarioError(diagnostics.list());
  const Context ctx{out.file, diagnostics};
  auto fail_if_any = [&] {
    if (!diagnostics.empty()) throw ScenarioError(diagnostics.list());
  };
  const std::optional<YAML::Node> top = scenario_detail::sole_top_level_mapping(ctx, *document, "calibration");
  if (!top) throw ScenarioError(diagnostics.list());
  const YAML::Node& body = *top;
  MappingReader reader(ctx, body, "calibration");
  for (const char* key : {"name", "description", "scenario", "observed", "geography", "up_to", "figures", "tolerances",
                          "priors", "method"})
    reader.allow(key);
  reader.require(std::array<std::string_view, 2>{"scenario", "priors"});
  reader.finish();
  fail_if_any();
  if (const auto v = reader.value("name")) out.name = v->Scalar();
  if (const auto v = reader.value("description")) out.description = v->Scalar();
  if (const auto v = reader.value("up_to"))
    scenario_detail::read_value(ctx, *v, ctx.at(*v), "calibration.up_to", out.up_to, schema::Range::any);
  if (cutoff) out.up_to = *cutoff;
  // The scenario: a scenario file, or a study file whose base is fitted.
  const std::filesystem::path scenario_file =
      scenario_detail::relative_to(out.file, reader.value("scenario")->Scalar());
  if (!std::filesystem::is_regular_file(scenario_file)) {
    ctx.error(reader.location("scenario"), "calibration.scenario: no file " + scenario_file.string());
    fail_if_any();
  }
  out.scenario = is_study_file(scenario_file) ? load_study(scenario_file).base : load_scenario(scenario_file);
  std::vector<ObservedRow> rows;
  if (const auto v = reader.value("observed")) {
    const std::filesystem::path data = scenario_detail::relative_to(out.file, v->Scalar());
    if (!std::filesystem::is_regular_file(data)) {
      ctx.error(reader.location("observed"), "calibration.observed: no file " + data.string());
      fail_if_any();
    }
    rows = read_observed(data);
  }
  const std::string geography = reader.value("geography") ? reader.value("geography")->Scalar() : "";
  Reading r{ctx, out};
  if (const auto v = reader.value("tolerances")) read_tolerances(r, *v);
  std::vector<FittedFigure> fitted;
  const std::optional<YAML::Node> figures = reader.value("figures");
  if (!figures && rows.empty())
    ctx.error(reader.location("figures"), "calibration: give `observed` (a data file) with `geography`, or `figures`");
  else if (!figures && geography.empty())
    ctx.error(reader.location("observed"), "calibration.geography: needed to choose the rows of the observed data");
  else
    read_figures(r, figures.value_or(YAML::Node()), rows, geography, fitted);
  std::vector<FreeParameter> free;
  read_priors(r, *reader.value("priors"), out.scenario.parameters, free);
  if (const auto v = reader.value("method")) read_method(ctx, *v, out.options);
  // A back-test whose cut-off precedes every figure forecasts from the prior: nothing to fit.
  const bool prior_backtest = cutoff && fitted.empty() && !out.later_figures.empty();
  if (fitted.empty() && diagnostics.empty() && !prior_backtest)
    ctx.error(reader.location("up_to"), format_no_figure(out));
  fail_if_any();
  out.free_parameters = free;
  if (!fitted.empty()) out.problem.emplace(out.scenario.parameters, std::move(free), std::move(fitted));
  return out;
}

abc::Posterior posterior_of(const CalibrationFile& calibration, const CalibrationOutcome& outcome,
                            const abc::AbcOptions& settings, std::string created_by) {
  abc::Posterior posterior;
  posterior.priors = calibration.problem->priors();
  posterior.targets = calibration.problem->targets();
  posterior.result = outcome.result;
  posterior.settings = settings;
  posterior.settings.on_progress = nullptr;
  posterior.settings.stop = nullptr;
  posterior.calibration_text = calibration.text;
  posterior.calibration_file = calibration.file;
  posterior.data_text = calibration.data_text();
  posterior.scenario_text = to_yaml(calibration.scenario.parameters);
  posterior.created_by = std::move(created_by);
  posterior.predictive = outcome.predictive;
  return posterior;
}

}  // namespace leapsim::innovation
