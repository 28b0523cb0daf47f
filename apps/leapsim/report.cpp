#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <ostream>
#include <string>
#include <vector>

#include "leapsim/engine/stats.hpp"

namespace leapsim::app {
namespace {

using innovation::Metric;
using innovation::MetricTable;
using innovation::ScenarioResults;

/// The columns of the yearly table: metric, heading, scale (divisor), decimals.
struct Column {
  Metric metric;
  const char* heading;
  double scale;
  int decimals;
};
constexpr Column kColumns[] = {
    {Metric::tech_smes, "tech SMEs", 1.0, 0},
    {Metric::htes, "HTEs", 1.0, 0},
    {Metric::invention_patents_per_10k, "patents/10k", 1.0, 2},
    {Metric::rd_spend, "R&D (M yuan)", 1.0e6, 0},
    {Metric::subsidies_paid, "paid (M yuan)", 1.0e6, 1},
};

std::vector<double> values(const ScenarioResults& s, Metric m, int year) {
  std::vector<double> v;
  v.reserve(s.replications.size());
  for (const MetricTable& t : s.replications) v.push_back(t.at(m, year));
  return v;
}

/// Mean over replications of a metric summed over every year of the run.
double mean_total(const ScenarioResults& s, Metric m) {
  double total = 0.0;
  for (const MetricTable& t : s.replications)
    for (const innovation::YearMetrics& year : t.years) total += year[static_cast<std::size_t>(m)];
  return total / static_cast<double>(s.replications.size());
}

std::string format(const char* pattern, auto... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, pattern, args...);
  return buffer;
}

std::string cell(const std::vector<double>& v, const Column& c) {
  const double mean = stats::mean(v) / c.scale;
  const double lo = stats::quantile(v, 0.05) / c.scale;
  const double hi = stats::quantile(v, 0.95) / c.scale;
  return format("%.*f [%.*f, %.*f]", c.decimals, mean, c.decimals, lo, c.decimals, hi);
}

const char* comparison_word(innovation::Comparison c) {
  switch (c) {
    case innovation::Comparison::at_least:
      return ">=";
    case innovation::Comparison::more_than:
      return ">";
    case innovation::Comparison::at_most:
      return "<=";
    case innovation::Comparison::less_than:
      return "<";
  }
  return "?";
}

void write_forecasts(const innovation::StudyResults& results, int first, int last, std::ostream& out) {
  for (const ScenarioResults& s : results.scenarios) {
    out << "\n== " << s.name << ": mean [90% interval]\n" << format("%-6s", "year");
    for (const Column& c : kColumns) out << format("  %-24s", c.heading);
    out << '\n';
    for (int y = first; y <= last; ++y) {
      out << format("%-6d", y);
      for (const Column& c : kColumns) out << format("  %-24s", cell(values(s, c.metric, y), c).c_str());
      out << '\n';
    }
  }
}

void write_targets(const innovation::Study& study, const innovation::StudyResults& results, std::ostream& out) {
  if (study.targets.empty()) return;
  out << "\n== Probability of meeting each target [95% Wilson interval]\n";
  for (const innovation::Target& t : study.targets) {
    const auto info = innovation::metric_infos()[static_cast<std::size_t>(t.metric)];
    out << format("%s (%s %s %g in %d)\n", t.label.c_str(), std::string(info.name).c_str(),
                  comparison_word(t.comparison), t.threshold, t.year);
    for (const ScenarioResults& s : results.scenarios) {
      const std::vector<double> v = values(s, t.metric, t.year);
      const auto met = static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&t](double x) { return t.met(x); }));
      const stats::Interval w = stats::wilson(met, v.size());
      out << format("  %-44s %5.1f%%  [%5.1f%%, %5.1f%%]\n", s.name.c_str(),
                    100.0 * static_cast<double>(met) / static_cast<double>(v.size()), 100.0 * w.low, 100.0 * w.high);
    }
  }
}

void write_comparisons(const innovation::StudyResults& results, int year, std::ostream& out) {
  if (results.scenarios.size() < 2) return;
  const ScenarioResults& base = results.scenarios.front();
  out << format(
      "\n== Alternatives against the base in %d: paired difference, mean [95%% t-interval] (CRN variance reduction)\n",
      year);
  out << format("%-44s", "alternative");
  for (const Column& c : kColumns) out << format("  %-34s", c.heading);
  out << '\n';
  struct Ranked {
    std::string name;
    double htes;
    double paid;
  };
  std::vector<Ranked> ranking;
  for (std::size_t i = 1; i < results.scenarios.size(); ++i) {
    const ScenarioResults& alt = results.scenarios[i];
    out << format("%-44s", alt.name.c_str());
    for (const Column& c : kColumns) {
      const stats::PairedDifference d =
          stats::paired_difference(values(base, c.metric, year), values(alt, c.metric, year));
      const std::string reduction =
          std::isfinite(d.variance_reduction) ? format("x%.1f", d.variance_reduction) : "exact";
      out << format("  %-34s",
                    format("%+.*f [%+.*f, %+.*f] (%s)", c.decimals, d.mean / c.scale, c.decimals,
                           d.interval.low / c.scale, c.decimals, d.interval.high / c.scale, reduction.c_str())
                        .c_str());
    }
    out << '\n';
    ranking.push_back({alt.name,
                       stats::mean(values(alt, Metric::htes, year)) - stats::mean(values(base, Metric::htes, year)),
                       mean_total(alt, Metric::subsidies_paid)});
  }
  std::stable_sort(ranking.begin(), ranking.end(), [](const Ranked& a, const Ranked& b) { return a.htes > b.htes; });
  out << format("\n== Ranking by extra HTEs in %d over the base (mean), with total paid over the run\n", year);
  for (std::size_t i = 0; i < ranking.size(); ++i)
    out << format("%2zu. %-44s %+7.1f HTEs   %8.1f M yuan paid\n", i + 1, ranking[i].name.c_str(), ranking[i].htes,
                  ranking[i].paid / 1.0e6);
}

}  // namespace

void write_report(const innovation::Study& study, const innovation::StudyResults& results, std::ostream& out) {
  const MetricTable& any = results.scenarios.front().replications.front();
  const int first = any.first_year;
  const int last = first + static_cast<int>(any.years.size()) - 1;
  out << study.name << ": " << results.scenarios.size() << " scenarios, " << results.replications
      << " replications each, seed " << results.seed << '\n';
  write_forecasts(results, first, last, out);
  write_targets(study, results, out);
  write_comparisons(results, last, out);
}

}  // namespace leapsim::app
