// The year's turn (docs/model.md §4.1), the special fund's payment rule (§4.9) and the year-end
// report (§4.10).
#include <algorithm>
#include <cstdint>
#include "innovation_model.hpp"
#include "leapsim/innovation/cost_book.hpp"

namespace leapsim::innovation::model {

namespace {

/// Bureau payment kinds, each a metric column.
constexpr Metric kPayKinds[] = {Metric::hte_rewards_paid, Metric::rd_subsidies_paid, Metric::patent_subsidies_paid,
                                Metric::talent_paid};

}  // namespace

/// Pays a claim in full from the special fund, or refuses it when the fund cannot cover it.
bool InnovationModel::pay(Metric kind, double amount) {
  if (amount > region_.budget_left) {
    region_.year[Metric::unpaid_claims] += 1.0;
    return false;
  }
  region_.budget_left -= amount;
  region_.year[kind] += amount;
  return true;
}

void InnovationModel::begin_year(int year) {
  region_.year.fill(0.0);
  region_.hte_rd = 0.0;
  const Time t = year_start(year);
  region_.budget_left = std::max(0.0, p_.policy.budget.at(t));
  region_.coaching_left = std::max(0.0, p_.policy.coaching_capacity.at(t));
}

void InnovationModel::new_year(EntityId) {
  const int year = year_of(sim_.now());
  sim_.catch_up_all();  // the year's report counts the patents held on 31 December
  close_year(year - 1);
  begin_year(year);
  region_.entry_scale *= 1.0 + p_.entry.base_rate_growth.at(year_start(year - 1));
  refresh_entry_rate();  // the talent part depends on the new fund, the base part on the year
  sim_.schedule(new_year_, year_start(year + 1));
}

/// The year-end report: flows of the year plus stocks on 31 December.
void InnovationModel::close_year(int year) {
  if (sink_ != nullptr && sink_->wants_firms()) report_firms(year);
  YearMetrics m{};
  for (std::size_t i = 0; i < kMetricCount; ++i) m[i] = region_.year.values[i];
  auto set = [&m](Metric k, double v) { m[static_cast<std::size_t>(k)] = v; };
  set(Metric::htes, static_cast<double>(region_.htes));
  set(Metric::firms_alive, static_cast<double>(region_.alive));
  set(Metric::invention_patents, static_cast<double>(region_.patents_held));
  set(Metric::invention_patents_per_10k, static_cast<double>(region_.patents_held) / p_.region.residents * 1.0e4);
  double subsidies = 0.0;
  for (const Metric k : kPayKinds) subsidies += m[static_cast<std::size_t>(k)];
  set(Metric::subsidies_paid, subsidies);
  book_yearly_costs(year, m);
  set(Metric::budget_left, region_.budget_left);
  std::uint64_t occupied = 0, capacity = 0;
  for (const CarrierState& c : carriers_)
    if (c.open) occupied += c.occupied, capacity += c.capacity;
  set(Metric::carrier_occupancy, static_cast<double>(occupied));
  set(Metric::carrier_capacity, static_cast<double>(capacity));
  std::uint64_t platforms = 0;
  sim_.population().for_each_alive([&](EntityId f) { platforms += firms_[f].has(Flag::platform); });
  set(Metric::platforms, static_cast<double>(platforms));
  set(Metric::tech_contract_turnover,
      p_.turnover.per_yuan_hte_rd * region_.hte_rd + p_.turnover.per_platform * static_cast<double>(platforms));
  region_.table.years.push_back(m);
}

/// The cost of the carriers open through the year, and the totals
/// of the cost books by payer.
void InnovationModel::book_yearly_costs(int year, YearMetrics& m) const {
  const Time from = year_start(year), to = year_start(year + 1);
  auto at = [&m](Metric k) -> double& { return m[static_cast<std::size_t>(k)]; };
  double slot_years = 0.0;
  for (std::size_t c = 0; c < carriers_.size(); ++c) {
    const Time opens = std::clamp(p_.carriers[c].opens, from, to);
    slot_years += carriers_[c].capacity * (to - opens);
  }
  at(Metric::carrier_operation_cost) = p_.costs.carrier_operation_per_slot * slot_years;
  for (const CostItem& item : cost_book_) at(*payer_total(item.payer)) += at(item.metric);
  at(Metric::public_cost) = at(Metric::county_cost) + at(Metric::province_cost) + at(Metric::tax_expenditure);
}

/// Every alive firm as it stands at the end of the year.
void InnovationModel::report_firms(int year) {
  const Time t = year_start(year + 1);
  sim_.population().for_each_alive([&](EntityId f) {
    const CaughtUpFirm caught = caught_up(f);
    const FirmState& firm = caught.record;
    FirmSnapshot snap;
    snap.year = year;
    snap.firm = f;
    snap.age = age(firm, t);
    snap.revenue = firm.revenue_history[0];
    snap.employees = employees(firm, p_.growth);
    snap.rd_intensity = firm.rd_intensity;
    snap.staff_share = firm.staff_share;
    snap.hitech_share = firm.hitech_share;
    snap.invention_patents = caught.inventions();
    snap.other_ip = caught.other_ip();
    snap.tech_sme = firm.tech_sme_year == year;
    snap.hte = firm.has(Flag::hte);
    snap.platform = firm.has(Flag::platform);
    snap.incubated = firm.carrier != kNoCarrier;
    sink_->on_firm(snap);
  });
}

}  // namespace leapsim::innovation::model
