// The cost books (docs/model.md §4.11): on a tiny scenario whose payments can be worked out by
// hand, every yuan appears once, under its item and its payer, and the items add up to the paid
// totals the model reported before the books.
#include "leapsim/innovation/cost_book.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "event_recorder.hpp"
#include "leapsim/innovation/model.hpp"
#include "test_parameters.hpp"

namespace leapsim::innovation {
namespace {

using testing::Recorder;
using testing::tiny_parameters;

double metric(const RunResult& r, Metric m, int year) { return r.metrics.at(m, year); }

/// Every lever that costs money switched on, with round prices.
Parameters priced_parameters() {
  Parameters p = tiny_parameters();
  p.policy.hte_reward_new = Schedule::constant(3.0e5);
  p.policy.hte_reward_renewal = Schedule::constant(5.0e4);
  p.policy.rd_subsidy_rate = Schedule::constant(0.1);
  p.policy.patent_subsidy_application = Schedule::constant(5.0e3);
  p.policy.talent_firms_per_year = Schedule::constant(3.0);
  p.policy.coaching_capacity = Schedule::constant(1.0e4);  // every applicant coached
  p.policy.outreach = Schedule::constant(0.05);
  p.costs.province_hte_reward_new = Schedule::constant(1.0e5);
  p.costs.carrier_payer = Payer::province;
  return p;
}

/// Events of one kind per calendar year.
std::map<int, double> per_year(const Recorder& rec, FirmEventKind kind) {
  std::map<int, double> n;
  for (const FirmEvent& e : rec.events)
    if (e.kind == kind) n[static_cast<int>(std::floor(e.time))] += 1.0;
  return n;
}

TEST(CostBook, EveryItemHasOnePayerAndEachPayerItsTotal) {
  CostParameters c;
  c.fund_payer = Payer::province;
  c.coaching_payer = Payer::province;
  std::set<Metric> seen;
  for (const CostItem& item : cost_book(c)) {
    EXPECT_TRUE(seen.insert(item.metric).second) << metric_infos()[static_cast<std::size_t>(item.metric)].name;
    EXPECT_TRUE(payer_total(item.payer).has_value()) << item.payer;
    if (item.metric == Metric::rd_subsidies_paid || item.metric == Metric::coaching_cost) {
      EXPECT_EQ(item.payer, "province");
    }
    if (item.metric == Metric::outreach_cost) {
      EXPECT_EQ(item.payer, "county");
    }
    if (item.metric == Metric::rd_deduction_foregone) {
      EXPECT_EQ(item.payer, "tax");
    }
  }
  EXPECT_EQ(seen.size(), 14u);
  EXPECT_FALSE(payer_total("city").has_value());
}

TEST(CostBook, EveryYuanIsBookedOnceWithItsItemAndPayer) {
  const Parameters p = priced_parameters();
  Recorder rec;
  const RunResult r = simulate(p, 4, 0, &rec);
  const std::map<int, double> certified = per_year(rec, FirmEventKind::hte_certified),
                              renewed = per_year(rec, FirmEventKind::hte_renewed),
                              applied = per_year(rec, FirmEventKind::hte_applied),
                              reviewed = per_year(rec, FirmEventKind::reviewed);
  double tax = 0.0;
  for (int y = 2019; y <= 2025; ++y) {
    SCOPED_TRACE(y);
    const auto m = [&](Metric k) { return metric(r, k, y); };
    const auto count = [y](const std::map<int, double>& n) { return n.count(y) != 0 ? n.at(y) : 0.0; };
    // Rewards by hand: 100,000 from the province and 200,000 from the fund per new HTE, 50,000 per renewal.
    EXPECT_EQ(m(Metric::hte_new_rewards_province), 1.0e5 * count(certified));
    EXPECT_EQ(m(Metric::hte_new_rewards_fund), 2.0e5 * count(certified));
    EXPECT_EQ(m(Metric::hte_renewal_rewards_province), 0.0);
    EXPECT_EQ(m(Metric::hte_renewal_rewards_fund), 5.0e4 * count(renewed));
    EXPECT_EQ(m(Metric::coaching_cost), 2.0e4 * count(applied));  // the default price, every applicant coached
    // Outreach: 100 yuan per point for each firm it reaches, at 5 points: a whole number of firms,
    // at least one and no more than the firms reviewed.
    const double reached = m(Metric::outreach_cost) / (100.0 * 5.0);
    EXPECT_EQ(reached, std::round(reached));
    EXPECT_GE(reached, 1.0);
    EXPECT_LE(reached, count(reviewed));
    // Carriers: the incubator's 20 slots all along, the maker space's 10 from mid-2021, built then.
    const double slot_years = 20.0 + (y < 2021 ? 0.0 : y > 2021 ? 10.0 : 10.0 * (2022.0 - 2021.5));
    EXPECT_NEAR(m(Metric::carrier_operation_cost), 5.0e3 * slot_years, 1e-6);
    EXPECT_EQ(m(Metric::carrier_build_cost), y == 2021 ? 10 * 5.0e4 : 0.0);
    EXPECT_EQ(m(Metric::platform_build_cost), y == 2020 ? 1.0e6 : 0.0);
    // The items overlap the totals reported before the books exactly.
    EXPECT_EQ(m(Metric::hte_rewards_paid), m(Metric::hte_new_rewards_province) + m(Metric::hte_new_rewards_fund) +
                                               m(Metric::hte_renewal_rewards_province) +
                                               m(Metric::hte_renewal_rewards_fund));
    EXPECT_DOUBLE_EQ(m(Metric::subsidies_paid), m(Metric::hte_rewards_paid) + m(Metric::rd_subsidies_paid) +
                                                    m(Metric::patent_subsidies_paid) + m(Metric::talent_paid));
    // Each payer's total is its items, each item once; carriers are the province's here.
    std::map<std::string_view, double> by_payer;
    for (const CostItem& item : cost_book(p.costs)) by_payer[item.payer] += m(item.metric);
    EXPECT_DOUBLE_EQ(m(Metric::county_cost), by_payer["county"]);
    EXPECT_DOUBLE_EQ(m(Metric::province_cost), by_payer["province"]);
    EXPECT_DOUBLE_EQ(m(Metric::tax_expenditure), by_payer["tax"]);
    EXPECT_DOUBLE_EQ(m(Metric::province_cost), m(Metric::hte_new_rewards_province) +
                                                   m(Metric::hte_renewal_rewards_province) +
                                                   m(Metric::carrier_build_cost) + m(Metric::carrier_operation_cost));
    EXPECT_DOUBLE_EQ(m(Metric::public_cost),
                     m(Metric::county_cost) + m(Metric::province_cost) + m(Metric::tax_expenditure));
    // The super-deduction saves between 75% of R&D at the HTE rate and 100% at the full rate.
    EXPECT_GE(m(Metric::rd_deduction_foregone), 0.75 * 0.15 * m(Metric::rd_spend));
    EXPECT_LE(m(Metric::rd_deduction_foregone), 1.0 * 0.25 * m(Metric::rd_spend));
    tax += m(Metric::hte_rate_foregone);
  }
  EXPECT_GT(tax, 0.0);
  for (const auto* counts : {&certified, &renewed, &applied}) EXPECT_FALSE(counts->empty()) << "nothing to price";
}

TEST(CostBook, TheProvincePaysItsShareWhenTheFundCannot) {
  Parameters p = tiny_parameters();
  p.policy.budget = Schedule::constant(0.0);
  p.policy.hte_reward_new = Schedule::constant(3.0e5);  // 100,000 of it the province's (the default)
  Recorder rec;
  const RunResult r = simulate(p, 6, 0, &rec);
  const std::map<int, double> certified = per_year(rec, FirmEventKind::hte_certified);
  double total = 0.0;
  for (const auto& [year, n] : certified) {
    EXPECT_EQ(metric(r, Metric::hte_rewards_paid, year), 1.0e5 * n) << year;
    EXPECT_EQ(metric(r, Metric::hte_new_rewards_fund, year), 0.0) << year;
    EXPECT_EQ(metric(r, Metric::unpaid_claims, year), n) << year << ": each fund share refused once";
    total += n;
  }
  for (const FirmEvent& e : rec.events)
    if (e.kind == FirmEventKind::hte_certified) {
      EXPECT_EQ(e.value, 1.0e5);
    }
  EXPECT_GT(total, 0.0);
}

}  // namespace
}  // namespace leapsim::innovation
