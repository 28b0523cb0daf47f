#include "study.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "documents.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "resolve.hpp"
#include "schedules.hpp"

namespace leapsim::innovation::scenario_detail {
namespace {

/// The `study:` mapping.
struct StudyMeta {
  std::string name;
  std::string description;
  std::uint32_t replications = Study{}.replications;
  std::uint64_t seed = Study{}.seed;
  std::string posterior;
  std::uint32_t runs_per_draw = Study{}.runs_per_draw;
};

template <class V, schema::Is<StudyMeta> T>
void describe(V& v, T& m) {
  v("name", m.name);
  v("description", m.description);
  v("replications", m.replications);
  v("seed", m.seed);
  v("posterior", m.posterior);
  v("runs_per_draw", m.runs_per_draw);
}

constexpr std::array<std::string_view, 5> kTopKeys{"study", "base", "alternatives", "sweep", "targets"};
constexpr std::size_t kMaxSweepPoints = 2000;  // a bigger grid is more likely a typo than a plan
constexpr std::array<std::string_view, 4> kComparisonWords{">=", ">", "<=", "<"};
constexpr std::array<Comparison, 4> kComparisons{Comparison::at_least, Comparison::more_than, Comparison::at_most,
                                                 Comparison::less_than};

/// A scenario of the study and the name its problems are reported under.
struct Member {
  std::string role;
  const Parameters* parameters;
};

/// study.posterior_parameters: a list of parameter paths, each once; taken out of the mapping so
/// that the struct reader does not see it.
void read_posterior_parameters(const Context& ctx, YAML::Node study_node, Study& study) {
  if (!study_node.IsMap() || !study_node["posterior_parameters"]) return;
  const YAML::Node list = study_node["posterior_parameters"];
  const Location at = ctx.at(list);
  study_node.remove("posterior_parameters");
  if (!list.IsSequence() || list.size() == 0) {
    ctx.error(at,
              "study.posterior_parameters: expected a list of the posterior's parameter paths, e.g. "
              "[hte.apply_probability, tech_sme.register_probability]");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Location item = ctx.at(list[i]);
    const std::string path = "study.posterior_parameters[" + std::to_string(i) + "]";
    if (!list[i].IsScalar() || list[i].Scalar().empty()) {
      ctx.error(item, path + ": expected a parameter path");
      continue;
    }
    const std::string name = list[i].Scalar();
    if (std::find(study.posterior_parameters.begin(), study.posterior_parameters.end(), name) !=
        study.posterior_parameters.end()) {
      ctx.error(item, path + ": '" + name + "' is given twice");
      continue;
    }
    study.posterior_parameters.push_back(name);
    study.posterior_parameters_at.push_back(item.file + ":" + std::to_string(item.line) + ":" +
                                            std::to_string(item.column));
  }
}

void read_meta(const Context& ctx, const MappingReader& top, Study& study) {
  StudyMeta meta;
  meta.name = std::filesystem::path(ctx.file).stem().string();
  if (const auto node = top.value("study")) read_posterior_parameters(ctx, *node, study);
  if (const auto node = top.value("study")) read_struct(ctx, *node, top.location("study"), "study", meta);
  if (meta.replications == 0) ctx.error(top.location("study"), "study.replications must be >= 1, got 0");
  study.name = meta.name;
  study.description = meta.description;
  study.replications = meta.replications;
  study.seed = meta.seed;
  study.runs_per_draw = meta.runs_per_draw;
  const YAML::Node node = top.value("study").value_or(YAML::Node());
  if (node.IsMap() && node["posterior"] && !meta.posterior.empty())
    study.posterior_file = named_posterior(ctx, ctx.at(node["posterior"]), meta.posterior).value_or(std::string());
  if (meta.runs_per_draw == 0)
    ctx.error(node.IsMap() && node["runs_per_draw"] ? ctx.at(node["runs_per_draw"]) : top.location("study"),
              "study.runs_per_draw must be >= 1, got 0");
}

/// The study's posterior: its own, else its base's; runs_per_draw asks for one. A posterior named
/// but not found is reported where it is named, and only there: the keys that go with it are not
/// wrong.
void settle_posterior(const Context& ctx, const MappingReader& top, Study& study) {
  if (study.posterior_file.empty()) study.posterior_file = study.base.posterior;
  const YAML::Node node = top.value("study").value_or(YAML::Node());
  const bool named =
      node.IsMap() && node["posterior"] && node["posterior"].IsScalar() && !node["posterior"].Scalar().empty();
  if (named) return;
  if (study.posterior_file.empty() && study.runs_per_draw > 1 && node.IsMap() && node["runs_per_draw"])
    ctx.error(ctx.at(node["runs_per_draw"]),
              "study.runs_per_draw: runs per posterior draw needs a posterior (study.posterior, or the base "
              "scenario's posterior key)");
  if (study.posterior_file.empty() && !study.posterior_parameters.empty())
    ctx.error(top.location("study"),
              "study.posterior_parameters: the parameters to take from a posterior need a posterior (study.posterior, "
              "or the base scenario's posterior key)");
}

/// An alternative runs on the study's posterior draws: naming another is refused where it is named.
void refuse_own_posterior(const Context& ctx, const YAML::Node& mapping, const std::string& path) {
  if (!mapping.IsMap() || !mapping["posterior"]) return;
  ctx.error(ctx.at(mapping["posterior"]),
            path +
                ".posterior: an alternative cannot name a posterior of its own; every scenario of a study takes "
                "the study's posterior draws (study.posterior or the base scenario's), so that paired "
                "differences stay paired");
}

/// Where the base came from when it is a study file's base: that study's file and top level, for
/// the targets it lends a study that gives none.
struct BaseStudy {
  std::string file;
  YAML::Node root;
};

/// The base as a layer: a file named relative to the study, a mapping written inline, or the base
/// of a study file named there (one level: that study's base must be a scenario).
std::optional<Layer> base_layer(const Context& ctx, const MappingReader& top, std::optional<BaseStudy>* from_study) {
  const std::optional<YAML::Node> node = top.value("base");
  if (!node) return std::nullopt;
  const Location at = top.location("base");
  if (node->IsMap()) return Layer{ctx.file, *node, "base"};
  std::string written;
  if (!node->IsScalar()) {
    ctx.error(at, "base: expected a scenario file name or a mapping of scenario keys, got " + describe_node(*node));
    return std::nullopt;
  }
  written = node->Scalar();
  const std::filesystem::path file = relative_to(ctx.file, written);
  const std::optional<YAML::Node> root = read_named_scenario(ctx, at, "base scenario", written, file, true);
  if (!root) return std::nullopt;
  if (!is_study_document(*root)) return Layer{file.string(), *root, ""};
  if (from_study == nullptr) {
    ctx.error(at, "base: " + file.string() +
                      " is a study whose base is itself a study; name a scenario file or a study whose base is one");
    return std::nullopt;
  }
  const Context named{file.string(), ctx.diagnostics, nullptr, {}};
  const MappingReader named_top(named, *root, "");
  std::optional<Layer> layer = base_layer(named, named_top, nullptr);
  if (layer) *from_study = BaseStudy{file.string(), *root};
  return layer;
}

Resolved read_base(const Context& ctx, const MappingReader& top, Study& study, std::optional<BaseStudy>& from_study) {
  const std::optional<Layer> layer = base_layer(ctx, top, &from_study);
  if (!layer) {
    Resolved defaults;
    defaults.origin = top.location("base");
    return defaults;
  }
  Resolved base = resolve(*layer, ctx.diagnostics);
  const ScenarioDocument& doc = base.document;
  study.base = make_scenario(base, "base", doc.description.empty() ? doc.name : doc.description, layer->file);
  return base;
}

void read_alternative(const Context& ctx, const YAML::Node& item, const std::string& path, const Resolved& base,
                      Study& study) {
  const Location item_at = ctx.at(item);
  if (!expect_mapping(ctx, item, item_at, path)) return;
  static constexpr std::array<std::string_view, 1> kRequired{"name"};
  std::string name;
  std::string description;
  MappingReader reader(ctx, item, path);
  reader("name", name);
  reader("description", description);
  reader.allow("overrides");
  reader.allow("posterior");
  refuse_own_posterior(ctx, item, path);
  reader.require(kRequired);
  reader.finish();
  const Location name_at = reader.location("name");
  const auto same_name = [&](const Scenario& s) { return s.name == name; };
  if (name == "base")
    ctx.error(name_at, path + ".name: \"base\" names the base scenario; choose another name");
  else if (name.empty() || name == "." || name.find('/') != std::string::npos)
    ctx.error(name_at, path + ".name: \"" + name +
                           "\" cannot name a group in a results file; expected a name without '/', not empty or \".\"");
  else if (std::any_of(study.alternatives.begin(), study.alternatives.end(), same_name))
    ctx.error(name_at, path + ".name: \"" + name + "\" is already the name of another alternative");
  Resolved alternative = base;
  alternative.origin = item_at;
  if (const auto overrides = reader.value("overrides")) {
    refuse_own_posterior(ctx, *overrides, path + ".overrides");
    YAML::Node parameters = *overrides;
    if (parameters.IsMap() && parameters["posterior"]) {  // reported above, not again as an unknown key
      parameters = YAML::Clone(*overrides);
      parameters.remove("posterior");
    }
    apply_overrides(alternative, ctx.file, parameters, path + ".overrides", ctx.diagnostics);
  }
  check_resolved(alternative, ctx.diagnostics);
  study.alternatives.push_back(make_scenario(alternative, name, description, ctx.file));
}

void read_alternatives(const Context& ctx, const MappingReader& top, const Resolved& base, Study& study) {
  const std::optional<YAML::Node> list = top.value("alternatives");
  if (!list) return;
  if (!list->IsSequence()) {
    ctx.error(top.location("alternatives"), "alternatives: expected a list of mappings, got " + describe_node(*list));
    return;
  }
  if (!check_list_length(ctx, *list, top.location("alternatives"), "alternatives")) return;
  for (std::size_t i = 0; i < list->size(); ++i)
    read_alternative(ctx, (*list)[i], schema::element_path("alternatives", i), base, study);
}

/// One axis of a sweep: a parameter path and its values (kept as nodes, for their locations).
struct SweepAxis {
  std::string lever;
  std::string short_name;  // the last part of the path, used in the points' names
  std::vector<YAML::Node> values;
  std::string path;  // "sweep[i]" in messages
  /// A dated step: each value is set from this date on (the `from` node, for its place in the
  /// file), the base's schedule kept before it and from its next step on.
  std::optional<YAML::Node> step_from;
  Schedule base_schedule;  // the base's schedule of the lever, when dated
  Time step_time = 0.0;
};

/// The name of a value in a point's name: a number as written, a schedule by its steps
/// (`[0, 5@2020-01-01]`); nullopt for what has no such form (reported elsewhere).
std::optional<std::string> value_name(const YAML::Node& v) {
  if (v.IsScalar()) return v.Scalar();
  if (!v.IsSequence()) return std::nullopt;
  std::string name = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    const YAML::Node step = v[i];
    if (!step.IsMap() || !step["value"] || !step["value"].IsScalar()) return std::nullopt;
    if (i > 0) name += ", ";
    name += step["value"].Scalar();
    if (step["from"]) {
      if (!step["from"].IsScalar()) return std::nullopt;
      name += '@';
      name += step["from"].Scalar();
    }
  }
  return name + "]";
}

/// The value a point sets for the axis: the value itself, or for a dated step the base's schedule
/// with that step put in at its date.
YAML::Node axis_setting(const SweepAxis& axis, const YAML::Node& value) {
  return axis.step_from ? schedule_with_step(axis.base_schedule, axis.step_time, *axis.step_from, value) : value;
}

/// The overrides mapping {a: {b: value}} that sets the parameter "a.b" to a value node.
YAML::Node override_for(const std::string& lever, const YAML::Node& value) {
  std::vector<std::string> keys;
  std::size_t from = 0;
  for (std::size_t dot = lever.find('.'); dot != std::string::npos; dot = lever.find('.', from = dot + 1))
    keys.push_back(lever.substr(from, dot - from));
  keys.push_back(lever.substr(from));
  YAML::Node node = value;
  for (std::size_t i = keys.size(); i-- > 0;) {
    YAML::Node outer(YAML::NodeType::Map);
    outer[keys[i]] = node;
    node.reset(outer);  // rebind; plain assignment would write through to the value node itself
  }
  return node;
}

/// The shortest text that reads back as the same double, whole numbers in full ("150000", "0.25").
std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, v).ptr;
  return std::string(text, end);
}

/// `steps` values from `from` to `to` in equal steps, both ends included, as YAML scalars.
std::vector<YAML::Node> range_values(double from, double to, int steps) {
  std::vector<YAML::Node> values;
  for (int k = 0; k < steps; ++k) {
    // The last value is `to` exactly, not a sum of rounded steps.
    const double v = k + 1 == steps ? to : from + (to - from) * static_cast<double>(k) / static_cast<double>(steps - 1);
    values.emplace_back(number_text(v));
  }
  return values;
}

/// Two equal values on one axis would make two points of the same name (and the same run):
/// reported at the repeat, or for a range (whose values have no place in the file) at `range_at`,
/// so the study fails when checked, not when its results are written.
bool distinct_values(const Context& ctx, const SweepAxis& axis, const Location* range_at = nullptr) {
  std::map<double, std::size_t> numbers;  // first index of each value: "10" and "10.0" are alike
  std::map<std::string, std::size_t> words;
  bool distinct = true;
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    const YAML::Node& v = axis.values[i];
    const std::optional<std::string> name = value_name(v);
    if (!name) continue;  // no value of a lever: reported when the point is made
    double number = 0.0;
    const std::size_t first = v.IsScalar() && YAML::convert<double>::decode(v, number)
                                  ? numbers.try_emplace(number, i).first->second
                                  : words.try_emplace(*name, i).first->second;
    if (first == i) continue;
    distinct = false;
    if (range_at != nullptr)
      ctx.error(*range_at, axis.path + ": the range gives the value " + *name +
                               " more than once; each value of a sweep axis must differ");
    else
      ctx.error(ctx.at(v), schema::element_path(axis.path + ".values", i) + ": " + *name + " repeats " +
                               schema::element_path("values", first) + "; each value of a sweep axis must differ");
  }
  return distinct;
}

std::optional<SweepAxis> read_axis(const Context& ctx, const YAML::Node& item, const std::string& path,
                                   const Resolved& base) {
  if (!expect_mapping(ctx, item, ctx.at(item), path)) return std::nullopt;
  static constexpr std::array<std::string_view, 1> kRequired{"lever"};
  SweepAxis axis;
  axis.path = path;
  MappingReader reader(ctx, item, path);
  const std::size_t problems_before = ctx.diagnostics.size();
  double from = 0.0, to = 0.0;
  int steps = 0;
  reader("lever", axis.lever);
  reader.allow("values");
  reader.allow("from");  // a number of a range, or the date of a dated step: read below
  reader("to", to);
  reader("steps", steps, Range::whole_positive);
  reader.require(kRequired);
  reader.finish();
  if (axis.lever.empty() || ctx.diagnostics.size() != problems_before) return std::nullopt;
  // A list of values (set from a date on when `from` is given alone), or a range: from, to and
  // steps together.
  const bool listed = reader.has("values");
  const bool ranged = reader.has("to") || reader.has("steps") || (!listed && reader.has("from"));
  if (listed == ranged || (ranged && !(reader.has("from") && reader.has("to") && reader.has("steps")))) {
    ctx.error(listed ? reader.location("values") : ctx.at(item),
              path +
                  ": expected either values: [...] or from, to and steps together (values with from: DATE alone set a "
                  "dated step)");
    return std::nullopt;
  }
  if (reader.has("from") && !read_value(ctx, *reader.value("from"), reader.location("from"), path + ".from", from,
                                        listed ? Range::date : Range::any))
    return std::nullopt;
  if (listed && reader.has("from")) {
    const std::optional<Schedule> schedule = schedule_at(base.document.parameters, axis.lever);
    if (!schedule) {
      ctx.error(reader.location("lever"),
                path + ".lever: \"" + axis.lever + "\" is not a schedule, so it has no dated step to set (from:)");
      return std::nullopt;
    }
    axis.step_from = *reader.value("from");
    axis.base_schedule = *schedule;
    axis.step_time = from;
  }
  if (listed) {
    const YAML::Node values = *reader.value("values");
    if (!values.IsSequence() || values.size() == 0) {
      ctx.error(reader.location("values"),
                path + ".values: expected a non-empty list of values, got " + describe_node(values));
      return std::nullopt;
    }
    if (!check_list_length(ctx, values, reader.location("values"), path + ".values")) return std::nullopt;
    for (const YAML::Node& v : values) axis.values.push_back(v);
    if (!distinct_values(ctx, axis)) return std::nullopt;
  } else {
    if (steps < 2 || static_cast<std::size_t>(steps) > kMaxSweepPoints) {
      ctx.error(reader.location("steps"), path + ".steps: expected a whole number from 2 to " +
                                              std::to_string(kMaxSweepPoints) + ", got " + std::to_string(steps));
      return std::nullopt;
    }
    axis.values = range_values(from, to, steps);
    const Location steps_at = reader.location("steps");
    if (!distinct_values(ctx, axis, &steps_at)) return std::nullopt;
  }
  // Try the first value on a copy of the base, so a wrong lever is reported once, at the lever.
  Resolved trial = base;
  Diagnostics scratch;
  apply_overrides(trial, ctx.file, override_for(axis.lever, axis_setting(axis, axis.values.front())), path, scratch);
  if (!scratch.empty()) {
    ctx.error(reader.location("lever"),
              path + ".lever: \"" + axis.lever + "\" cannot be swept: " + scratch.list().front().message);
    return std::nullopt;
  }
  if (axis.step_from) {  // a step's date outside the horizon is the axis's problem, told even if another axis fails
    const std::size_t before = ctx.diagnostics.size();
    check_resolved(trial, ctx.diagnostics);
    if (ctx.diagnostics.size() != before) return std::nullopt;
  }
  // A range's values are made here, not written in the file: each is checked now and reported at
  // its steps, since they have no place of their own.
  if (ranged) {
    for (const YAML::Node& v : axis.values) {
      Resolved point = base;
      Diagnostics problems;
      apply_overrides(point, ctx.file, override_for(axis.lever, v), path, problems);
      check_resolved(point, problems);
      if (!problems.empty()) {
        ctx.error(reader.location("steps"), path + ": the range's value " + v.Scalar() + " does not fit " + axis.lever +
                                                ": " + problems.list().front().message);
        return std::nullopt;
      }
    }
  }
  axis.short_name = axis.lever.substr(axis.lever.rfind('.') + 1);
  return axis;
}

/// A grid of lever values: every combination becomes an alternative (the base with those
/// values), named by its values, sharing the base's random streams like any alternative.
void read_sweep(const Context& ctx, const MappingReader& top, const Resolved& base, Study& study) {
  const std::optional<YAML::Node> list = top.value("sweep");
  if (!list) return;
  if (!list->IsSequence() || list->size() == 0) {
    ctx.error(top.location("sweep"),
              "sweep: expected a non-empty list of {lever, values}, got " + describe_node(*list));
    return;
  }
  if (!check_list_length(ctx, *list, top.location("sweep"), "sweep")) return;
  std::vector<SweepAxis> axes;
  std::size_t points = 1;
  bool every_axis_read = true;  // each bad axis is reported, not only the first
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::optional<SweepAxis> axis = read_axis(ctx, (*list)[i], schema::element_path("sweep", i), base);
    if (!axis) {
      every_axis_read = false;
      continue;
    }
    const std::size_t values = axis->values.size();  // saturating: many long axes must not wrap around
    points = points > std::numeric_limits<std::size_t>::max() / values ? std::numeric_limits<std::size_t>::max()
                                                                       : points * values;
    axes.push_back(std::move(*axis));
  }
  if (!every_axis_read) return;
  if (points > kMaxSweepPoints) {
    ctx.error(top.location("sweep"), "sweep: " + std::to_string(points) + " points; at most " +
                                         std::to_string(kMaxSweepPoints) + " are allowed");
    return;
  }
  std::vector<std::size_t> at(axes.size(), 0);  // an odometer over the axes, the last fastest
  for (std::size_t p = 0; p < points; ++p) {
    Resolved point = base;
    point.origin = top.location("sweep");
    std::string name = "sweep";
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const YAML::Node& value = axes[a].values[at[a]];
      apply_overrides(point, ctx.file, override_for(axes[a].lever, axis_setting(axes[a], value)),
                      schema::element_path(axes[a].path + ".values", at[a]), ctx.diagnostics);
      // Appended piece by piece: GCC 12 warns falsely on chained concatenation (PR 105329).
      name += ' ';
      name += axes[a].short_name;
      if (axes[a].step_from) {
        name += '@';
        name += axes[a].step_from->Scalar();
      }
      name += '=';
      const std::optional<std::string> written = value_name(value);
      if (written) {
        name += *written;
      } else {  // no form to name it by (and an error reported): its position in the list
        name += '#';
        name += std::to_string(at[a]);
      }
    }
    check_resolved(point, ctx.diagnostics);
    study.alternatives.push_back(make_scenario(point, name, "a point of the study's sweep", ctx.file));
    for (std::size_t a = axes.size(); a-- > 0;) {
      if (++at[a] < axes[a].values.size()) break;
      at[a] = 0;
    }
  }
}

std::vector<std::string_view> metric_names() {
  std::vector<std::string_view> names;
  for (const MetricInfo& info : metric_infos()) names.push_back(info.name);
  return names;
}

/// A target year must be simulated by every scenario it is compared in.
void check_target_year(const Context& ctx, const Location& at, const std::string& path, int year,
                       const std::vector<Member>& members) {
  for (const Member& m : members) {
    if (year >= m.parameters->start_year && year <= m.parameters->end_year) continue;
    ctx.error(at, path + " " + std::to_string(year) + " is outside the horizon " +
                      std::to_string(m.parameters->start_year) + "-" + std::to_string(m.parameters->end_year) + " of " +
                      m.role);
    return;
  }
}

std::string default_label(const Target& t) {
  const auto index = static_cast<std::size_t>(t.comparison);
  return std::string(metric_infos()[static_cast<std::size_t>(t.metric)].name) + " " +
         std::string(kComparisonWords[index]) + " " + schema::format_number(t.threshold) + " in " +
         std::to_string(t.year);
}

void read_target(const Context& ctx, const YAML::Node& item, const std::string& path,
                 const std::vector<Member>& members, Study& study) {
  if (!expect_mapping(ctx, item, ctx.at(item), path)) return;
  static constexpr std::array<std::string_view, 4> kRequired{"metric", "year", "comparison", "threshold"};
  Target target;
  MappingReader reader(ctx, item, path);
  reader("label", target.label);
  reader.allow("metric");
  reader("year", target.year);
  reader.allow("comparison");
  reader("threshold", target.threshold);
  reader.require(kRequired);
  reader.finish();
  static const std::vector<std::string_view> kMetricNames = metric_names();
  if (const auto node = reader.value("metric")) {
    if (const auto i = find_word(ctx, *node, reader.location("metric"), path + ".metric", kMetricNames))
      target.metric = metric_infos()[*i].metric;
  }
  if (const auto node = reader.value("comparison")) {
    if (const auto i = find_word(ctx, *node, reader.location("comparison"), path + ".comparison", kComparisonWords))
      target.comparison = kComparisons[*i];
  }
  if (reader.has("year")) check_target_year(ctx, reader.location("year"), path + ".year", target.year, members);
  if (reader.has("threshold") && !std::isfinite(target.threshold))
    ctx.error(reader.location("threshold"),
              path + ".threshold: expected a finite number, got " + schema::format_number(target.threshold));
  if (target.label.empty()) target.label = default_label(target);
  study.targets.push_back(std::move(target));
}

void read_targets(const Context& ctx, const MappingReader& top, Study& study) {
  const std::optional<YAML::Node> list = top.value("targets");
  if (!list) return;
  if (!list->IsSequence()) {
    ctx.error(top.location("targets"), "targets: expected a list of mappings, got " + describe_node(*list));
    return;
  }
  if (!check_list_length(ctx, *list, top.location("targets"), "targets")) return;
  std::vector<Member> members{{"the base scenario", &study.base.parameters}};
  for (const Scenario& s : study.alternatives) members.push_back({"alternative \"" + s.name + "\"", &s.parameters});
  for (std::size_t i = 0; i < list->size(); ++i)
    read_target(ctx, (*list)[i], schema::element_path("targets", i), members, study);
}

}  // namespace

Study read_study(const std::string& file, const YAML::Node& root, Diagnostics& diagnostics) {
  const Context ctx{file, diagnostics, nullptr, {}};
  Study study;
  study.source = file;
  if (!expect_mapping(ctx, root, ctx.at(root), "the study")) return study;
  static constexpr std::array<std::string_view, 2> kRequired{"study", "base"};
  MappingReader top(ctx, root, "");
  for (std::string_view key : kTopKeys) top.allow(key);
  top.require(kRequired);
  top.finish();
  read_meta(ctx, top, study);
  std::optional<BaseStudy> base_study;  // when `base` names a study file: that study's base is ours
  const Resolved base = read_base(ctx, top, study, base_study);
  settle_posterior(ctx, top, study);
  read_alternatives(ctx, top, base, study);
  read_sweep(ctx, top, base, study);
  if (base_study && !top.has("targets")) {  // a sweep of a study keeps that study's targets
    const Context named{base_study->file, diagnostics, nullptr, {}};
    const MappingReader named_top(named, base_study->root, "");
    read_targets(named, named_top, study);
  } else {
    read_targets(ctx, top, study);
  }
  return study;
}

}  // namespace leapsim::innovation::scenario_detail
