#pragma once
// The schema of Parameters: every field's key, range, bounds, unit, source and one-line help in
// English and Chinese, listed once (its default is the member's initialiser). validate(), the YAML
// scenario reader and writer, shared_until and the key tables of docs/scenario-format.md
// (generated from here, see scenario/reference.hpp) all walk these lists, so a new field added
// here is parsed, written, range-checked and documented without further code.
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "leapsim/engine/time.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation::schema {

/// The values a numeric field accepts; dates are kinds of range because they are stored as Time.
enum class Range : std::uint8_t {
  any,             ///< any finite number
  non_negative,    ///< >= 0
  positive,        ///< > 0
  whole_positive,  ///< a whole number >= 1 (certificate validity in years)
  probability,     ///< in [0, 1]
  open_unit,       ///< in (0, 1): a median on the logit scale
  correlation,     ///< a symmetric, positive-definite correlation matrix (rows in YAML)
  date,            ///< a date inside the horizon
  date_or_before,  ///< a date inside the horizon, or -infinity for "before the start"
};

/// One word of an enumeration as written in scenario files.
template <class E>
struct EnumWord {
  E value;
  std::string_view word;
};

/// The words of an enumeration, in declaration order.
template <class E>
constexpr std::span<const EnumWord<E>> enum_words() noexcept;

// The words of each enumeration; the enum's own names, so files read like the code.
inline constexpr std::array<EnumWord<InitialStatus>, 3> kInitialStatusWords{
    {{InitialStatus::hte, "hte"}, {InitialStatus::tech_sme, "tech_sme"}, {InitialStatus::latent, "latent"}}};
inline constexpr std::array<EnumWord<Level>, 3> kLevelWords{
    {{Level::national, "national"}, {Level::provincial, "provincial"}, {Level::municipal, "municipal"}}};
inline constexpr std::array<EnumWord<CarrierKind>, 2> kCarrierKindWords{
    {{CarrierKind::incubator, "incubator"}, {CarrierKind::maker_space, "maker_space"}}};

inline constexpr std::array<EnumWord<Payer>, 2> kPayerWords{{{Payer::county, "county"}, {Payer::province, "province"}}};

template <>
constexpr std::span<const EnumWord<Payer>> enum_words<Payer>() noexcept {
  return kPayerWords;
}
template <>
constexpr std::span<const EnumWord<InitialStatus>> enum_words<InitialStatus>() noexcept {
  return kInitialStatusWords;
}
template <>
constexpr std::span<const EnumWord<Level>> enum_words<Level>() noexcept {
  return kLevelWords;
}
template <>
constexpr std::span<const EnumWord<CarrierKind>> enum_words<CarrierKind>() noexcept {
  return kCarrierKindWords;
}

/// The word of an enumeration value.
template <class E>
constexpr std::string_view word_of(E value) noexcept {
  for (const auto& w : enum_words<E>())
    if (w.value == value) return w.word;
  return "?";
}

/// True for the structs that have a field list below (they nest as YAML mappings).
template <class T>
inline constexpr bool kDescribed = false;

/// True when T, without const, is U: lets one field list serve both const and mutable objects.
template <class T, class U>
concept Is = std::is_same_v<std::remove_const_t<T>, U>;

/// The values a range allows, in words: ">= 0", "[0, 1]"; empty for any finite number. The
/// validator's messages and the generated key tables both say it this way.
constexpr std::string_view range_words(Range range) noexcept {
  switch (range) {
    case Range::any:
      return "";
    case Range::non_negative:
      return ">= 0";
    case Range::positive:
      return "> 0";
    case Range::whole_positive:
      return "a whole number >= 1";
    case Range::probability:
      return "[0, 1]";
    case Range::open_unit:
      return "(0, 1)";
    case Range::correlation:
      return "symmetric, unit diagonal, entries in [-1, 1], positive definite";
    case Range::date:
      return "inside the horizon";
    case Range::date_or_before:
      return "inside the horizon when given";
  }
  return "";
}

/// Everything a scenario file, its validation and its documentation need to know of one field
/// besides its key and type: the one place a parameter is declared (its default is the member's
/// initialiser in parameters.hpp). Converts to its Range, so visitors that need only the range
/// take a Range.
struct Field {
  Range range = Range::any;
  std::string_view unit;      ///< unit as the docs write it; empty for a pure number or text
  std::string_view help;      ///< one line: what the field means
  std::string_view help_zh;   ///< the same line in Chinese
  std::string_view source;    ///< where the default comes from: a citation, "published rule" or "assumption"
  std::string_view fallback;  ///< what a file gets when it leaves the key out, where that is not the C++ default
  double min = -std::numeric_limits<double>::infinity();       ///< lower bound beside the range (inclusive)
  double max = std::numeric_limits<double>::infinity();        ///< upper bound (inclusive): what a run can hold
  constexpr operator Range() const noexcept { return range; }  // NOLINT: a Field is used where a Range is
};

/// Firms a year or in a group beyond which no machine holds the run: the bound of every count.
inline constexpr double kMaxFirms = 5.0e7;
/// Yuan beyond which a figure is not a firm's or a bureau's (ten trillion yuan).
inline constexpr double kMaxYuan = 1.0e13;

// Field lists. A visitor is called as v(key, member) or v(key, member, field) once per field, in
// the order scenario files and to_yaml() use.

template <class V, Is<Region> T>
void describe(V& v, T& r) {
  v("name", r.name,
    Field{.help = "the district or province simulated", .help_zh = "模拟的区县或省份", .source = "the first user"});
  v("residents", r.residents,
    Field{.range = Range::positive,
          .unit = "persons",
          .help = "residents, for patents per 10,000 residents",
          .help_zh = "常住人口（用于每万人发明专利拥有量）",
          .source = "assumption, until a yearbook figure is found",
          .max = 2.0e9});
}

template <class V, Is<AttributeDistribution> T>
void describe(V& v, T& a) {
  constexpr std::string_view assumption = "assumption";
  v("revenue_median", a.revenue_median,
    Field{.range = Range::positive,
          .unit = "yuan / year",
          .help = "median revenue",
          .help_zh = "营业收入中位数",
          .source = assumption,
          .max = kMaxYuan});
  v("revenue_log_sd", a.revenue_log_sd,
    Field{.range = Range::non_negative,
          .help = "standard deviation of log revenue",
          .help_zh = "营业收入对数的标准差",
          .source = assumption,
          .max = 10.0});
  v("employees_median", a.employees_median,
    Field{.range = Range::positive,
          .unit = "persons",
          .help = "median employees",
          .help_zh = "职工人数中位数",
          .source = assumption,
          .max = 1.0e6});
  v("employees_log_sd", a.employees_log_sd,
    Field{.range = Range::non_negative,
          .help = "standard deviation of log employees",
          .help_zh = "职工人数对数的标准差",
          .source = assumption,
          .max = 10.0});
  v("rd_intensity_median", a.rd_intensity_median,
    Field{.range = Range::positive,
          .unit = "R&D / revenue",
          .help = "median R&D intensity",
          .help_zh = "研发投入强度中位数",
          .source = assumption,
          .max = 1.0});
  v("rd_intensity_log_sd", a.rd_intensity_log_sd,
    Field{.range = Range::non_negative,
          .help = "standard deviation of log R&D intensity",
          .help_zh = "研发投入强度对数的标准差",
          .source = assumption,
          .max = 10.0});
  v("staff_share_median", a.staff_share_median,
    Field{.range = Range::open_unit,
          .unit = "S&T staff / staff",
          .help = "median share of S&T staff",
          .help_zh = "科技人员占比中位数",
          .source = assumption});
  v("staff_share_logit_sd", a.staff_share_logit_sd,
    Field{.range = Range::non_negative,
          .help = "standard deviation of the logit staff share",
          .help_zh = "科技人员占比 logit 的标准差",
          .source = assumption,
          .max = 10.0});
  v("correlation", a.correlation,
    Field{.range = Range::correlation,
          .help = "correlation of log revenue, log employees, log R&D intensity, logit staff share",
          .help_zh = "营业收入、职工人数、研发强度（对数）与科技人员占比（logit）的相关矩阵",
          .source = assumption});
  v("hitech_share_median", a.hitech_share_median,
    Field{.range = Range::open_unit,
          .unit = "share of revenue",
          .help = "median high-tech product revenue share",
          .help_zh = "高新技术产品收入占比中位数",
          .source = assumption});
  v("hitech_share_logit_sd", a.hitech_share_logit_sd,
    Field{.range = Range::non_negative,
          .help = "standard deviation of the logit high-tech share",
          .help_zh = "高新技术产品收入占比 logit 的标准差",
          .source = assumption,
          .max = 10.0});
  v("asset_ratio_median", a.asset_ratio_median,
    Field{.range = Range::positive,
          .unit = "assets / revenue",
          .help = "median ratio of total assets to revenue",
          .help_zh = "资产总额与营业收入之比的中位数",
          .source = assumption,
          .max = 1.0e3});
  v("asset_ratio_log_sd", a.asset_ratio_log_sd,
    Field{.range = Range::non_negative,
          .help = "standard deviation of the log asset ratio",
          .help_zh = "资产收入比对数的标准差",
          .source = assumption,
          .max = 10.0});
  v("manufacturing_share", a.manufacturing_share,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance a firm is a manufacturer",
          .help_zh = "企业属于制造业的概率",
          .source = assumption});
  v("invention_patents_mean", a.invention_patents_mean,
    Field{.range = Range::non_negative,
          .unit = "patents",
          .help = "Poisson mean of invention patents held at birth",
          .help_zh = "初始持有发明专利数的泊松均值",
          .source = assumption,
          .max = 1.0e4});
  v("other_ip_mean", a.other_ip_mean,
    Field{.range = Range::non_negative,
          .unit = "items",
          .help = "Poisson mean of utility models and software copyrights held at birth",
          .help_zh = "初始持有实用新型、软件著作权数的泊松均值",
          .source = assumption,
          .max = 1.0e4});
}

template <class V, Is<InitialGroup> T>
void describe(V& v, T& g) {
  v("status", g.status,
    Field{.help = "hte (valid HTE certificate), tech_sme (registered the year before the start) or latent",
          .help_zh = "hte（持有有效高企证书）、tech_sme（起始前一年已入库）或 latent（未入库）",
          .fallback = "(required)"});
  v("count", g.count,
    Field{.unit = "firms",
          .help = "firms in the group",
          .help_zh = "该组企业数",
          .fallback = "(required)",
          .max = kMaxFirms});
  v("age_mean", g.age_mean,
    Field{.range = Range::positive,
          .unit = "years",
          .help = "mean age (ages drawn exponential)",
          .help_zh = "平均企业年龄（按指数分布抽取）",
          .source = "assumption",
          .max = 200.0});
  v("attributes", g.attributes,
    Field{.help = "the distribution the group's firms are drawn from", .help_zh = "该组企业属性的分布"});
}

template <class V, Is<Carrier> T>
void describe(V& v, T& c) {
  v("name", c.name, Field{.help = "shown in reports", .help_zh = "名称"});
  v("kind", c.kind, Field{.help = "incubator or maker_space", .help_zh = "孵化器或众创空间", .fallback = "(required)"});
  v("level", c.level,
    Field{.help = "national, provincial or municipal", .help_zh = "国家级、省级或市级", .fallback = "(required)"});
  v("capacity", c.capacity,
    Field{.unit = "firm slots",
          .help = "firms it can hold",
          .help_zh = "可容纳企业数（缺省时按类型和级别取值）",
          .source = "assumption: typical sizes in Hebei",
          .fallback = "by kind and level (below)",
          .max = 1.0e6});
  v("opens", c.opens,
    Field{.range = Range::date_or_before,
          .help = "opening date; open before the start when left out",
          .help_zh = "启用日期；缺省为起始前已启用"});
  v("initial_occupancy", c.initial_occupancy,
    Field{.range = Range::probability,
          .unit = "share of slots",
          .help = "share of slots filled at the start",
          .help_zh = "起始时的入驻率",
          .source = "assumption"});
}

template <class V, Is<PlatformBuild> T>
void describe(V& v, T& b) {
  v("date", b.date,
    Field{
        .range = Range::date, .help = "when the platforms are built", .help_zh = "建成日期", .fallback = "(required)"});
  v("count", b.count,
    Field{.unit = "platforms",
          .help = "platforms built, attached to the firms with the largest R&D spend",
          .help_zh = "新建平台数（依托研发投入最大的企业）",
          .max = 1.0e6});
  v("level", b.level, Field{.help = "national, provincial or municipal (no effect)", .help_zh = "级别（不影响模拟）"});
}

template <class V, Is<EntryParameters> T>
void describe(V& v, T& e) {
  v("base_rate", e.base_rate,
    Field{.range = Range::non_negative,
          .unit = "firms / year",
          .help = "entrants a year besides the parts below",
          .help_zh = "每年基础新进入企业数",
          .source = "assumption, to calibrate",
          .max = 1.0e7});
  v("rate_per_free_slot", e.rate_per_free_slot,
    Field{.range = Range::non_negative,
          .unit = "entries / free slot / year",
          .help = "incubated entrants a year per free carrier slot",
          .help_zh = "每个空余孵化载体位每年带来的入孵企业数",
          .source = "assumption",
          .max = 100.0});
  v("in_migration_rate", e.in_migration_rate,
    Field{.range = Range::non_negative,
          .unit = "firms / year",
          .help = "firms a year attracted from outside",
          .help_zh = "每年从外地迁入的企业数",
          .source = "assumption",
          .max = 1.0e7});
  v("residence_years", e.residence_years,
    Field{.range = Range::positive,
          .unit = "years",
          .help = "years a firm stays in its carrier",
          .help_zh = "企业在孵化载体中的停留年数",
          .source = "assumption",
          .max = 100.0});
  v("base_rate_growth", e.base_rate_growth,
    Field{.unit = "/ year",
          .help = "yearly growth of base_rate with the region's enterprise stock, read each 1 January; a schedule",
          .help_zh = "基础进入率随地区企业总量的年增长率（每年1月1日取值，可按日期变化）",
          .source = "assumption; enterprise legal units grew 17.7% a year in China and 13.8% in Beijing-Tianjin-Hebei, "
                    "2013-2018 (Fourth National Economic Census)",
          .min = -0.5,
          .max = 1.0});
  v("attributes", e.attributes, Field{.help = "entrants' attributes", .help_zh = "新进入企业的属性分布"});
}

template <class V, Is<UpgradeParameters> T>
void describe(V& v, T& u) {
  constexpr std::string_view assumption = "assumption";
  v("probability", u.probability,
    Field{.range = Range::probability,
          .unit = "/ year",
          .help =
              "chance a year that a firm short of an HTE threshold upgrades to meet it (0: attributes fixed at birth)",
          .help_zh = "未达高企门槛的企业每年提升至门槛以上的概率（0：属性固定）",
          .source = assumption});
  v("in_carrier_probability", u.in_carrier_probability,
    Field{.range = Range::probability,
          .unit = "/ year",
          .help = "added while the firm sits in an incubator or maker space",
          .help_zh = "在孵企业的额外提升概率",
          .source = assumption});
  v("probability_per_100k", u.probability_per_100k,
    Field{.range = Range::non_negative,
          .unit = "/ 100,000 yuan",
          .help = "chance of not upgrading shrinks by exp(-k reward/100k), the reward a new HTE would get",
          .help_zh = "奖励响应：未提升概率按 exp(-k×新认定奖励/10万元) 缩小",
          .source = assumption,
          .max = 100.0});
  v("margin", u.margin,
    Field{.range = Range::non_negative,
          .unit = "share",
          .help = "an upgrade lands this far above each threshold the firm fell short of (0.1: 10% above)",
          .help_zh = "提升后高出门槛的比例",
          .source = assumption,
          .max = 10.0});
}

template <class V, Is<GrowthParameters> T>
void describe(V& v, T& g) {
  constexpr std::string_view assumption = "assumption";
  v("drift", g.drift,
    Field{.unit = "/ year",
          .help = "revenue growth (GBM drift)",
          .help_zh = "营业收入增长率（几何布朗运动漂移）",
          .source = assumption,
          .min = -1.0,
          .max = 1.0});
  v("hte_drift_bonus", g.hte_drift_bonus,
    Field{.unit = "/ year",
          .help = "added to the drift for HTEs",
          .help_zh = "高新技术企业的增长率加成",
          .source = assumption,
          .min = -1.0,
          .max = 1.0});
  v("subsidised_drift_bonus", g.subsidised_drift_bonus,
    Field{.unit = "/ year",
          .help = "added over the review year in which a reward or subsidy was paid",
          .help_zh = "获得奖励或补贴当年的增长率加成",
          .source = assumption,
          .min = -1.0,
          .max = 1.0});
  v("volatility", g.volatility,
    Field{.range = Range::non_negative,
          .unit = "/ sqrt(year)",
          .help = "revenue volatility",
          .help_zh = "营业收入波动率",
          .source = assumption,
          .max = 10.0});
  v("employment_elasticity", g.employment_elasticity,
    Field{.range = Range::non_negative,
          .help = "d log employees / d log revenue",
          .help_zh = "职工人数对营业收入的弹性",
          .source = assumption,
          .max = 10.0});
}

template <class V, Is<RdParameters> T>
void describe(V& v, T& r) {
  v("adjustment_rate", r.adjustment_rate,
    Field{.range = Range::non_negative,
          .unit = "/ year",
          .help = "speed at which R&D intensity moves to its target",
          .help_zh = "研发强度向目标值调整的速度",
          .source = "assumption",
          .max = 100.0});
  v("cost_elasticity", r.cost_elasticity,
    Field{.range = Range::non_negative,
          .help = "elasticity of R&D to its user cost",
          .help_zh = "研发投入对研发使用成本的弹性",
          .source = "assumption",
          .max = 10.0});
  v("tax_rate", r.tax_rate,
    Field{.range = Range::probability,
          .help = "corporate income tax rate",
          .help_zh = "企业所得税税率",
          .source = "Enterprise Income Tax Law, art. 4"});
  v("hte_tax_rate", r.hte_tax_rate,
    Field{.range = Range::probability,
          .help = "HTE preferential tax rate",
          .help_zh = "高新技术企业优惠税率",
          .source = "Enterprise Income Tax Law, art. 28"});
  v("reference_deduction", r.reference_deduction,
    Field{.range = Range::non_negative,
          .help = "super-deduction rate when birth intensities were observed",
          .help_zh = "观测初始研发强度时的加计扣除比例",
          .source = "the 2018 rate, MOF/STA 2018 No. 99",
          .max = 10.0});
  v("deduction_manufacturing", r.deduction_manufacturing,
    Field{.range = Range::non_negative,
          .help = "R&D super-deduction rate of manufacturers; dates may lie outside the horizon",
          .help_zh = "制造业企业研发费用加计扣除比例",
          .source = "Implementing Regulations of the Enterprise Income Tax Law, art. 95; Caishui [2018] No. 99; "
                    "MOF/STA 2021 No. 13",
          .max = 10.0});
  v("deduction_other", r.deduction_other,
    Field{.range = Range::non_negative,
          .help = "R&D super-deduction rate of other firms; dates may lie outside the horizon",
          .help_zh = "其他企业研发费用加计扣除比例",
          .source = "Implementing Regulations of the Enterprise Income Tax Law, art. 95; Caishui [2018] No. 99; "
                    "MOF/STA 2023 No. 7",
          .max = 10.0});
  v("platform_multiplier", r.platform_multiplier,
    Field{.range = Range::non_negative,
          .help = "R&D target multiplier with an R&D platform",
          .help_zh = "拥有研发平台时研发目标的倍数",
          .source = "assumption",
          .max = 100.0});
}

template <class V, Is<PatentParameters> T>
void describe(V& v, T& p) {
  constexpr std::string_view assumption = "assumption";
  v("rate_per_million_rd", p.rate_per_million_rd,
    Field{.range = Range::non_negative,
          .unit = "applications / year",
          .help = "applications a year per (million yuan of R&D) to the elasticity",
          .help_zh = "每（百万元研发投入）^弹性 每年的专利申请数",
          .source = assumption,
          .max = 1.0e4});
  v("rd_elasticity", p.rd_elasticity,
    Field{.range = Range::non_negative,
          .help = "elasticity of applications to R&D spend",
          .help_zh = "专利申请对研发投入的弹性",
          .source = assumption,
          .max = 10.0});
  v("base_rate", p.base_rate,
    Field{.range = Range::non_negative,
          .unit = "applications / year",
          .help = "applications a year without R&D",
          .help_zh = "无研发投入时每年的专利申请数",
          .source = assumption,
          .max = 1.0e3});
  v("invention_share", p.invention_share,
    Field{.range = Range::probability,
          .unit = "share",
          .help = "share of applications that are inventions",
          .help_zh = "发明专利申请占比",
          .source = assumption});
  v("invention_delay_mean", p.invention_delay_mean,
    Field{.range = Range::positive,
          .unit = "years",
          .help = "mean time to an invention decision",
          .help_zh = "发明专利平均审查周期",
          .source = "assumption: about 2-3 years",
          .max = 100.0});
  v("invention_grant_probability", p.invention_grant_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance an invention application is granted",
          .help_zh = "发明专利授权率",
          .source = "assumption: about 0.5"});
  v("other_delay_mean", p.other_delay_mean,
    Field{.range = Range::positive,
          .unit = "years",
          .help = "mean time to a utility-model or copyright decision",
          .help_zh = "实用新型、软件著作权平均审查周期",
          .source = assumption,
          .max = 100.0});
  v("other_grant_probability", p.other_grant_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance other IP is granted",
          .help_zh = "其他知识产权授权率",
          .source = assumption});
  v("platform_multiplier", p.platform_multiplier,
    Field{.range = Range::non_negative,
          .help = "application rate multiplier with an R&D platform",
          .help_zh = "拥有研发平台时专利申请率的倍数",
          .source = assumption,
          .max = 100.0});
  v("subsidy_effect_per_10k", p.subsidy_effect_per_10k,
    Field{.range = Range::non_negative,
          .unit = "share per 10,000 yuan",
          .help = "rise of the application rate per 10,000 yuan of expected subsidy",
          .help_zh = "每万元预期资助带来的专利申请率增幅",
          .source = assumption,
          .max = 100.0});
}

template <class V, Is<TechSmeParameters> T>
void describe(V& v, T& t) {
  constexpr std::string_view rule = "published rule";
  v("max_employees", t.max_employees,
    Field{.range = Range::positive,
          .unit = "persons",
          .help = "staff limit of a tech SME",
          .help_zh = "科技型中小企业职工人数上限",
          .source = rule,
          .max = 1.0e7});
  v("max_revenue", t.max_revenue,
    Field{.range = Range::positive,
          .unit = "yuan",
          .help = "revenue limit",
          .help_zh = "年销售收入上限",
          .source = rule,
          .max = kMaxYuan});
  v("max_assets", t.max_assets,
    Field{.range = Range::positive,
          .unit = "yuan",
          .help = "total-assets limit",
          .help_zh = "资产总额上限",
          .source = rule,
          .max = kMaxYuan});
  v("pass_score", t.pass_score,
    Field{.range = Range::non_negative,
          .unit = "points",
          .help = "evaluation score needed, out of 100",
          .help_zh = "评价得分要求（满分100）",
          .source = rule,
          .max = 100.0});
  v("register_probability", t.register_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance an eligible unregistered firm registers in a year; a schedule, so the push to register may "
                  "change at dates",
          .help_zh = "符合条件的未入库企业当年入库的概率（可按日期变化）",
          .source = "assumption; the shipped scenarios fit it on Hebei"});
  v("renew_probability", t.renew_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance a registered firm registers again",
          .help_zh = "已入库企业次年继续入库的概率",
          .source = "assumption"});
  v("deduction", t.deduction,
    Field{.range = Range::non_negative,
          .help = "R&D super-deduction rate a registered tech SME may claim; registering is worth its excess over "
                  "rd.deduction_*",
          .help_zh = "入库科技型中小企业可享受的研发费用加计扣除比例",
          .source = "Caishui [2017] No. 34; MOF/STA/MOST 2022 No. 16",
          .max = 10.0});
  v("register_probability_per_10k", t.register_probability_per_10k,
    Field{.range = Range::non_negative,
          .unit = "/ 10,000 yuan",
          .help = "chance of not registering shrinks by exp(-k benefit/10,000 yuan), the benefit the tax the extra "
                  "deduction saves",
          .help_zh = "入库收益响应：未入库概率按 exp(-k×收益/1万元) 缩小",
          .source = "assumption (0: the benefit is not weighed)",
          .max = 100.0});
}

template <class V, Is<HteParameters> T>
void describe(V& v, T& h) {
  constexpr std::string_view rule = "published rule";
  v("round_date", h.round_date,
    Field{.help = "day of the year certificates are dated (MM-DD)",
          .help_zh = "每年高企认定证书的发证日（月-日）",
          .source = "assumption"});
  v("min_age_years", h.min_age_years,
    Field{.range = Range::non_negative,
          .unit = "years",
          .help = "years registered before applying",
          .help_zh = "申请前注册成立年限",
          .source = rule,
          .max = 100.0});
  v("min_staff_share", h.min_staff_share,
    Field{.range = Range::probability,
          .unit = "share",
          .help = "minimum S&T staff share",
          .help_zh = "科技人员占比下限",
          .source = rule});
  v("min_hitech_share", h.min_hitech_share,
    Field{.range = Range::probability,
          .unit = "share",
          .help = "minimum high-tech revenue share",
          .help_zh = "高新技术产品收入占比下限",
          .source = rule});
  v("min_score", h.min_score,
    Field{.range = Range::non_negative,
          .unit = "points",
          .help = "innovation score needed, out of 100",
          .help_zh = "创新能力评价得分要求（满分100）",
          .source = rule,
          .max = 100.0});
  v("tier_small_revenue", h.tier_small_revenue,
    Field{.range = Range::positive,
          .unit = "yuan",
          .help = "revenue up to which the small-firm R&D ratio applies",
          .help_zh = "适用小企业研发比例的销售收入上限",
          .source = rule,
          .max = kMaxYuan});
  v("tier_medium_revenue", h.tier_medium_revenue,
    Field{.range = Range::positive,
          .unit = "yuan",
          .help = "revenue up to which the medium R&D ratio applies; above tier_small_revenue",
          .help_zh = "适用中等企业研发比例的销售收入上限",
          .source = rule,
          .max = kMaxYuan});
  v("rd_ratio_small", h.rd_ratio_small,
    Field{.range = Range::probability,
          .unit = "share",
          .help = "3-year R&D / revenue needed up to the small tier",
          .help_zh = "小企业近三年研发费用占比要求",
          .source = rule});
  v("rd_ratio_medium", h.rd_ratio_medium,
    Field{.range = Range::probability,
          .unit = "share",
          .help = "the same up to the medium tier",
          .help_zh = "中等企业近三年研发费用占比要求",
          .source = rule});
  v("rd_ratio_large", h.rd_ratio_large,
    Field{.range = Range::probability,
          .unit = "share",
          .help = "the same above it",
          .help_zh = "大企业近三年研发费用占比要求",
          .source = rule});
  v("validity_years", h.validity_years,
    Field{.range = Range::whole_positive,
          .unit = "years",
          .help = "years a certificate is valid",
          .help_zh = "高企证书有效期",
          .source = rule,
          .max = 100.0});
  v("apply_probability", h.apply_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance an eligible firm applies without a reward; a schedule, so it may change at dates",
          .help_zh = "无奖励时符合条件企业申报的概率（可按日期变化）",
          .source = "assumption; the shipped scenarios fit it on Hebei"});
  v("apply_probability_per_100k", h.apply_probability_per_100k,
    Field{.range = Range::non_negative,
          .help = "k: a reward W shrinks the chance of not applying by exp(-k W / 100000)",
          .help_zh = "奖励效应系数 k：奖励 W 使不申报概率乘以 exp(-k W / 100000)",
          .source = "assumption",
          .max = 100.0});
  v("renew_probability", h.renew_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance an eligible holder applies to renew",
          .help_zh = "符合条件的到期企业申请重新认定的概率",
          .source = "assumption"});
  v("pass_probability", h.pass_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "chance an application passes the review",
          .help_zh = "申报企业通过评审的概率",
          .source = "assumption: the provincial review is the filter"});
  v("coached_pass_probability", h.coached_pass_probability,
    Field{.range = Range::probability,
          .unit = "probability",
          .help = "the same with one-enterprise-one-policy coaching",
          .help_zh = "接受一企一策辅导后通过评审的概率",
          .source = "assumption"});
}

template <class V, Is<ExitParameters> T>
void describe(V& v, T& e) {
  v("age_breaks", e.age_breaks,
    Field{.range = Range::positive,
          .unit = "years",
          .help = "ages at which the hazard changes, strictly increasing",
          .help_zh = "退出风险分段的年龄界点（严格递增）",
          .source = "SAIC 2013: exits peak at ages 3-7",
          .max = 200.0});
  v("hazards", e.hazards,
    Field{.range = Range::non_negative,
          .unit = "/ year",
          .help = "exit hazard in each age band",
          .help_zh = "各年龄段的退出风险",
          .source = "assumption: highest at ages 3-7, integrating to ln 2 at 10.7 years, the median SME lifespan",
          .max = 100.0});
  v("hte_multiplier", e.hte_multiplier,
    Field{.range = Range::non_negative,
          .help = "hazard multiplier for HTEs",
          .help_zh = "高新技术企业退出风险倍数",
          .source = "assumption",
          .max = 100.0});
  v("incubated_multiplier", e.incubated_multiplier,
    Field{.range = Range::non_negative,
          .help = "hazard multiplier inside a carrier",
          .help_zh = "在孵企业退出风险倍数",
          .source = "assumption",
          .max = 100.0});
  v("large_multiplier", e.large_multiplier,
    Field{.range = Range::non_negative,
          .help = "hazard multiplier for large firms",
          .help_zh = "较大企业退出风险倍数",
          .source = "assumption",
          .max = 100.0});
  v("large_employees", e.large_employees,
    Field{.range = Range::non_negative,
          .unit = "persons",
          .help = "staff above which a firm counts as large",
          .help_zh = "较大企业的职工人数门槛",
          .source = "assumption",
          .max = 1.0e7});
}

template <class V, Is<TurnoverParameters> T>
void describe(V& v, T& t) {
  v("per_yuan_hte_rd", t.per_yuan_hte_rd,
    Field{.range = Range::non_negative,
          .unit = "yuan / yuan of HTE R&D",
          .help = "technology-contract turnover per yuan of HTE R&D",
          .help_zh = "每元高企研发投入对应的技术合同成交额",
          .source = "assumption, to calibrate",
          .max = 1.0e3});
  v("per_platform", t.per_platform,
    Field{.range = Range::non_negative,
          .unit = "yuan / platform / year",
          .help = "turnover per R&D platform",
          .help_zh = "每个研发平台每年的技术合同成交额",
          .source = "assumption, to calibrate",
          .max = 1.0e12});
}

template <class V, Is<PolicyLevers> T>
void describe(V& v, T& p) {
  v("hte_reward_new", p.hte_reward_new,
    Field{.range = Range::non_negative,
          .unit = "yuan per new HTE",
          .help = "reward for a first certification",
          .help_zh = "首次认定高新技术企业奖励",
          .source = "Hebei province reward",
          .max = 1.0e9});
  v("hte_reward_renewal", p.hte_reward_renewal,
    Field{.range = Range::non_negative,
          .unit = "yuan per renewal",
          .help = "reward for a renewed certificate",
          .help_zh = "重新认定高新技术企业奖励",
          .source = "off: not part of the package unless a scenario sets it",
          .max = 1.0e9});
  v("rd_subsidy_rate", p.rd_subsidy_rate,
    Field{.range = Range::probability,
          .unit = "share of R&D spend",
          .help = "R&D subsidy as a share of last year's R&D",
          .help_zh = "研发费用补助比例",
          .source = "off: not part of the package unless a scenario sets it"});
  v("rd_subsidy_cap", p.rd_subsidy_cap,
    Field{.range = Range::non_negative,
          .unit = "yuan per firm per year",
          .help = "most R&D subsidy a firm gets in a year",
          .help_zh = "单个企业每年研发补助上限",
          .source = "assumption",
          .max = 1.0e10});
  v("patent_subsidy_application", p.patent_subsidy_application,
    Field{.range = Range::non_negative,
          .unit = "yuan per invention application",
          .help = "subsidy per invention application",
          .help_zh = "发明专利申请资助",
          .source = "off: not part of the package unless a scenario sets it",
          .max = 1.0e8});
  v("patent_subsidy_grant", p.patent_subsidy_grant,
    Field{.range = Range::non_negative,
          .unit = "yuan per invention granted",
          .help = "subsidy per invention granted",
          .help_zh = "发明专利授权资助",
          .source = "off: not part of the package unless a scenario sets it",
          .max = 1.0e8});
  v("coaching_capacity", p.coaching_capacity,
    Field{.range = Range::non_negative,
          .unit = "firms coached per year",
          .help = "applicants coached a year (one enterprise, one policy)",
          .help_zh = "每年一企一策辅导的企业数",
          .source = "off: not part of the package unless a scenario sets it",
          .max = kMaxFirms});
  v("outreach", p.outreach,
    Field{.range = Range::probability,
          .help = "added to the tech-SME register probability",
          .help_zh = "宣传动员带来的科技型中小企业入库概率增量",
          .source = "off: not part of the package unless a scenario sets it"});
  v("talent_firms_per_year", p.talent_firms_per_year,
    Field{.range = Range::non_negative,
          .unit = "firms / year",
          .help = "extra in-migrating firms a year",
          .help_zh = "人才引进计划每年额外引进的企业数",
          .source = "off: not part of the package unless a scenario sets it",
          .max = 1.0e7});
  v("talent_cost_per_firm", p.talent_cost_per_firm,
    Field{.range = Range::non_negative,
          .unit = "yuan per attracted firm",
          .help = "talent programme cost per firm",
          .help_zh = "每引进一家企业的人才计划费用",
          .source = "assumption",
          .max = 1.0e10});
  v("budget", p.budget,
    Field{.range = Range::non_negative,
          .unit = "yuan per year",
          .help = "the bureau's special fund",
          .help_zh = "科技专项资金年度预算",
          .source = "assumption",
          .max = kMaxYuan});
}

template <class V, Is<CostParameters> T>
void describe(V& v, T& c) {
  v("fund_payer", c.fund_payer,
    Field{.help = "whose special fund policy.budget is: county or province",
          .help_zh = "专项资金（policy.budget）的出资方：county（县区）或 province（省）",
          .source = "the first user, a district bureau"});
  v("province_hte_reward_new", c.province_hte_reward_new,
    Field{.range = Range::non_negative,
          .unit = "yuan per new HTE",
          .help = "the part of policy.hte_reward_new the province pays (outside the fund, never refused)",
          .help_zh = "新认定高企奖励中由省级财政承担的部分（不占用专项资金）",
          .source = "Hebei province reward, 100,000 yuan (model.md)",
          .max = kMaxYuan});
  v("province_hte_reward_renewal", c.province_hte_reward_renewal,
    Field{.range = Range::non_negative,
          .unit = "yuan per renewal",
          .help = "the part of policy.hte_reward_renewal the province pays",
          .help_zh = "高企重新认定奖励中由省级财政承担的部分",
          .source = "assumption: no provincial renewal reward",
          .max = kMaxYuan});
  v("coaching_per_firm", c.coaching_per_firm,
    Field{.range = Range::non_negative,
          .unit = "yuan per firm coached",
          .help = "cost of one-enterprise-one-policy coaching for one applicant",
          .help_zh = "一企一策辅导每家企业的费用",
          .source = "assumption",
          .max = kMaxYuan});
  v("coaching_payer", c.coaching_payer,
    Field{.help = "who pays it: county or province", .help_zh = "辅导费用出资方", .source = "assumption"});
  v("outreach_per_firm_point", c.outreach_per_firm_point,
    Field{.range = Range::non_negative,
          .unit = "yuan per firm reached per percentage point",
          .help = "outreach cost for each eligible unregistered firm it reaches, per point it adds to the register "
                  "probability",
          .help_zh = "宣传动员费用：每触达一家符合条件的未入库企业、每提高1个百分点入库概率的费用",
          .source = "assumption",
          .max = kMaxYuan});
  v("outreach_payer", c.outreach_payer,
    Field{.help = "who pays it: county or province", .help_zh = "宣传动员费用出资方", .source = "assumption"});
  v("carrier_build_per_slot", c.carrier_build_per_slot,
    Field{.range = Range::non_negative,
          .unit = "yuan per slot",
          .help = "building a carrier that opens during the run, per firm slot",
          .help_zh = "模拟期内新建孵化载体每个企业位的建设费用",
          .source = "assumption",
          .max = kMaxYuan});
  v("carrier_operation_per_slot", c.carrier_operation_per_slot,
    Field{.range = Range::non_negative,
          .unit = "yuan per slot per year",
          .help = "running an open carrier, per firm slot and year open",
          .help_zh = "孵化载体每个企业位每年的运营费用",
          .source = "assumption",
          .max = kMaxYuan});
  v("carrier_payer", c.carrier_payer,
    Field{.help = "who pays it: county or province", .help_zh = "孵化载体费用出资方", .source = "assumption"});
  v("platform_build", c.platform_build,
    Field{.range = Range::non_negative,
          .unit = "yuan per platform",
          .help = "building an R&D platform during the run",
          .help_zh = "模拟期内每新建一个研发平台的费用",
          .source = "assumption",
          .max = kMaxYuan});
  v("platform_payer", c.platform_payer,
    Field{.help = "who pays it: county or province", .help_zh = "研发平台费用出资方", .source = "assumption"});
  v("profit_margin", c.profit_margin,
    Field{.range = Range::probability,
          .help = "taxable profit as a share of revenue, for the HTE rate's tax expenditure",
          .help_zh = "应税利润占营业收入的比例（用于估算高企优惠税率的税式支出）",
          .source = "NBS: profit margin of industrial enterprises above designated size, 2019 (5.86%)"});
}

template <class V, Is<Parameters> T>
void describe(V& v, T& p) {
  v("region", p.region, Field{.help = "the district or province", .help_zh = "模拟的地区"});
  v("start_year", p.start_year,
    Field{.unit = "year",
          .help = "the run starts 1 January",
          .help_zh = "起始年份（1月1日开始）",
          .source = "the first year of Hebei's leap plan, 2019-2025"});
  v("end_year", p.end_year,
    Field{.unit = "year",
          .help = "last year reported (runs to 31 December); fewer than 100 years after start_year",
          .help_zh = "最后报告年份（至12月31日）",
          .source = "the last year of the leap plan"});
  v("initial", p.initial, Field{.help = "groups of firms present at the start", .help_zh = "起始时的企业分组"});
  v("carriers", p.carriers, Field{.help = "incubators and maker spaces", .help_zh = "孵化器和众创空间"});
  v("initial_platforms", p.initial_platforms,
    Field{.unit = "platforms",
          .help = "provincial-or-higher R&D platforms at the start",
          .help_zh = "起始时省级以上研发平台数",
          .source = "Handan Daily",
          .max = 1.0e6});
  v("initial_workstations", p.initial_workstations,
    Field{.unit = "workstations",
          .help = "academician workstations at the start",
          .help_zh = "起始时院士工作站数",
          .source = "Handan Daily",
          .max = 1.0e6});
  v("platform_builds", p.platform_builds, Field{.help = "platforms built later", .help_zh = "计划新建的研发平台"});
  v("entry", p.entry, Field{.help = "new firms", .help_zh = "新进入企业"});
  v("growth", p.growth, Field{.help = "revenue growth", .help_zh = "企业成长"});
  v("rd", p.rd, Field{.help = "R&D intensity", .help_zh = "研发投入"});
  v("patents", p.patents, Field{.help = "patent applications and decisions", .help_zh = "专利申请与授权"});
  v("tech_sme", p.tech_sme, Field{.help = "the yearly tech-SME evaluation", .help_zh = "科技型中小企业评价"});
  v("hte", p.hte, Field{.help = "the yearly HTE certification round", .help_zh = "高新技术企业认定"});
  v("upgrade", p.upgrade, Field{.help = "firms that upgrade to the HTE thresholds", .help_zh = "企业达标提升"});
  v("exit", p.exit, Field{.help = "exit hazard", .help_zh = "企业退出"});
  v("turnover", p.turnover, Field{.help = "technology-contract turnover", .help_zh = "技术合同成交额"});
  v("policy", p.policy, Field{.help = "the bureau's levers, each a schedule", .help_zh = "政策工具（均可按日期变化）"});
  v("costs", p.costs, Field{.help = "what the levers cost and who pays", .help_zh = "政策成本与出资方"});
}

template <>
inline constexpr bool kDescribed<Region> = true;
template <>
inline constexpr bool kDescribed<AttributeDistribution> = true;
template <>
inline constexpr bool kDescribed<InitialGroup> = true;
template <>
inline constexpr bool kDescribed<Carrier> = true;
template <>
inline constexpr bool kDescribed<PlatformBuild> = true;
template <>
inline constexpr bool kDescribed<EntryParameters> = true;
template <>
inline constexpr bool kDescribed<GrowthParameters> = true;
template <>
inline constexpr bool kDescribed<RdParameters> = true;
template <>
inline constexpr bool kDescribed<PatentParameters> = true;
template <>
inline constexpr bool kDescribed<TechSmeParameters> = true;
template <>
inline constexpr bool kDescribed<HteParameters> = true;
template <>
inline constexpr bool kDescribed<UpgradeParameters> = true;
template <>
inline constexpr bool kDescribed<ExitParameters> = true;
template <>
inline constexpr bool kDescribed<TurnoverParameters> = true;
template <>
inline constexpr bool kDescribed<PolicyLevers> = true;
template <>
inline constexpr bool kDescribed<CostParameters> = true;
template <>
inline constexpr bool kDescribed<Parameters> = true;

/// True for a (possibly const) described struct.
template <class T>
concept Struct = kDescribed<std::remove_const_t<T>>;

/// True for a (possibly const) vector of described structs: a YAML sequence replaced whole.
template <class T>
concept StructList = requires {
  typename std::remove_const_t<T>::value_type;
}
&&std::is_same_v<std::remove_const_t<T>, std::vector<typename std::remove_const_t<T>::value_type>>&&
    kDescribed<typename std::remove_const_t<T>::value_type>;

/// True for a (possibly const) std::array of numbers: a fixed-length YAML list.
template <class T>
concept FixedArray = requires {
  std::tuple_size<std::remove_const_t<T>>::value;
}
&&std::is_same_v<std::remove_const_t<T>, std::array<double, std::tuple_size_v<std::remove_const_t<T>>>>;

/// Side of a square matrix stored in n cells (a correlation array of 16 is 4 x 4).
constexpr std::size_t square_side(std::size_t n) noexcept {
  std::size_t side = 0;
  while ((side + 1) * (side + 1) <= n) ++side;
  return side;
}

/// The path of a field below a parent path, as YAML shows it: "entry.base_rate".
inline std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

/// The path of a sequence element: "carriers[2]".
inline std::string element_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

/// Calls f(path, member, field) for every leaf field below obj, recursing into nested structs and
/// into every element of struct lists, with paths such as "initial[0].attributes.revenue_median".
template <class T, class F>
void walk(T& obj, const std::string& path, F&& f) {
  auto visit = [&](std::string_view key, auto& member, const Field& field = {}) {
    using M = std::remove_reference_t<decltype(member)>;
    const std::string p = child_path(path, key);
    if constexpr (Struct<M>) {
      walk(member, p, f);
    } else if constexpr (StructList<M>) {
      for (std::size_t i = 0; i < member.size(); ++i) walk(member[i], element_path(p, i), f);
    } else {
      f(p, member, field);
    }
  };
  describe(visit, obj);
}

/// One problem found in a Parameters: the path of the field at fault and a message naming it.
struct Issue {
  std::string path;
  std::string message;
};

/// Every range and consistency problem in p, in field order; validate() throws if any.
std::vector<Issue> find_issues(const Parameters& p);

/// The shortest decimal that reads back as exactly x (".inf", "-.inf", ".nan" as YAML spells them).
std::string format_number(double x);

/// A time as a date "YYYY-MM-DD" when it is exactly 00:00 of a day, otherwise as a number of years.
std::string format_time(Time t);

}  // namespace leapsim::innovation::schema
