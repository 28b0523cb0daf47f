#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

/// The columns of the yearly table: metric, heading, scale (divisor), decimals.
struct Column {
  const char* metric;
  const char* heading;
  double scale;
  int decimals;
};
constexpr Column kColumns[] = {
    {"tech_smes", "tech SMEs", 1.0, 0},
    {"htes", "HTEs", 1.0, 0},
    {"invention_patents_per_10k", "patents/10k", 1.0, 2},
    {"rd_spend", "R&D (M yuan)", 1.0e6, 0},
    {"subsidies_paid", "paid (M yuan)", 1.0e6, 1},
};

template <class T>
const T& attribute(const ResultGroup& g, const char* name) {
  const AttributeValue* v = g.attribute(name);
  if (v == nullptr || !std::holds_alternative<T>(*v))
    throw IoError("results file: attribute '" + std::string(name) + "' missing or of the wrong type in '" + g.name +
                  "'");
  return std::get<T>(*v);
}

const ResultGroup& group(const ResultGroup& g, const std::string& name) {
  const ResultGroup* child = g.group(name);
  if (child == nullptr) throw IoError("results file: no group '" + name + "' in '" + g.name + "'");
  return *child;
}

const ResultArray& array(const ResultGroup& g, const std::string& name) {
  const ResultArray* a = g.array(name);
  if (a == nullptr) throw IoError("results file: no dataset '" + name + "' in '" + g.name + "'");
  return *a;
}

/// Element [row, col] of a two-dimensional array.
double at(const ResultArray& a, std::size_t row, std::size_t col) { return a.values.at(row * a.shape.at(1) + col); }

std::size_t year_index(const ReportView& v, int year) {
  if (year < v.first_year || year > v.last_year)
    throw UsageError(format("year %d is outside the results (%d-%d)", year, v.first_year, v.last_year));
  return static_cast<std::size_t>(year - v.first_year);
}

void write_forecasts(const ResultGroup& root, const ReportView& v, std::ostream& out) {
  const ResultGroup& scenarios = group(root, "scenarios");
  for (const std::string& name : attribute<std::vector<std::string>>(root, "scenarios")) {
    const ResultGroup& summary = group(group(scenarios, name), "summary");
    out << "\n== " << name << ": mean [90% interval]\n" << format("%-6s", "year");
    for (const Column& c : kColumns) out << format("  %-24s", c.heading);
    out << '\n';
    for (int y = v.first_year; y <= v.last_year; ++y) {
      out << format("%-6d", y);
      const std::size_t row = year_index(v, y);
      for (const Column& c : kColumns) {
        const ResultArray& s = array(summary, c.metric);  // columns: mean, sd, p05, p50, p95
        const std::string cell = format("%.*f [%.*f, %.*f]", c.decimals, at(s, row, 0) / c.scale, c.decimals,
                                        at(s, row, 2) / c.scale, c.decimals, at(s, row, 4) / c.scale);
        out << format("  %-24s", cell.c_str());
      }
      out << '\n';
    }
  }
}

void write_targets(const ResultGroup& root, std::ostream& out) {
  const ResultGroup& targets = group(root, "targets");
  const auto& labels = attribute<std::vector<std::string>>(targets, "label");
  if (labels.empty()) return;
  const auto& metrics = attribute<std::vector<std::string>>(targets, "metric");
  const auto& comparisons = attribute<std::vector<std::string>>(targets, "comparison");
  const auto& years = attribute<std::vector<std::int64_t>>(targets, "year");
  const auto& thresholds = attribute<std::vector<double>>(targets, "threshold");
  const auto& scenarios = attribute<std::vector<std::string>>(targets, "scenarios");
  const ResultArray& p = array(targets, "probability");
  const ResultArray& lo = array(targets, "wilson95_low");
  const ResultArray& hi = array(targets, "wilson95_high");
  out << "\n== Probability of meeting each target [95% Wilson interval]\n";
  for (std::size_t t = 0; t < labels.size(); ++t) {
    out << format("%s (%s %s %g in %lld)\n", labels[t].c_str(), metrics[t].c_str(), comparisons[t].c_str(),
                  thresholds[t], static_cast<long long>(years[t]));
    for (std::size_t s = 0; s < scenarios.size(); ++s)
      out << format("  %-44s %5.1f%%  [%5.1f%%, %5.1f%%]\n", scenarios[s].c_str(), 100.0 * at(p, t, s),
                    100.0 * at(lo, t, s), 100.0 * at(hi, t, s));
  }
}

std::string difference_cell(const ResultArray& a, std::size_t row, int decimals, double scale) {
  // Columns: mean_difference, ci95_low, ci95_high, variance_base, variance_alternative,
  // variance_difference, variance_reduction.
  const double reduction = at(a, row, 6);
  const std::string factor = std::isfinite(reduction) ? format("x%.1f", reduction) : "exact";
  return format("%+.*f [%+.*f, %+.*f] (%s)", decimals, at(a, row, 0) / scale, decimals, at(a, row, 1) / scale, decimals,
                at(a, row, 2) / scale, factor.c_str());
}

void write_comparisons(const ResultGroup& root, const ReportView& v, std::ostream& out) {
  const ResultGroup& comparisons = group(root, "comparisons");
  if (comparisons.groups.empty()) return;
  const int year = v.year.value_or(v.last_year);
  const std::size_t row = year_index(v, year);
  std::vector<Column> columns(std::begin(kColumns), std::end(kColumns));
  if (v.metric) {
    const auto info = innovation::metric_by_name(*v.metric);
    if (!info) throw UsageError("unknown metric '" + *v.metric + "'");
    columns = {
        Column{innovation::metric_infos()[static_cast<std::size_t>(*info)].name.data(), v.metric->c_str(), 1.0, 2}};
  }
  out << format(
      "\n== Alternatives against %s in %d: paired difference, mean [95%% t-interval] (CRN variance "
      "reduction)\n%-44s",
      attribute<std::string>(comparisons, "base").c_str(), year, "alternative");
  for (const Column& c : columns) out << format("  %-34s", c.heading);
  out << '\n';
  struct Ranked {
    std::string name;
    double htes;
    double paid;
  };
  std::vector<Ranked> ranking;
  const ResultGroup& scenarios = group(root, "scenarios");
  for (const ResultGroup& alt : comparisons.groups) {
    out << format("%-44s", alt.name.c_str());
    for (const Column& c : columns)
      out << format("  %-34s", difference_cell(array(alt, c.metric), row, c.decimals, c.scale).c_str());
    out << '\n';
    const ResultArray& paid = array(group(group(scenarios, alt.name), "summary"), "subsidies_paid");
    double total = 0.0;
    for (std::size_t y = 0; y < paid.shape.at(0); ++y) total += at(paid, y, 0);
    ranking.push_back({alt.name, at(array(alt, "htes"), row, 0), total});
  }
  std::stable_sort(ranking.begin(), ranking.end(), [](const Ranked& a, const Ranked& b) { return a.htes > b.htes; });
  out << format("\n== Ranking by extra HTEs in %d over %s (mean), with the mean total paid over the run\n", year,
                attribute<std::string>(comparisons, "base").c_str());
  for (std::size_t i = 0; i < ranking.size(); ++i)
    out << format("%2zu. %-44s %+7.1f HTEs   %8.1f M yuan paid\n", i + 1, ranking[i].name.c_str(), ranking[i].htes,
                  ranking[i].paid / 1.0e6);
}

}  // namespace

void write_report(const ResultGroup& root, const ReportView& view, std::ostream& out) {
  if (view.metric && !innovation::metric_by_name(*view.metric))
    throw UsageError("unknown metric '" + *view.metric + "'");
  ReportView v = view;
  v.first_year = static_cast<int>(attribute<std::int64_t>(root, "first_year"));
  v.last_year = static_cast<int>(attribute<std::int64_t>(root, "last_year"));
  out << attribute<std::string>(root, "study_name") << ": "
      << attribute<std::vector<std::string>>(root, "scenarios").size() << " scenarios, "
      << attribute<std::int64_t>(root, "replications") << " replications each, seed "
      << attribute<std::uint64_t>(root, "seed") << '\n';
  if (!v.comparisons_only) {
    write_forecasts(root, v, out);
    write_targets(root, out);
  }
  write_comparisons(root, v, out);
}

}  // namespace leapsim::app
