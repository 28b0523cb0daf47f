// The mechanism tables (docs/model.md §4.10) and the paired breakdown read from a results tree.
#include "leapsim/innovation/mechanisms.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/results_tree.hpp"

namespace leapsim::innovation {
namespace {

using enum Metric;
constexpr Span kIn = Span::in_year, kThrough = Span::through_year, kFirst = Span::first_year;

/// htes(Y) = starting certificates + sum to Y of (hte_new - hte_lapsed - hte_exits): every change of
/// the count is one of those three flows (hte_round.cpp, exit.cpp).
std::vector<Mechanism> hte_mechanisms() {
  return {
      {"starting_certificates",
       "",
       "",
       "different starting certificates",
       "期初有效高新技术企业不同",
       {{htes, 1, kFirst}, {hte_new, -1, kFirst}, {hte_lapsed, 1, kFirst}, {hte_exits, 1, kFirst}}},
      {"new_certifications", "", "", "extra new certifications", "新认定增加", {{hte_new, 1, kThrough}}},
      {"lapses_avoided",
       "",
       "",
       "lapses avoided (renewals kept)",
       "到期失效减少（重新认定保住）",
       {{hte_lapsed, -1, kThrough}}},
      {"exits_avoided", "", "", "exits of certified firms avoided", "高企退出减少", {{hte_exits, -1, kThrough}}},
      {"first_applications",
       "new_certifications",
       "decision",
       "more first applications decided",
       "首次申报增加",
       {{hte_new, 1, kThrough}, {hte_rejected, 1, kThrough}}},
      {"first_rejections_avoided",
       "new_certifications",
       "decision",
       "first-application rejections avoided",
       "首次申报未通过减少",
       {{hte_rejected, -1, kThrough}}},
      {"entrants_certified",
       "new_certifications",
       "origin",
       "certifications of firms that entered during the run",
       "模拟期内新进入企业的新认定",
       {{hte_new_entrants, 1, kThrough}}},
      {"incumbents_certified",
       "new_certifications",
       "origin",
       "certifications of firms there at the start",
       "期初已有企业的新认定",
       {{hte_new, 1, kThrough}, {hte_new_entrants, -1, kThrough}}},
      {"renewal_rejections_avoided",
       "lapses_avoided",
       "cause",
       "renewal rejections avoided",
       "重新认定未通过减少",
       {{hte_renewal_rejected, -1, kThrough}}},
      {"renewals_sought",
       "lapses_avoided",
       "cause",
       "fewer certificates left to expire without a renewal decided",
       "未申报重新认定而到期的减少",
       {{hte_lapsed, -1, kThrough}, {hte_renewal_rejected, 1, kThrough}}},
  };
}

/// firms_alive(Y) = starting firms + sum to Y of (entries - exits).
std::vector<Mechanism> alive_mechanisms() {
  return {
      {"starting_firms",
       "",
       "",
       "different starting firms",
       "期初企业不同",
       {{firms_alive, 1, kFirst}, {entries, -1, kFirst}, {exits, 1, kFirst}}},
      {"extra_entries", "", "", "extra entries", "新进入企业增加", {{entries, 1, kThrough}}},
      {"exits_avoided", "", "", "exits avoided", "退出企业减少", {{exits, -1, kThrough}}},
  };
}

/// tech_smes counts the year's registrations: those of firms registered the year before and the rest.
std::vector<Mechanism> tech_sme_mechanisms() {
  return {
      {"registrations_renewed",
       "",
       "",
       "more registrations renewed from the year before",
       "上年入库企业续报增加",
       {{tech_sme_renewed, 1, kIn}}},
      {"new_registrations",
       "",
       "",
       "more new or returning registrations",
       "新入库（或重新入库）增加",
       {{tech_smes, 1, kIn}, {tech_sme_renewed, -1, kIn}}},
  };
}

std::vector<Mechanism> hte_new_mechanisms() {
  return {
      {"first_applications",
       "",
       "",
       "more first applications decided",
       "首次申报增加",
       {{hte_new, 1, kIn}, {hte_rejected, 1, kIn}}},
      {"first_rejections_avoided",
       "",
       "",
       "first-application rejections avoided",
       "首次申报未通过减少",
       {{hte_rejected, -1, kIn}}},
  };
}

/// A renewal rejected lapses the certificate at the same round (hte_round.cpp).
std::vector<Mechanism> hte_lapsed_mechanisms() {
  return {
      {"renewal_rejections", "", "", "more renewal rejections", "重新认定未通过增加", {{hte_renewal_rejected, 1, kIn}}},
      {"renewals_not_decided",
       "",
       "",
       "more certificates left to expire without a renewal decided",
       "未申报重新认定而到期的增加",
       {{hte_lapsed, 1, kIn}, {hte_renewal_rejected, -1, kIn}}},
  };
}

/// subsidies_paid is the sum of the four payment kinds (year_end.cpp).
std::vector<Mechanism> paid_mechanisms() {
  return {
      {"hte_rewards", "", "", "more HTE rewards paid", "高企认定奖励增加", {{hte_rewards_paid, 1, kIn}}},
      {"rd_subsidies", "", "", "more R&D subsidies paid", "研发费用补助增加", {{rd_subsidies_paid, 1, kIn}}},
      {"patent_subsidies", "", "", "more patent subsidies paid", "专利资助增加", {{patent_subsidies_paid, 1, kIn}}},
      {"talent", "", "", "more talent programme paid", "人才引进支出增加", {{talent_paid, 1, kIn}}},
  };
}

std::map<Metric, std::vector<Mechanism>> all_mechanisms() {
  std::map<Metric, std::vector<Mechanism>> table{
      {htes, hte_mechanisms()},        {firms_alive, alive_mechanisms()},     {tech_smes, tech_sme_mechanisms()},
      {hte_new, hte_new_mechanisms()}, {hte_lapsed, hte_lapsed_mechanisms()}, {subsidies_paid, paid_mechanisms()},
  };
  for (const MetricInfo& info : metric_infos())
    if (!table.contains(info.metric))
      table[info.metric] = {{"total",
                             "",
                             "",
                             "the difference itself (no finer split is recorded)",
                             "差值本身（未记录更细的分解）",
                             {{info.metric, 1, kIn}}}};
  return table;
}

/// A mechanism's value in each replication of a scenario for year index y.
std::vector<double> values(const ResultGroup& root, const std::string& scenario, const Mechanism& m, std::size_t y) {
  std::vector<double> out;
  for (const MechanismTerm& term : m.terms) {
    const std::string name(metric_infos()[static_cast<std::size_t>(term.metric)].name);
    const std::vector<double> v =
        per_replication(scenario_metric(root, scenario, name, "the mechanism counters"), y, term.span);
    if (&term != m.terms.data() && v.size() != out.size())
      throw IoError("results file: the metrics of scenario '" + scenario + "' differ in replications");
    out.resize(v.size(), 0.0);
    for (std::size_t r = 0; r < v.size(); ++r) out[r] += term.sign * v[r];
  }
  return out;
}

}  // namespace

const ResultArray& scenario_metric(const ResultGroup& root, const std::string& scenario, const std::string& name,
                                   std::string_view written_before) {
  const ResultGroup* scenarios = root.group("scenarios");
  const ResultGroup* s = scenarios != nullptr ? scenarios->group(scenario) : nullptr;
  if (s == nullptr) throw UsageError("no scenario '" + scenario + "' in the results");
  const ResultGroup* metrics = s->group("metrics");
  const ResultArray* a = metrics != nullptr ? metrics->array(name) : nullptr;
  if (a == nullptr)
    throw IoError("results file: no per-replication '" + name + "' for scenario '" + scenario +
                  "' (a file written before " + std::string(written_before) + ": run the study again)");
  if (a->shape.size() != 2 || a->values.size() != a->shape[0] * a->shape[1])
    throw IoError("results file: '" + name + "' of scenario '" + scenario + "' is not [replication, year]");
  return *a;
}

std::vector<double> per_replication(const ResultArray& metric, std::size_t y, Span span) {
  const std::size_t reps = metric.shape[0], years = metric.shape[1];
  if (y >= years) throw IoError("results file: '" + metric.name + "' has fewer years than the results");
  std::vector<double> out(reps, 0.0);
  for (std::size_t r = 0; r < reps; ++r) {
    const double* row = metric.values.data() + r * years;
    switch (span) {
      case Span::in_year:
        out[r] = row[y];
        break;
      case Span::first_year:
        out[r] = row[0];
        break;
      case Span::through_year:
        for (std::size_t k = 0; k <= y; ++k) out[r] += row[k];
        break;
    }
  }
  return out;
}

std::size_t year_index(const ResultGroup& root, int year) {
  const ResultArray* years = root.array("years");
  if (years == nullptr || years->values.empty()) throw IoError("results file has no dataset 'years'");
  for (const double v : {years->values.front(), years->values.back()})
    if (!(std::abs(v) < 1.0e6)) throw IoError("results file: dataset 'years' holds no calendar years");
  const auto first = static_cast<int>(years->values.front());
  const auto last = static_cast<int>(years->values.back());
  if (year < first || year > last)
    throw UsageError("no year " + std::to_string(year) + "; the results hold " + std::to_string(first) + "-" +
                     std::to_string(last));
  return static_cast<std::size_t>(year - first);
}

const std::vector<Mechanism>& mechanisms(Metric metric) {
  static const std::map<Metric, std::vector<Mechanism>> table = all_mechanisms();
  return table.at(metric);
}

std::vector<MechanismDifference> explain(const ResultGroup& root, const std::string& base, const std::string& scenario,
                                         Metric metric, int year) {
  const std::size_t y = year_index(root, year);
  std::vector<MechanismDifference> rows;
  for (const Mechanism& m : mechanisms(metric)) {
    const std::vector<double> a = values(root, base, m, y);  // the base first: its errors name it
    rows.push_back({&m, stats::paired_difference(a, values(root, scenario, m, y), 0.95, replication_cluster(root))});
  }
  return rows;
}

}  // namespace leapsim::innovation
