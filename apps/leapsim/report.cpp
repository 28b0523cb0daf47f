#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/cost_effectiveness.hpp"
#include "leapsim/innovation/mechanisms.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

/// A phrase of the report in each language (printf patterns; the Chinese ones number their
/// arguments where the word order differs).
struct Term {
  const char* en;
  const char* zh;
};

/// Every phrase of the printed report, in the bureaus' terms; metric names come from the model's
/// table (metric_infos), money is shown in million yuan in English and in 万元 in Chinese.
struct Terms {
  Term header{"%s: %zu scenarios, %lld replications each, seed %llu\n",
              "%s：%zu 个方案，每个方案 %lld 次模拟，随机种子 %llu\n"};
  Term forecast{"\n== %s: mean [90%% interval]\n", "\n== %s：均值 [90%%区间]\n"};
  Term year{"year", "年份"};
  Term targets{"\n== Probability of meeting each target [95% Wilson interval]\n",
               "\n== 目标达成概率 [95% Wilson 区间]\n"};
  Term target{"%s (%s %s %g in %lld)\n", "%s（%s %s %g，%lld 年）\n"};
  Term comparisons{
      "\n== Alternatives against %1$s in %2$d: paired difference, mean [95%% t-interval] (common random numbers: "
      "as precise as about N unpaired replications)\n",
      "\n== %2$d 年各备选方案与 %1$s 的配对差值，均值 [95%% t 区间]（共同随机数：精度约相当于 N 次非配对模拟）\n"};
  Term alternative{"alternative", "备选方案"};
  Term exact{"exact", "精确"};
  Term unpaired{"~%s", "约 %s"};
  Term counts{"\n== What the figures count\n", "\n== 指标说明\n"};
  Term assumptions{
      "Assumptions: parameters marked \"assumption\" in the study file or docs/model.md have not been fitted to "
      "data, and targets marked \"illustrative\" are examples. The intervals count replication noise only unless "
      "the study draws from a posterior.\n",
      "假设：研究文件或 docs/model.md 中标为“假设”（assumption）的参数尚未经数据校准，标为“示例”（illustrative）"
      "的目标仅作示例；除非研究从后验分布抽取参数，区间只反映模拟随机误差。\n"};
  Term mechanisms{"\n== Why each alternative differs from %1$s in %2$d, by mechanism: mean [95%% t-interval]\n",
                  "\n== %2$d 年各备选方案与 %1$s 的差值按机制分解：均值 [95%% t 区间]\n"};
  Term explained{"%1$s: %3$s %4$s in %2$d against %5$s", "%1$s：%2$d 年%4$s比 %5$s 变化 %3$s"};
  Term item{"%1$s from %2$s", "%2$s %1$s"};
  Term no_difference{"%1$s: no difference in %2$s in any replication\n", "%1$s：%2$s在每次模拟中都没有差别\n"};
  Term of_parent{"  of the %s: ", "  %s中："};
  Term colon{": ", "："};
  Term semicolon{"; ", "；"};
  Term comma{", ", "，"};
  Term old_file{"(no breakdown: %s)\n", "（无法分解：%s）\n"};
  Term ranking{"\n== Ranking by extra HTEs in %1$d over %2$s: mean [95%% t-interval]\n",
               "\n== 按 %1$d 年比 %2$s 增加的高新技术企业数排名：均值 [95%% t 区间]\n"};
  Term ranked_extra{"%s HTEs\n", "%s 家高新技术企业\n"};
  Term ranking_paid{"\n== Ranking by extra HTEs in %1$d over %2$s (mean), with the mean total paid over the run\n",
                    "\n== 按 %1$d 年比 %2$s 增加的高新技术企业数排名（均值），及模拟期内平均奖补资金支出合计\n"};
  Term ranked{"%+7.1f HTEs   %8.1f M yuan paid\n", "%+7.1f 家高新技术企业   支出 %8.0f 万元\n"};
  Term no_cost_books{"(not by cost per extra HTE: the results file was written before the cost books)\n",
                     "（未按每增加一家高新技术企业的成本排名：该结果文件由成本账目之前的版本写出）\n"};
  Term cost_ranking{
      "\n== Ranking by cost per extra HTE to the county in %1$d (extra county cost %3$d-%1$d over %2$s divided by "
      "extra HTEs in %1$d): mean [95%% Fieller interval], M yuan\n",
      "\n== 按每增加一家高新技术企业的县级财政成本排名（%3$d-%1$d 年比 %2$s 增加的县级财政支出 ÷ %1$d "
      "年增加的高新技术企业数）："
      "均值 [95%% Fieller 区间]，万元\n"};
  Term per_extra{"%s per extra HTE", "每家 %s"};
  Term cost_ranked{"%1$s   (%2$+.1f HTEs for %3$s M yuan)", "%1$s   （%3$s 万元，高新技术企业 %2$+.1f 家）"};
  Term not_bounded{"not bounded (the extra HTEs may be zero)", "无界（增加的企业数可能为零）"};
  Term no_extra{"no extra HTEs", "未增加高新技术企业"};
  Term dominated{"   dominated by %s", "   被占优（劣于 %s）"};
  Term frontier{
      "\nEfficiency frontier (packages that no other package or mix of two beats on both cost and HTEs), by cost, "
      "with the cost of each extra HTE from the step before:\n",
      "\n效率前沿（在成本和高新技术企业数上都不被其他方案或两方案组合超越的方案），按成本排列，及相对上一步每增加一家的"
      "县级财政成本：\n"};
  Term frontier_step{"%1$s M yuan, %2$+.1f HTEs", "%1$s 万元，%2$+.1f 家"};
  Term frontier_increment{"   %s M yuan per extra HTE", "   每增加一家 %s 万元"};
  Term draws{
      "\n== Parameter uncertainty: %2$lld draws from %1$s (replications per draw: %3$lld); the bands above include "
      "it\n",
      "\n== 参数不确定性：从 %1$s 抽取 %2$lld 组参数，每组 %3$lld 次模拟；以上区间已包含参数不确定性\n"};
  Term shares{"share of the variance in %d from the parameters (the rest is replication noise)\n",
              "%d 年方差中来自参数的份额（其余为模拟随机误差）\n"};
  Term not_estimable{"not estimable: one replication per draw (set study.runs_per_draw to 2 or more to split it)\n",
                     "无法估计：每组参数仅模拟 1 次（将 study.runs_per_draw 设为 2 或以上可分解方差）\n"};
  Term clustered{
      "the replications of one draw share its parameters, so the intervals on differences, target probabilities "
      "and costs per extra HTE count the %lld draws as the independent units\n",
      "同组参数的各次模拟共享参数，因此差值、目标概率和每增加一家成本的区间以 %lld 组参数为独立单位计算\n"};
  Term scenario{"scenario", "方案"};
  Term adaptive_met{
      "\nAdaptive replications: stopped at %1$lld replications, when every precision asked for was reached "
      "(each interval judged at %2$.2f%% confidence, so that the final ones cover at 95%% whichever look stopped "
      "the run):\n",
      "\n自适应模拟次数：在 %1$lld 次模拟时停止，所有要求的精度均已达到（每次检查按 %2$.2f%% 置信度判断区间，"
      "无论在哪次检查停止，最终区间的覆盖率均不低于 95%%）：\n"};
  Term adaptive_cap{
      "\nAdaptive replications: stopped at the cap of %1$lld replications before every precision was reached "
      "(each interval judged at %2$.2f%% confidence):\n",
      "\n自适应模拟次数：达到上限 %1$lld 次模拟后停止，尚有精度未达到（每次检查按 %2$.2f%% 置信度判断区间）：\n"};
  Term precision_line{"  %1$-28s half-width %2$.3g, asked at most %3$g: %4$s\n",
                      "  %1$-28s 半宽 %2$.3g，要求不超过 %3$g：%4$s\n"};
  Term reached{"reached", "已达到"};
  Term not_reached{"not reached", "未达到"};
};
constexpr Terms kTerms;

/// A phrase in a language.
const char* say(const Term& term, Language language) { return language == Language::zh ? term.zh : term.en; }

/// The columns of the yearly table: metric, heading in each language, money (shown scaled), decimals.
struct Column {
  const char* metric;
  Term heading;
  bool money;
  int decimals;
  /// The divisor of the metric's values: million yuan in English, 万元 in Chinese.
  double scale(Language l) const { return !money ? 1.0 : l == Language::zh ? 1.0e4 : 1.0e6; }
  /// Decimals: 万元 are a hundred times finer than million yuan, so money drops its decimals.
  int places(Language l) const { return money && l == Language::zh ? 0 : decimals; }
};
constexpr Column kColumns[] = {
    {"tech_smes", {"tech SMEs", "科技型中小企业"}, false, 0},
    {"htes", {"HTEs", "高新技术企业"}, false, 0},
    {"invention_patents_per_10k", {"patents/10k", "每万人发明专利"}, false, 2},
    {"rd_spend", {"R&D (M yuan)", "研发经费（万元）"}, true, 0},
    {"subsidies_paid", {"paid (M yuan)", "奖补支出（万元）"}, true, 1},
};

/// A metric's name for a reader: its code in English, its Chinese description in Chinese.
std::string metric_label(const std::string& metric, Language language) {
  const auto m = innovation::metric_by_name(metric);
  if (language == Language::en || !m) return metric;
  return std::string(innovation::metric_infos()[static_cast<std::size_t>(*m)].description_zh);
}

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
  const Language l = v.language;
  const ResultGroup& scenarios = group(root, "scenarios");
  for (const std::string& name : attribute<std::vector<std::string>>(root, "scenarios")) {
    const ResultGroup& summary = group(group(scenarios, name), "summary");
    out << format(say(kTerms.forecast, l), name.c_str()) << pad(say(kTerms.year, l), 6);
    for (const Column& c : kColumns) out << "  " << pad(say(c.heading, l), 24);
    out << '\n';
    for (int y = v.first_year; y <= v.last_year; ++y) {
      out << format("%-6d", y);
      const std::size_t row = year_index(v, y);
      for (const Column& c : kColumns) {
        const ResultArray& s = array(summary, c.metric);  // columns: mean, sd, p05, p50, p95
        const int d = c.places(l);
        const double scale = c.scale(l);
        const std::string cell =
            format("%.*f [%.*f, %.*f]", d, at(s, row, 0) / scale, d, at(s, row, 2) / scale, d, at(s, row, 4) / scale);
        out << "  " << pad(cell, 24);
      }
      out << '\n';
    }
  }
}

void write_targets(const ResultGroup& root, Language l, std::ostream& out) {
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
  out << say(kTerms.targets, l);
  for (std::size_t t = 0; t < labels.size(); ++t) {
    out << format(say(kTerms.target, l), labels[t].c_str(), metric_label(metrics[t], l).c_str(), comparisons[t].c_str(),
                  thresholds[t], static_cast<long long>(years[t]));
    for (std::size_t s = 0; s < scenarios.size(); ++s)
      out << "  " << pad(scenarios[s], 44)
          << format(" %5.1f%%  [%5.1f%%, %5.1f%%]\n", 100.0 * at(p, t, s), 100.0 * at(lo, t, s), 100.0 * at(hi, t, s));
  }
}

/// How many unpaired replications per scenario would give the paired comparison's precision: the
/// replications times the variance reduction, to two significant figures with thousands separators.
std::string unpaired_equivalent(double replications, double reduction, Language l) {
  const double n = replications * reduction;
  // Beyond what an integer holds exactly (or negative, in a hostile file): exponent form.
  if (!(n >= 0.0 && n < 1.0e15)) return format(say(kTerms.unpaired, l), format("%.2g", n).c_str());
  const double step = std::pow(10.0, std::max(0.0, std::floor(std::log10(std::max(n, 1.0))) - 1.0));
  const auto rounded = static_cast<long long>(std::llround(n / step) * static_cast<long long>(step));
  std::string digits = std::to_string(rounded), grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return format(say(kTerms.unpaired, l), grouped.c_str());
}

std::string difference_cell(const ResultArray& a, std::size_t row, int decimals, double scale, double replications,
                            Language l) {
  // Columns: mean_difference, ci95_low, ci95_high, variance_base, variance_alternative,
  // variance_difference, variance_reduction.
  const double reduction = at(a, row, 6);
  const std::string factor =
      std::isfinite(reduction) ? unpaired_equivalent(replications, reduction, l) : say(kTerms.exact, l);
  return format("%+.*f [%+.*f, %+.*f] (%s)", decimals, at(a, row, 0) / scale, decimals, at(a, row, 1) / scale, decimals,
                at(a, row, 2) / scale, factor.c_str());
}

/// The metrics a comparison shows: the five key metrics, or the one asked for (headed by its
/// description).
std::vector<Column> report_columns(const ReportView& v) {
  if (!v.metric) return {std::begin(kColumns), std::end(kColumns)};
  const auto info = innovation::metric_by_name(*v.metric);
  if (!info) throw UsageError("unknown metric '" + *v.metric + "'");
  const innovation::MetricInfo& i = innovation::metric_infos()[static_cast<std::size_t>(*info)];
  return {Column{i.name.data(), {i.description.data(), i.description_zh.data()}, false, 2}};
}

/// What each figure of the report counts, in one line each, and which figures are assumptions.
void write_counts(Language l, std::ostream& out) {
  out << say(kTerms.counts, l);
  for (const Column& c : kColumns) {
    const innovation::MetricInfo& i =
        innovation::metric_infos()[static_cast<std::size_t>(*innovation::metric_by_name(c.metric))];
    out << pad(say(c.heading, l), 24) << ' ' << (l == Language::zh ? i.description_zh : i.description) << '\n';
  }
  out << say(kTerms.assumptions, l);
}

/// A signed value with its interval, in the column's display unit.
std::string signed_cell(double mean, double low, double high, int decimals, double scale) {
  return format("%+.*f [%+.*f, %+.*f]", decimals, mean / scale, decimals, low / scale, decimals, high / scale);
}

/// The parts joined by a separator.
std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : separator) + part;
  return text;
}

/// One package's difference in one metric, in words: the total, then each mechanism that moved it,
/// then each split of a mechanism. Rows that show as zero at the printed precision are left out.
std::string explanation(const std::string& name, const std::string& base, int year, const Column& c,
                        const ResultArray& compared, std::size_t row,
                        const std::vector<innovation::MechanismDifference>& rows, Language l) {
  const double scale = c.scale(l);
  const int decimals = c.money ? c.places(l) : std::max(c.places(l), 1);
  const double shown = 0.5 * std::pow(10.0, -decimals) * scale;
  const auto label = [l](const innovation::Mechanism& m) {
    return std::string(l == Language::zh ? m.label_zh : m.label);
  };
  const auto item = [&](const innovation::MechanismDifference& r) {
    const std::string value =
        signed_cell(r.difference.mean, r.difference.interval.low, r.difference.interval.high, decimals, scale);
    return format(say(kTerms.item, l), value.c_str(), label(*r.mechanism).c_str());
  };
  const std::string noun = say(c.heading, l);
  if (at(compared, row, 0) == 0.0 && at(compared, row, 5) == 0.0)  // the same in every replication
    return format(say(kTerms.no_difference, l), name.c_str(), noun.c_str());
  const std::string total =
      signed_cell(at(compared, row, 0), at(compared, row, 1), at(compared, row, 2), decimals, scale);
  std::string text = format(say(kTerms.explained, l), name.c_str(), year, total.c_str(), noun.c_str(), base.c_str());
  std::vector<std::string> parts;
  for (const auto& r : rows)
    if (r.mechanism->parent.empty() && std::abs(r.difference.mean) >= shown) parts.push_back(item(r));
  text += (parts.empty() ? "" : say(kTerms.colon, l) + joined(parts, say(kTerms.semicolon, l))) + "\n";
  for (const auto& parent : rows) {
    if (!parent.mechanism->parent.empty() || std::abs(parent.difference.mean) < shown) continue;
    std::vector<std::string> splits;  // one entry per split of the parent, its rows joined by commas
    std::vector<std::string> split;
    std::string_view current;
    for (const auto& r : rows) {
      if (r.mechanism->parent != parent.mechanism->key) continue;
      if (r.mechanism->split != current && !split.empty()) splits.push_back(joined(split, say(kTerms.comma, l)));
      if (r.mechanism->split != current) split.clear(), current = r.mechanism->split;
      if (std::abs(r.difference.mean) >= shown) split.push_back(item(r));
    }
    if (!split.empty()) splits.push_back(joined(split, say(kTerms.comma, l)));
    if (!splits.empty())
      text += format(say(kTerms.of_parent, l), label(*parent.mechanism).c_str()) +
              joined(splits, say(kTerms.semicolon, l)) + "\n";
  }
  return text;
}

/// Each package's difference from the base split by mechanism (leapsim/innovation/mechanisms.hpp):
/// HTEs and tech SMEs, or the metric asked for.
void write_mechanisms(const ResultGroup& root, const ReportView& v, std::ostream& out) {
  const ResultGroup& comparisons = group(root, "comparisons");
  if (comparisons.groups.empty()) return;
  const Language l = v.language;
  const int year = v.year.value_or(v.last_year);
  const std::size_t row = year_index(v, year);
  const std::vector<Column> columns = v.metric ? report_columns(v) : std::vector<Column>{kColumns[1], kColumns[0]};
  const std::string& base = attribute<std::string>(comparisons, "base");
  out << format(say(kTerms.mechanisms, l), base.c_str(), year);
  for (const ResultGroup& alt : comparisons.groups)
    for (const Column& c : columns) {
      std::vector<innovation::MechanismDifference> rows;
      try {
        rows = innovation::explain(root, base, alt.name, *innovation::metric_by_name(c.metric), year);
      } catch (const IoError& e) {
        out << format(say(kTerms.old_file, l), e.what());
        return;
      }
      out << explanation(alt.name, base, year, c, array(alt, c.metric), row, rows, l);
    }
}

/// The money divisor and decimals of the report's language: million yuan or 万元.
double money_scale(Language l) { return l == Language::zh ? 1.0e4 : 1.0e6; }
int money_places(Language l) { return l == Language::zh ? 0 : 2; }
/// A signed amount of yuan in the report's money unit.
std::string money_cell(double yuan, Language l) { return format("%+.*f", money_places(l), yuan / money_scale(l)); }

/// The ranking of files without cost books: by extra HTEs, with the mean total paid over the run,
/// saying why it is not by cost per extra HTE.
void write_paid_ranking(const ResultGroup& comparisons, const ResultGroup& scenarios, const std::string& base, int year,
                        std::size_t row, Language l, std::ostream& out) {
  struct Ranked {
    std::string name;
    double htes;
    double paid;
  };
  std::vector<Ranked> ranking;
  for (const ResultGroup& alt : comparisons.groups) {
    const ResultArray& paid = array(group(group(scenarios, alt.name), "summary"), "subsidies_paid");
    double total = 0.0;
    for (std::size_t y = 0; y < paid.shape.at(0); ++y) total += at(paid, y, 0);
    ranking.push_back({alt.name, at(array(alt, "htes"), row, 0), total});
  }
  std::stable_sort(ranking.begin(), ranking.end(), [](const Ranked& a, const Ranked& b) { return a.htes > b.htes; });
  out << format(say(kTerms.ranking_paid, l), year, base.c_str()) << say(kTerms.no_cost_books, l);
  for (std::size_t i = 0; i < ranking.size(); ++i)
    out << format("%2zu. ", i + 1) << pad(ranking[i].name, 44) << ' '
        << format(say(kTerms.ranked, l), ranking[i].htes, ranking[i].paid / money_scale(l));
}

/// The two rankings of a file with cost books, by extra HTEs and by cost per extra HTE to the
/// county (dominated packages marked), then the efficiency frontier step by step.
void write_rankings(const innovation::CostEffectiveness& ce, const ReportView& v, std::ostream& out) {
  const Language l = v.language;
  const double money = money_scale(l);
  const int places = money_places(l);
  std::vector<const innovation::PackageCostEffect*> by_effect;
  for (const auto& p : ce.packages) by_effect.push_back(&p);
  std::stable_sort(by_effect.begin(), by_effect.end(),
                   [](const auto* a, const auto* b) { return a->effect.mean > b->effect.mean; });
  out << format(say(kTerms.ranking, l), ce.year, ce.base.c_str());
  for (std::size_t i = 0; i < by_effect.size(); ++i) {
    const auto& e = by_effect[i]->effect;
    out << format("%2zu. ", i + 1) << pad(by_effect[i]->scenario, 44) << ' '
        << format(say(kTerms.ranked_extra, l), signed_cell(e.mean, e.interval.low, e.interval.high, 1, 1.0).c_str());
  }
  // Cheapest extra HTE first; packages that add none come last, in the order of their effect.
  const auto key = [](const innovation::PackageCostEffect* p) {
    return p->effect.mean > 0.0 ? p->cost_per_unit.ratio : std::numeric_limits<double>::infinity();
  };
  std::vector<const innovation::PackageCostEffect*> by_cost = by_effect;
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](const auto* a, const auto* b) { return key(a) < key(b); });
  out << format(say(kTerms.cost_ranking, l), ce.year, ce.base.c_str(), v.first_year);
  for (std::size_t i = 0; i < by_cost.size(); ++i) {
    const innovation::PackageCostEffect& p = *by_cost[i];
    const stats::RatioInterval& r = p.cost_per_unit;
    std::string cell = say(kTerms.no_extra, l);
    if (p.effect.mean > 0.0)
      cell = format(say(kTerms.per_extra, l),
                    (r.bounded ? format("%.*f [%.*f, %.*f]", places, r.ratio / money, places, r.interval.low / money,
                                        places, r.interval.high / money)
                               : format("%.*f, %s", places, r.ratio / money, say(kTerms.not_bounded, l)))
                        .c_str());
    out << format("%2zu. ", i + 1) << pad(p.scenario, 44) << ' '
        << format(say(kTerms.cost_ranked, l), cell.c_str(), p.effect.mean, money_cell(p.cost.mean, l).c_str())
        << (p.dominated ? format(say(kTerms.dominated, l), p.dominated_by.c_str()) : std::string()) << '\n';
  }
  out << say(kTerms.frontier, l);
  for (std::size_t i = 0; i < ce.frontier.size(); ++i) {
    const innovation::FrontierStep& step = ce.frontier[i];
    out << format("%2zu. ", i + 1) << pad(step.scenario, 44) << ' '
        << format(say(kTerms.frontier_step, l), money_cell(step.extra_cost, l).c_str(), step.extra);
    if (i > 0)
      out << format(say(kTerms.frontier_increment, l),
                    format("%.*f", places, step.incremental_cost_per_unit / money).c_str());
    out << '\n';
  }
}

void write_comparisons(const ResultGroup& root, const ReportView& v, std::ostream& out) {
  const Language l = v.language;
  const ResultGroup& comparisons = group(root, "comparisons");
  if (comparisons.groups.empty()) return;
  const int year = v.year.value_or(v.last_year);
  const std::size_t row = year_index(v, year);
  const std::vector<Column> columns = report_columns(v);
  const std::string& base = attribute<std::string>(comparisons, "base");
  out << format(say(kTerms.comparisons, l), base.c_str(), year) << pad(say(kTerms.alternative, l), 44);
  for (const Column& c : columns) out << "  " << pad(v.metric ? metric_label(c.metric, l) : say(c.heading, l), 34);
  out << '\n';
  const ResultGroup& scenarios = group(root, "scenarios");
  const auto replications = static_cast<double>(attribute<std::int64_t>(root, "replications"));
  for (const ResultGroup& alt : comparisons.groups) {
    out << pad(alt.name, 44);
    for (const Column& c : columns)
      out << "  " << pad(difference_cell(array(alt, c.metric), row, c.places(l), c.scale(l), replications, l), 34);
    out << '\n';
  }
  try {
    const innovation::CostEffectiveness ce = innovation::cost_effectiveness(root, base, "htes", year, "county");
    write_rankings(ce, v, out);
  } catch (const IoError&) {  // no cost metrics in the file
    write_paid_ranking(comparisons, scenarios, base, year, row, l, out);
  }
}

/// Where the posterior draws came from and, per scenario, the parameters' share of the variance of
/// each headline metric in the report's year; nothing for a run without a posterior.
void write_parameter_uncertainty(const ResultGroup& root, const ReportView& v, std::ostream& out) {
  const ResultGroup* draws = root.group("parameter_draws");
  if (draws == nullptr) return;
  const Language l = v.language;
  const std::int64_t runs = attribute<std::int64_t>(*draws, "runs_per_draw");
  const std::size_t reps = array(*draws, "values").shape.at(0);
  const auto count =
      static_cast<long long>((reps + static_cast<std::size_t>(runs) - 1) / static_cast<std::size_t>(runs));
  out << format(say(kTerms.draws, l), attribute<std::string>(*draws, "posterior_file").c_str(), count,
                static_cast<long long>(runs));
  const ResultGroup& scenarios = group(root, "scenarios");
  const auto& names = attribute<std::vector<std::string>>(root, "scenarios");
  if (attribute<std::int64_t>(group(group(scenarios, names.front()), "variance_decomposition"), "estimable") == 0) {
    out << say(kTerms.not_estimable, l);
    return;
  }
  const int year = v.year.value_or(v.last_year);
  const std::size_t row = year_index(v, year);
  out << format(say(kTerms.shares, l), year) << pad(say(kTerms.scenario, l), 44);
  const Column* decomposed[] = {&kColumns[0], &kColumns[1], &kColumns[4]};  // tech SMEs, HTEs, paid
  for (const Column* c : decomposed) out << "  " << pad(say(c->heading, l), 16);
  out << '\n';
  for (const std::string& name : names) {
    const ResultGroup& split = group(group(scenarios, name), "variance_decomposition");
    out << pad(name, 44);
    for (const Column* c : decomposed) {
      const double share = at(array(split, c->metric), row, 3);  // parameter_share
      out << "  " << pad(std::isfinite(share) ? format("%.0f%%", 100.0 * share) : std::string("-"), 16);
    }
    out << '\n';
  }
  out << format(say(kTerms.clustered, l), count);
}

/// How an adaptive run stopped and how wide each asked-for interval ended; nothing for a fixed run.
void write_adaptive(const ResultGroup& root, Language l, std::ostream& out) {
  const ResultGroup* adaptive = root.group("adaptive");
  if (adaptive == nullptr) return;
  const bool met = attribute<std::string>(*adaptive, "stopped_by") == "precision";
  out << format(say(met ? kTerms.adaptive_met : kTerms.adaptive_cap, l),
                static_cast<long long>(attribute<std::int64_t>(*adaptive, "replications_used")),
                100.0 * attribute<double>(*adaptive, "confidence_per_look"));
  const auto& texts = attribute<std::vector<std::string>>(*adaptive, "precision");
  const auto& asked = attribute<std::vector<double>>(*adaptive, "half_width");
  const auto& reached = attribute<std::vector<double>>(*adaptive, "half_width_reached");
  const auto& each_met = attribute<std::vector<std::int64_t>>(*adaptive, "met");
  for (std::size_t i = 0; i < texts.size(); ++i)
    out << format(say(kTerms.precision_line, l), texts[i].c_str(), reached.at(i), asked.at(i),
                  say(each_met.at(i) != 0 ? kTerms.reached : kTerms.not_reached, l));
}

}  // namespace

Language language_named(const std::string& name) {
  if (name == "en") return Language::en;
  if (name == "zh") return Language::zh;
  throw UsageError("unknown language '" + name + "'; expected en or zh");
}

void write_report(const ResultGroup& root, const ReportView& view, std::ostream& out) {
  if (view.metric && !innovation::metric_by_name(*view.metric))
    throw UsageError("unknown metric '" + *view.metric + "'");
  ReportView v = view;
  v.first_year = static_cast<int>(attribute<std::int64_t>(root, "first_year"));
  v.last_year = static_cast<int>(attribute<std::int64_t>(root, "last_year"));
  out << format(say(kTerms.header, v.language), attribute<std::string>(root, "study_name").c_str(),
                attribute<std::vector<std::string>>(root, "scenarios").size(),
                static_cast<long long>(attribute<std::int64_t>(root, "replications")),
                static_cast<unsigned long long>(attribute<std::uint64_t>(root, "seed")));
  if (!v.comparisons_only) {
    write_counts(v.language, out);
    write_forecasts(root, v, out);
    write_targets(root, v.language, out);
    write_parameter_uncertainty(root, v, out);
  }
  write_comparisons(root, v, out);
  write_mechanisms(root, v, out);
  if (!v.comparisons_only) write_adaptive(root, v.language, out);
}

}  // namespace leapsim::app
