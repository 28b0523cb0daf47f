#include "leapsim/innovation/results_tree.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/cost_book.hpp"

namespace leapsim::innovation {
namespace {

constexpr std::size_t kSummaryWidth = std::size(kSummaryColumns);
constexpr std::size_t kComparisonWidth = std::size(kComparisonColumns);

std::vector<std::string> labels(const char* const* first, std::size_t n) { return {first, first + n}; }

/// Values of one metric in one year over the replications.
std::vector<double> column(const ScenarioResults& s, std::size_t metric, std::size_t year) {
  std::vector<double> v;
  v.reserve(s.replications.size());
  for (const MetricTable& t : s.replications) v.push_back(t.years[year][metric]);
  return v;
}

std::vector<Attribute> metric_attributes(const MetricInfo& info) {
  return {{"unit", std::string(info.unit)},
          {"description", std::string(info.description)},
          {"description_zh", std::string(info.description_zh)}};
}

/// The firm events of the recorded replications as one table, in replication then time order.
ResultTable event_table(const std::vector<std::vector<FirmEvent>>& logs) {
  std::vector<std::int64_t> replication, firm, kind;
  std::vector<double> time, value, detail;
  for (std::size_t r = 0; r < logs.size(); ++r)
    for (const FirmEvent& e : logs[r]) {
      replication.push_back(static_cast<std::int64_t>(r));
      time.push_back(e.time);
      firm.push_back(e.firm);
      kind.push_back(static_cast<std::int64_t>(e.kind));
      value.push_back(e.value);
      detail.push_back(e.detail);
    }
  std::vector<std::string> kinds;
  for (auto k = static_cast<int>(FirmEventKind::created); k <= static_cast<int>(FirmEventKind::exited); ++k)
    kinds.push_back(std::string(to_string(static_cast<FirmEventKind>(k))));
  return ResultTable{"events",
                     {{"replication", replication},
                      {"time", time},
                      {"firm", firm},
                      {"kind", kind},
                      {"value", value},
                      {"detail", detail}},
                     {{"kind_names", kinds},
                      {"description", std::string("firm events of the first replications; kind indexes kind_names; "
                                                  "value and detail as docs/output-format.md lists per kind")}}};
}

/// Year-end firm snapshots of the recorded replications as one table.
ResultTable firm_table(const std::vector<std::vector<FirmSnapshot>>& firms) {
  std::vector<std::int64_t> replication, year, firm, inventions, other_ip, tech_sme, hte, platform, incubated;
  std::vector<double> age, revenue, employees, rd, staff, hitech;
  for (std::size_t r = 0; r < firms.size(); ++r)
    for (const FirmSnapshot& s : firms[r]) {
      replication.push_back(static_cast<std::int64_t>(r));
      year.push_back(s.year);
      firm.push_back(s.firm);
      age.push_back(s.age);
      revenue.push_back(s.revenue);
      employees.push_back(s.employees);
      rd.push_back(s.rd_intensity);
      staff.push_back(s.staff_share);
      hitech.push_back(s.hitech_share);
      inventions.push_back(s.invention_patents);
      other_ip.push_back(s.other_ip);
      tech_sme.push_back(s.tech_sme);
      hte.push_back(s.hte);
      platform.push_back(s.platform);
      incubated.push_back(s.incubated);
    }
  return ResultTable{
      "firms",
      {{"replication", replication},
       {"year", year},
       {"firm", firm},
       {"age", age},
       {"revenue", revenue},
       {"employees", employees},
       {"rd_intensity", rd},
       {"staff_share", staff},
       {"hitech_share", hitech},
       {"invention_patents", inventions},
       {"other_ip", other_ip},
       {"tech_sme", tech_sme},
       {"hte", hte},
       {"platform", platform},
       {"incubated", incubated}},
      {{"description", std::string("every alive firm on 31 December of each year, first replications")}}};
}

/// Replications in runs of one posterior draw each: the groups of the variance decomposition.
std::vector<std::size_t> draw_group_sizes(std::size_t replications, std::uint32_t runs_per_draw) {
  std::vector<std::size_t> sizes;
  for (std::size_t r = 0; r < replications; r += runs_per_draw)
    sizes.push_back(std::min<std::size_t>(runs_per_draw, replications - r));
  return sizes;
}

/// The share of each headline metric's variance that the parameter draws make, year by year
/// (stats::variance_components over the draws' groups of replications).
ResultGroup variance_decomposition(const ScenarioResults& r, std::size_t years, std::uint32_t runs_per_draw) {
  const std::vector<std::size_t> sizes = draw_group_sizes(r.replications.size(), runs_per_draw);
  ResultGroup g{"variance_decomposition", {}, {}, {}, {}};
  bool estimable = false;
  for (const Metric metric : kDecomposedMetrics) {
    const MetricInfo& info = metric_infos()[static_cast<std::size_t>(metric)];
    ResultArray a{std::string(info.name), {years, std::size(kDecompositionColumns)}, {}, metric_attributes(info)};
    for (std::size_t y = 0; y < years; ++y) {
      const stats::VarianceComponents c =
          stats::variance_components(column(r, static_cast<std::size_t>(metric), y), sizes);
      estimable = c.estimable;
      a.values.insert(a.values.end(), {c.total, c.between, c.within, c.between_share});
    }
    g.arrays.push_back(std::move(a));
  }
  g.attributes = {
      {"columns", labels(kDecompositionColumns, std::size(kDecompositionColumns))},
      {"estimable", std::int64_t{estimable ? 1 : 0}},
      {"runs_per_draw", static_cast<std::int64_t>(runs_per_draw)},
      {"draws", static_cast<std::int64_t>(sizes.size())},
      {"method",
       std::string(estimable ? "one-way random-effects ANOVA over the replications of each posterior draw (method of "
                               "moments, between-draw component truncated at 0)"
                             : "not estimable: each posterior draw ran one replication (study.runs_per_draw = 1), so "
                               "parameter and replication variance cannot be told apart")}};
  return g;
}

/// Each replication's posterior draw: the values it set, the draw and the particle.
ResultGroup parameter_draws(const Study& study, const StudyResults& results) {
  const PosteriorDraws& draws = *study.posterior;
  const std::size_t reps = results.particles.size(), n = draws.parameters.size();
  ResultGroup g{"parameter_draws", {}, {}, {}, {}};
  std::vector<std::string> paths;
  for (const ParameterPath& path : draws.parameters) paths.push_back(path.path);
  ResultArray values{"values", {reps, n}, {}, {{"columns", paths}}};
  std::vector<std::int64_t> replication, draw, particle;
  std::map<std::uint32_t, std::vector<double>> set_by;  // by particle: the values as set, counts rounded
  for (std::size_t r = 0; r < reps; ++r) {
    auto [found, added] = set_by.try_emplace(results.particles[r]);
    if (added) {  // once a particle: setting a path walks the schema
      Parameters p = study.base.parameters;
      apply_particle(draws, results.particles[r], p);
      found->second = parameter_values(p, draws.parameters);
    }
    values.values.insert(values.values.end(), found->second.begin(), found->second.end());
    replication.push_back(static_cast<std::int64_t>(r));
    draw.push_back(draw_of(static_cast<std::uint32_t>(r), study.runs_per_draw));
    particle.push_back(results.particles[r]);
  }
  g.attributes = {{"posterior_file", draws.file},
                  {"posterior_digest", draws.digest},
                  {"calibration_seed", draws.calibration_seed},
                  {"runs_per_draw", static_cast<std::int64_t>(study.runs_per_draw)},
                  {"particles", static_cast<std::int64_t>(draws.particles.size())},
                  {"parameters", paths},
                  {"description", std::string("the posterior draw of each replication, the same in every scenario: "
                                              "replication r takes draw r / runs_per_draw, whose particle is drawn "
                                              "by the stream (seed, draw, 0, 0xFFF0)")}};
  g.arrays.push_back(std::move(values));
  g.tables.push_back(
      ResultTable{"replications", {{"replication", replication}, {"draw", draw}, {"particle", particle}}, {}});
  return g;
}

void add_scenario(ResultGroup& scenarios, const Scenario& scenario, const ScenarioResults& r, std::size_t years,
                  const std::uint32_t* runs_per_draw) {
  ResultGroup& g = scenarios.add_group(r.name);
  std::vector<std::string> cost_items, cost_payers;
  for (const CostItem& item : cost_book(scenario.parameters.costs)) {
    cost_items.emplace_back(metric_infos()[static_cast<std::size_t>(item.metric)].name);
    cost_payers.emplace_back(item.payer);
  }
  g.attributes = {{"description", scenario.description},
                  {"source", scenario.source},
                  {"resolved_yaml", scenario.resolved_yaml},
                  {"events", static_cast<std::int64_t>(r.events)},
                  {"cost_items", cost_items},
                  {"cost_payers", cost_payers}};
  ResultGroup metrics{"metrics", {}, {}, {}, {}}, summary{"summary", {}, {}, {}, {}};
  const std::size_t reps = r.replications.size();
  for (const MetricInfo& info : metric_infos()) {
    const auto m = static_cast<std::size_t>(info.metric);
    ResultArray values{std::string(info.name), {reps, years}, {}, metric_attributes(info)};
    values.values.reserve(reps * years);
    for (const MetricTable& t : r.replications)
      for (std::size_t y = 0; y < years; ++y) values.values.push_back(t.years[y][m]);
    metrics.arrays.push_back(std::move(values));
    ResultArray sum{std::string(info.name), {years, kSummaryWidth}, {}, metric_attributes(info)};
    sum.attributes.push_back({"columns", labels(kSummaryColumns, kSummaryWidth)});
    for (std::size_t y = 0; y < years; ++y) {
      const std::vector<double> v = column(r, m, y);
      sum.values.insert(sum.values.end(), {stats::mean(v), std::sqrt(stats::variance(v)), stats::quantile(v, 0.05),
                                           stats::quantile(v, 0.5), stats::quantile(v, 0.95)});
    }
    summary.arrays.push_back(std::move(sum));
  }
  g.groups.push_back(std::move(metrics));
  g.groups.push_back(std::move(summary));
  if (runs_per_draw != nullptr) g.groups.push_back(variance_decomposition(r, years, *runs_per_draw));
  if (!r.event_logs.empty()) g.tables.push_back(event_table(r.event_logs));
  if (!r.firms.empty()) g.tables.push_back(firm_table(r.firms));
}

/// Values of one metric in one year over the replications, for scenario s.
using ColumnOf = std::function<std::vector<double>(std::size_t s, std::size_t metric, std::size_t year)>;

/// Every scenario but the base against the base, for every metric and year.
ResultGroup comparison_group(const std::vector<std::string>& names, std::size_t base, std::size_t years,
                             const ColumnOf& column, std::size_t cluster,
                             const std::function<bool(std::size_t metric)>& held = {}) {
  ResultGroup comparisons{"comparisons", {}, {}, {}, {}};
  comparisons.attributes = {
      {"base", names.at(base)}, {"confidence", 0.95}, {"columns", labels(kComparisonColumns, kComparisonWidth)}};
  for (std::size_t s = 0; s < names.size(); ++s) {
    if (s == base) continue;
    ResultGroup& g = comparisons.add_group(names[s]);
    for (const MetricInfo& info : metric_infos()) {
      const auto m = static_cast<std::size_t>(info.metric);
      if (held && !held(m)) continue;
      ResultArray a{std::string(info.name), {years, kComparisonWidth}, {}, metric_attributes(info)};
      for (std::size_t y = 0; y < years; ++y) {
        const stats::PairedDifference d = stats::paired_difference(column(base, m, y), column(s, m, y), 0.95, cluster);
        a.values.insert(a.values.end(), {d.mean, d.interval.low, d.interval.high, d.variance_a, d.variance_b,
                                         d.variance_difference, d.variance_reduction});
      }
      g.arrays.push_back(std::move(a));
    }
  }
  return comparisons;
}

void add_targets(ResultGroup& root, const Study& study, const StudyResults& results, int first_year) {
  ResultGroup& g = root.add_group("targets");
  std::vector<std::string> label, metric, comparison, scenario;
  std::vector<std::int64_t> year;
  std::vector<double> threshold;
  const std::size_t n = study.targets.size(), s = results.scenarios.size();
  ResultArray probability{"probability", {n, s}, {}, {}}, low{"wilson95_low", {n, s}, {}, {}},
      high{"wilson95_high", {n, s}, {}, {}}, met{"replications_met", {n, s}, {}, {}};
  for (const Target& t : study.targets) {
    label.push_back(t.label);
    metric.push_back(std::string(metric_infos()[static_cast<std::size_t>(t.metric)].name));
    comparison.push_back(comparison_symbol(t.comparison));
    year.push_back(t.year);
    threshold.push_back(t.threshold);
    for (const ScenarioResults& r : results.scenarios) {
      std::vector<double> each;
      for (const MetricTable& table : r.replications) each.push_back(t.met(table.at(t.metric, t.year)) ? 1.0 : 0.0);
      const auto hits = static_cast<std::size_t>(std::count(each.begin(), each.end(), 1.0));
      const stats::Interval w = stats::wilson_clustered(each, replication_cluster(study));
      probability.values.push_back(static_cast<double>(hits) / static_cast<double>(r.replications.size()));
      low.values.push_back(w.low);
      high.values.push_back(w.high);
      met.values.push_back(static_cast<double>(hits));
    }
  }
  (void)first_year;
  for (const ScenarioResults& r : results.scenarios) scenario.push_back(r.name);
  g.attributes = {{"label", label},           {"metric", metric},       {"year", year},
                  {"comparison", comparison}, {"threshold", threshold}, {"scenarios", scenario}};
  g.arrays = {std::move(probability), std::move(low), std::move(high), std::move(met)};
}

}  // namespace

RunRecord record_of_run(std::string leapsim_version, std::string command_line, const std::string& study_file) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::ifstream in(study_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return {std::move(leapsim_version), created, std::move(command_line), study_file, text.str(), 1, {host}};
}

std::vector<Attribute> provenance_attributes(const RunRecord& record, std::string format) {
  return {{"format", std::move(format)},
          {"format_version", std::int64_t{1}},
          {"leapsim_version", record.leapsim_version},
          {"created", record.created},
          {"command_line", record.command_line},
          {"study_file", record.study_file},
          {"study_yaml", record.study_yaml}};
}

ResultGroup results_tree(const Study& study, const StudyResults& results, const RunRecord& record) {
  const MetricTable& any = results.scenarios.front().replications.front();
  const std::size_t years = any.years.size();
  ResultGroup root{"/", {}, {}, {}, {}};
  std::vector<std::string> names;
  std::int64_t events = 0;
  for (const ScenarioResults& r : results.scenarios)
    names.push_back(r.name), events += static_cast<std::int64_t>(r.events);
  root.attributes = provenance_attributes(record, "leapsim-results");
  root.attributes.insert(root.attributes.end(),
                         {{"study_name", study.name},
                          {"seed", results.seed},
                          {"replications", static_cast<std::int64_t>(results.replications)},
                          {"first_year", static_cast<std::int64_t>(any.first_year)},
                          {"last_year", static_cast<std::int64_t>(any.first_year + static_cast<int>(years) - 1)},
                          {"scenarios", names},
                          {"events", events},
                          {"run_seconds", results.seconds},
                          {"ranks", record.ranks},
                          {"hosts", record.hosts}});
  ResultArray year_axis{"years", {years}, {}, {{"unit", std::string("calendar year")}}};
  for (std::size_t y = 0; y < years; ++y) year_axis.values.push_back(any.first_year + static_cast<double>(y));
  root.arrays.push_back(std::move(year_axis));
  ResultGroup& scenarios = root.add_group("scenarios");
  const bool drawn = !results.particles.empty() && study.posterior != nullptr;
  const std::uint32_t* runs_per_draw = drawn ? &study.runs_per_draw : nullptr;
  add_scenario(scenarios, study.base, results.scenarios.front(), years, runs_per_draw);
  for (std::size_t s = 1; s < results.scenarios.size(); ++s)
    add_scenario(scenarios, study.alternatives[s - 1], results.scenarios[s], years, runs_per_draw);
  root.groups.push_back(comparison_group(
      names, 0, years,
      [&results](std::size_t s, std::size_t m, std::size_t y) { return column(results.scenarios[s], m, y); },
      replication_cluster(study)));
  add_targets(root, study, results, any.first_year);
  if (drawn) root.groups.push_back(parameter_draws(study, results));
  return root;
}

std::size_t replication_cluster(const Study& study) noexcept {
  return study.posterior != nullptr ? std::max<std::size_t>(1, study.runs_per_draw) : 1;
}

std::size_t replication_cluster(const ResultGroup& root) noexcept {
  const ResultGroup* draws = root.group("parameter_draws");
  const AttributeValue* runs = draws != nullptr ? draws->attribute("runs_per_draw") : nullptr;
  if (runs == nullptr || !std::holds_alternative<std::int64_t>(*runs)) return 1;
  return static_cast<std::size_t>(std::max<std::int64_t>(1, std::get<std::int64_t>(*runs)));
}

void check_results_tree(const ResultGroup& root) {
  const AttributeValue* format = root.attribute("format");
  if (format == nullptr || !std::holds_alternative<std::string>(*format) ||
      std::get<std::string>(*format) != "leapsim-results")
    throw IoError("not a LeapSim results file (no format attribute 'leapsim-results')");
  for (const char* group : {"scenarios", "comparisons", "targets"})
    if (root.group(group) == nullptr) throw IoError(std::string("results file has no group '") + group + "'");
  if (root.array("years") == nullptr) throw IoError("results file has no dataset 'years'");
}

void compare_against(ResultGroup& root, const std::string& base) {
  check_results_tree(root);
  const AttributeValue* listed = root.attribute("scenarios");
  if (listed == nullptr || !std::holds_alternative<std::vector<std::string>>(*listed))
    throw IoError("results file: no list of scenarios");
  const auto names = std::get<std::vector<std::string>>(*listed);
  const auto found = std::find(names.begin(), names.end(), base);
  if (found == names.end()) {
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw UsageError("no scenario '" + base + "' in the results; they are: " + known);
  }
  const ResultGroup* scenarios_group = root.group("scenarios");
  const ResultArray* year_axis = root.array("years");
  if (scenarios_group == nullptr || year_axis == nullptr) throw IoError("results file: no scenarios or years");
  const ResultGroup& scenarios = *scenarios_group;
  std::vector<const ResultGroup*> metrics;
  for (const std::string& n : names) {
    const ResultGroup* g = scenarios.group(n);
    const ResultGroup* m = g != nullptr ? g->group("metrics") : nullptr;
    if (m == nullptr) throw IoError("results file: no metrics for scenario '" + n + "'");
    metrics.push_back(m);
  }
  const std::size_t years = year_axis->values.size();
  const ColumnOf column_of = [&](std::size_t s, std::size_t m, std::size_t y) {
    const std::string name(metric_infos()[m].name);
    const ResultArray* a = metrics[s]->array(name);
    if (a == nullptr || a->shape.size() != 2 || a->shape[1] != years)
      throw IoError("results file: dataset '" + name + "' of '" + names[s] + "' missing or misshapen");
    std::vector<double> v;
    for (std::size_t r = 0; r < a->shape[0]; ++r) v.push_back(a->values[r * years + y]);
    return v;
  };
  // A file written before a metric was added lacks it in every scenario: compare what it holds.
  const auto held = [&](std::size_t m) {
    return metrics.front()->array(std::string(metric_infos()[m].name)) != nullptr;
  };
  ResultGroup replacement = comparison_group(names, static_cast<std::size_t>(found - names.begin()), years, column_of,
                                             replication_cluster(root), held);
  for (ResultGroup& g : root.groups)
    if (g.name == "comparisons") g = std::move(replacement);
}

}  // namespace leapsim::innovation
