#include "leapsim/innovation/cost_book.hpp"

#include "leapsim/innovation/parameter_schema.hpp"

namespace leapsim::innovation {

std::string_view payer_word(Payer payer) noexcept { return schema::word_of(payer); }

std::vector<CostItem> cost_book(const CostParameters& c) {
  const std::string_view fund = payer_word(c.fund_payer);
  return {{Metric::rd_subsidies_paid, fund},
          {Metric::patent_subsidies_paid, fund},
          {Metric::talent_paid, fund},
          {Metric::hte_new_rewards_province, "province"},
          {Metric::hte_new_rewards_fund, fund},
          {Metric::hte_renewal_rewards_province, "province"},
          {Metric::hte_renewal_rewards_fund, fund},
          {Metric::coaching_cost, payer_word(c.coaching_payer)},
          {Metric::outreach_cost, payer_word(c.outreach_payer)},
          {Metric::carrier_build_cost, payer_word(c.carrier_payer)},
          {Metric::carrier_operation_cost, payer_word(c.carrier_payer)},
          {Metric::platform_build_cost, payer_word(c.platform_payer)},
          {Metric::rd_deduction_foregone, "tax"},
          {Metric::hte_rate_foregone, "tax"}};
}

std::optional<Metric> payer_total(std::string_view payer) noexcept {
  if (payer == "county") return Metric::county_cost;
  if (payer == "province") return Metric::province_cost;
  if (payer == "tax") return Metric::tax_expenditure;
  if (payer == "public") return Metric::public_cost;
  return std::nullopt;
}

}  // namespace leapsim::innovation
