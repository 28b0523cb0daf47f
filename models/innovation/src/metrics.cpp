#include "leapsim/innovation/metrics.hpp"

namespace leapsim::innovation {

const std::array<MetricInfo, kMetricCount>& metric_infos() noexcept {
  static const std::array<MetricInfo, kMetricCount> infos{{
      {Metric::tech_smes, "tech_smes", "firms", "technology-based SMEs registered in the year",
       "当年入库科技型中小企业数"},
      {Metric::htes, "htes", "firms", "high-tech enterprises with a valid certificate on 31 December",
       "年末有效高新技术企业数"},
      {Metric::hte_new, "hte_new", "firms", "first HTE certifications in the year", "当年新认定高新技术企业数"},
      {Metric::hte_renewed, "hte_renewed", "firms", "HTE certificates renewed in the year",
       "当年重新认定高新技术企业数"},
      {Metric::hte_lapsed, "hte_lapsed", "firms", "HTE certificates expired unrenewed in the year",
       "当年资格到期未重新认定数"},
      {Metric::entries, "entries", "firms", "firms entering in the year", "当年新进入企业数"},
      {Metric::exits, "exits", "firms", "firms exiting in the year", "当年退出企业数"},
      {Metric::firms_alive, "firms_alive", "firms", "firms alive on 31 December", "年末存续企业数"},
      {Metric::invention_patents, "invention_patents", "patents", "invention patents held on 31 December",
       "年末有效发明专利数"},
      {Metric::invention_patents_per_10k, "invention_patents_per_10k", "patents per 10,000 residents",
       "invention patents held per 10,000 residents on 31 December", "每万人发明专利拥有量"},
      {Metric::rd_spend, "rd_spend", "yuan", "R&D spending of all firms in the year", "企业研发经费投入"},
      {Metric::tech_contract_turnover, "tech_contract_turnover", "yuan", "technology-contract turnover in the year",
       "技术合同成交额"},
      {Metric::hte_rewards_paid, "hte_rewards_paid", "yuan", "HTE certification and renewal rewards paid",
       "高企认定奖励支出"},
      {Metric::rd_subsidies_paid, "rd_subsidies_paid", "yuan", "R&D subsidies paid", "研发费用补助支出"},
      {Metric::patent_subsidies_paid, "patent_subsidies_paid", "yuan", "patent application and grant subsidies paid",
       "专利资助支出"},
      {Metric::talent_paid, "talent_paid", "yuan", "talent and in-migration programme paid", "人才引进支出"},
      {Metric::subsidies_paid, "subsidies_paid", "yuan", "all rewards and subsidies paid", "奖补资金支出合计"},
      {Metric::budget_left, "budget_left", "yuan", "special fund left on 31 December", "年末专项资金结余"},
      {Metric::unpaid_claims, "unpaid_claims", "claims", "claims refused because the fund was exhausted",
       "因资金用尽未兑现的申请数"},
      {Metric::carrier_occupancy, "carrier_occupancy", "slots",
       "incubator and maker-space slots occupied on 31 December", "孵化载体年末在孵企业数"},
      {Metric::carrier_capacity, "carrier_capacity", "slots", "incubator and maker-space slots open on 31 December",
       "孵化载体年末容量"},
      {Metric::platforms, "platforms", "platforms", "R&D platforms and academician workstations on 31 December",
       "年末省级以上研发平台和院士工作站数"},
      {Metric::hte_exits, "hte_exits", "firms", "high-tech enterprises that exited in the year while certified",
       "当年退出的有效高新技术企业数"},
      {Metric::hte_rejected, "hte_rejected", "firms", "first HTE applications rejected in the year",
       "当年首次申报高新技术企业未通过数"},
      {Metric::hte_renewal_rejected, "hte_renewal_rejected", "firms", "HTE renewal applications rejected in the year",
       "当年重新认定申报未通过数"},
      {Metric::hte_new_entrants, "hte_new_entrants", "firms",
       "first HTE certifications in the year of firms that entered during the run",
       "当年新认定高新技术企业中模拟期内新进入企业数"},
      {Metric::tech_sme_renewed, "tech_sme_renewed", "firms",
       "tech-SME registrations in the year of firms also registered the year before",
       "当年入库科技型中小企业中上年已入库数"},
  }};
  return infos;
}

std::optional<Metric> metric_by_name(std::string_view name) noexcept {
  for (const MetricInfo& info : metric_infos())
    if (info.name == name) return info.metric;
  return std::nullopt;
}

}  // namespace leapsim::innovation
