#pragma once
// The schema of Parameters: every field's key and allowed range, listed once. validate(), the YAML
// scenario reader and writer, and the docs test all walk these lists, so a new field added here is
// parsed, written, range-checked and required in docs/scenario-format.md without further code.
#include <array>
#include <cstddef>
#include <cstdint>
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

// Field lists. A visitor is called as v(key, member, range) once per field, in the order scenario
// files and to_yaml() use.

template <class V, Is<Region> T>
void describe(V& v, T& r) {
  v("name", r.name);
  v("residents", r.residents, Range::positive);
}

template <class V, Is<AttributeDistribution> T>
void describe(V& v, T& a) {
  v("revenue_median", a.revenue_median, Range::positive);
  v("revenue_log_sd", a.revenue_log_sd, Range::non_negative);
  v("employees_median", a.employees_median, Range::positive);
  v("employees_log_sd", a.employees_log_sd, Range::non_negative);
  v("rd_intensity_median", a.rd_intensity_median, Range::positive);
  v("rd_intensity_log_sd", a.rd_intensity_log_sd, Range::non_negative);
  v("staff_share_median", a.staff_share_median, Range::open_unit);
  v("staff_share_logit_sd", a.staff_share_logit_sd, Range::non_negative);
  v("correlation", a.correlation, Range::correlation);
  v("hitech_share_median", a.hitech_share_median, Range::open_unit);
  v("hitech_share_logit_sd", a.hitech_share_logit_sd, Range::non_negative);
  v("asset_ratio_median", a.asset_ratio_median, Range::positive);
  v("asset_ratio_log_sd", a.asset_ratio_log_sd, Range::non_negative);
  v("manufacturing_share", a.manufacturing_share, Range::probability);
  v("invention_patents_mean", a.invention_patents_mean, Range::non_negative);
  v("other_ip_mean", a.other_ip_mean, Range::non_negative);
}

template <class V, Is<InitialGroup> T>
void describe(V& v, T& g) {
  v("status", g.status);
  v("count", g.count);
  v("age_mean", g.age_mean, Range::positive);
  v("attributes", g.attributes);
}

template <class V, Is<Carrier> T>
void describe(V& v, T& c) {
  v("name", c.name);
  v("kind", c.kind);
  v("level", c.level);
  v("capacity", c.capacity);
  v("opens", c.opens, Range::date_or_before);
  v("initial_occupancy", c.initial_occupancy, Range::probability);
}

template <class V, Is<PlatformBuild> T>
void describe(V& v, T& b) {
  v("date", b.date, Range::date);
  v("count", b.count);
  v("level", b.level);
}

template <class V, Is<EntryParameters> T>
void describe(V& v, T& e) {
  v("base_rate", e.base_rate, Range::non_negative);
  v("rate_per_free_slot", e.rate_per_free_slot, Range::non_negative);
  v("in_migration_rate", e.in_migration_rate, Range::non_negative);
  v("residence_years", e.residence_years, Range::positive);
  v("attributes", e.attributes);
}

template <class V, Is<GrowthParameters> T>
void describe(V& v, T& g) {
  v("drift", g.drift);
  v("hte_drift_bonus", g.hte_drift_bonus);
  v("subsidised_drift_bonus", g.subsidised_drift_bonus);
  v("volatility", g.volatility, Range::non_negative);
  v("employment_elasticity", g.employment_elasticity, Range::non_negative);
}

template <class V, Is<RdParameters> T>
void describe(V& v, T& r) {
  v("adjustment_rate", r.adjustment_rate, Range::non_negative);
  v("cost_elasticity", r.cost_elasticity, Range::non_negative);
  v("tax_rate", r.tax_rate, Range::probability);
  v("hte_tax_rate", r.hte_tax_rate, Range::probability);
  v("reference_deduction", r.reference_deduction, Range::non_negative);
  v("deduction_manufacturing", r.deduction_manufacturing, Range::non_negative);
  v("deduction_other", r.deduction_other, Range::non_negative);
  v("platform_multiplier", r.platform_multiplier, Range::non_negative);
}

template <class V, Is<PatentParameters> T>
void describe(V& v, T& p) {
  v("rate_per_million_rd", p.rate_per_million_rd, Range::non_negative);
  v("rd_elasticity", p.rd_elasticity, Range::non_negative);
  v("base_rate", p.base_rate, Range::non_negative);
  v("invention_share", p.invention_share, Range::probability);
  v("invention_delay_mean", p.invention_delay_mean, Range::positive);
  v("invention_grant_probability", p.invention_grant_probability, Range::probability);
  v("other_delay_mean", p.other_delay_mean, Range::positive);
  v("other_grant_probability", p.other_grant_probability, Range::probability);
  v("platform_multiplier", p.platform_multiplier, Range::non_negative);
  v("subsidy_effect_per_10k", p.subsidy_effect_per_10k, Range::non_negative);
}

template <class V, Is<TechSmeParameters> T>
void describe(V& v, T& t) {
  v("max_employees", t.max_employees, Range::positive);
  v("max_revenue", t.max_revenue, Range::positive);
  v("max_assets", t.max_assets, Range::positive);
  v("pass_score", t.pass_score, Range::non_negative);
  v("register_probability", t.register_probability, Range::probability);
  v("renew_probability", t.renew_probability, Range::probability);
}

template <class V, Is<HteParameters> T>
void describe(V& v, T& h) {
  v("round_date", h.round_date);
  v("min_age_years", h.min_age_years, Range::non_negative);
  v("min_staff_share", h.min_staff_share, Range::probability);
  v("min_hitech_share", h.min_hitech_share, Range::probability);
  v("min_score", h.min_score, Range::non_negative);
  v("tier_small_revenue", h.tier_small_revenue, Range::positive);
  v("tier_medium_revenue", h.tier_medium_revenue, Range::positive);
  v("rd_ratio_small", h.rd_ratio_small, Range::probability);
  v("rd_ratio_medium", h.rd_ratio_medium, Range::probability);
  v("rd_ratio_large", h.rd_ratio_large, Range::probability);
  v("validity_years", h.validity_years, Range::whole_positive);
  v("apply_probability", h.apply_probability, Range::probability);
  v("apply_probability_per_100k", h.apply_probability_per_100k, Range::non_negative);
  v("renew_probability", h.renew_probability, Range::probability);
  v("pass_probability", h.pass_probability, Range::probability);
  v("coached_pass_probability", h.coached_pass_probability, Range::probability);
}

template <class V, Is<ExitParameters> T>
void describe(V& v, T& e) {
  v("age_breaks", e.age_breaks, Range::positive);
  v("hazards", e.hazards, Range::non_negative);
  v("hte_multiplier", e.hte_multiplier, Range::non_negative);
  v("incubated_multiplier", e.incubated_multiplier, Range::non_negative);
  v("large_multiplier", e.large_multiplier, Range::non_negative);
  v("large_employees", e.large_employees, Range::non_negative);
}

template <class V, Is<TurnoverParameters> T>
void describe(V& v, T& t) {
  v("per_yuan_hte_rd", t.per_yuan_hte_rd, Range::non_negative);
  v("per_platform", t.per_platform, Range::non_negative);
}

template <class V, Is<PolicyLevers> T>
void describe(V& v, T& p) {
  v("hte_reward_new", p.hte_reward_new, Range::non_negative);
  v("hte_reward_renewal", p.hte_reward_renewal, Range::non_negative);
  v("rd_subsidy_rate", p.rd_subsidy_rate, Range::probability);
  v("rd_subsidy_cap", p.rd_subsidy_cap, Range::non_negative);
  v("patent_subsidy_application", p.patent_subsidy_application, Range::non_negative);
  v("patent_subsidy_grant", p.patent_subsidy_grant, Range::non_negative);
  v("coaching_capacity", p.coaching_capacity, Range::non_negative);
  v("outreach", p.outreach, Range::probability);
  v("talent_firms_per_year", p.talent_firms_per_year, Range::non_negative);
  v("talent_cost_per_firm", p.talent_cost_per_firm, Range::non_negative);
  v("budget", p.budget, Range::non_negative);
}

template <class V, Is<Parameters> T>
void describe(V& v, T& p) {
  v("region", p.region);
  v("start_year", p.start_year);
  v("end_year", p.end_year);
  v("initial", p.initial);
  v("carriers", p.carriers);
  v("initial_platforms", p.initial_platforms);
  v("initial_workstations", p.initial_workstations);
  v("platform_builds", p.platform_builds);
  v("entry", p.entry);
  v("growth", p.growth);
  v("rd", p.rd);
  v("patents", p.patents);
  v("tech_sme", p.tech_sme);
  v("hte", p.hte);
  v("exit", p.exit);
  v("turnover", p.turnover);
  v("policy", p.policy);
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
inline constexpr bool kDescribed<ExitParameters> = true;
template <>
inline constexpr bool kDescribed<TurnoverParameters> = true;
template <>
inline constexpr bool kDescribed<PolicyLevers> = true;
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

/// Calls f(path, member, range) for every leaf field below obj, recursing into nested structs and
/// into every element of struct lists, with paths such as "initial[0].attributes.revenue_median".
template <class T, class F>
void walk(T& obj, const std::string& path, F&& f) {
  auto visit = [&](std::string_view key, auto& member, Range range = Range::any) {
    using M = std::remove_reference_t<decltype(member)>;
    const std::string p = child_path(path, key);
    if constexpr (Struct<M>) {
      walk(member, p, f);
    } else if constexpr (StructList<M>) {
      for (std::size_t i = 0; i < member.size(); ++i) walk(member[i], element_path(p, i), f);
    } else {
      f(p, member, range);
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
