#pragma once
// The yearly metrics of the innovation model: what a bureau reads off a forecast. Counts are
// exact integers stored as doubles; money is in yuan.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace leapsim::innovation {

/// One yearly metric; the order is the column order of every metric table.
enum class Metric : std::size_t {
  tech_smes,                  ///< firms registered as tech SMEs in the year
  htes,                       ///< valid HTE certificates on 31 December
  hte_new,                    ///< first certifications in the year
  hte_renewed,                ///< renewals in the year
  hte_lapsed,                 ///< certificates that expired unrenewed in the year
  entries,                    ///< firms entering in the year
  exits,                      ///< firms exiting in the year
  firms_alive,                ///< firms alive on 31 December
  invention_patents,          ///< invention patents held by alive firms on 31 December
  invention_patents_per_10k,  ///< the same per 10,000 residents
  rd_spend,                   ///< R&D spending of all firms in the year
  tech_contract_turnover,     ///< technology-contract turnover in the year
  hte_rewards_paid,           ///< certification and renewal rewards paid
  rd_subsidies_paid,          ///< R&D subsidies paid
  patent_subsidies_paid,      ///< patent application and grant subsidies paid
  talent_paid,                ///< talent / in-migration programme paid
  subsidies_paid,             ///< all of the above
  budget_left,                ///< special fund left on 31 December
  unpaid_claims,              ///< claims refused because the fund was exhausted
  carrier_occupancy,          ///< carrier slots occupied on 31 December
  carrier_capacity,           ///< carrier slots open on 31 December
  platforms,                  ///< R&D platforms and workstations on 31 December
  // Counters of the flows that close the stock identities Results.explain splits a difference by
  // (docs/model.md §4.10); appended so that the columns above keep their places.
  hte_exits,             ///< firms exiting in the year while certified
  hte_rejected,          ///< first-certification applications rejected in the year
  hte_renewal_rejected,  ///< renewal applications rejected in the year (each lapses the same day)
  hte_new_entrants,      ///< first certifications of firms that entered during the run
  tech_sme_renewed,      ///< tech-SME registrations of firms registered the year before
  // The cost books (docs/model.md §4.11): each item a yearly flow in yuan with one payer
  // (cost_book()), then the totals by payer.
  hte_new_rewards_province,      ///< new-HTE rewards paid by the province
  hte_new_rewards_fund,          ///< new-HTE rewards paid from the special fund
  hte_renewal_rewards_province,  ///< renewal rewards paid by the province
  hte_renewal_rewards_fund,      ///< renewal rewards paid from the special fund
  coaching_cost,                 ///< one-enterprise-one-policy coaching
  outreach_cost,                 ///< the outreach campaign
  carrier_build_cost,            ///< carriers built during the run
  carrier_operation_cost,        ///< carriers run
  platform_build_cost,           ///< R&D platforms built during the run
  rd_deduction_foregone,         ///< tax foregone by the R&D super-deduction
  hte_rate_foregone,             ///< tax foregone by the HTE's reduced income-tax rate
  county_cost,                   ///< every item the district or county pays
  province_cost,                 ///< every item the province pays
  tax_expenditure,               ///< the two tax items
  public_cost,                   ///< the three payers together
};

/// Number of metrics.
inline constexpr std::size_t kMetricCount = static_cast<std::size_t>(Metric::public_cost) + 1;

/// Name, unit and descriptions (English, Chinese) of a metric, for reports and results files.
struct MetricInfo {
  Metric metric;
  std::string_view name;
  std::string_view unit;
  std::string_view description;
  std::string_view description_zh;
};

/// Descriptions of every metric, in Metric order.
const std::array<MetricInfo, kMetricCount>& metric_infos() noexcept;
/// Looks a metric up by its name.
std::optional<Metric> metric_by_name(std::string_view name) noexcept;

/// The metrics of one year.
using YearMetrics = std::array<double, kMetricCount>;

/// Yearly metrics of one replication, from the start year to the end year.
struct MetricTable {
  int first_year = 0;
  std::vector<YearMetrics> years;
  /// The value of a metric in a calendar year.
  double at(Metric m, int year) const {
    return years.at(static_cast<std::size_t>(year - first_year))[static_cast<std::size_t>(m)];
  }
};

}  // namespace leapsim::innovation
