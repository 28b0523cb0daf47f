// The per-firm laws of models/innovation/src/firm.hpp, each on its own: flags, the accounts the
// rules read, the R&D target, growth, the patent and decision rates, and the exit multiplier.
#include "firm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace leapsim::innovation::model {
namespace {

/// Stands for the kernel: counts the catch-ups the accessor asks for.
struct CountingSimulation {
  int catch_ups = 0;
  EntityId last = kNoEntity;
  void catch_up(EntityId f) { ++catch_ups, last = f; }
};

/// A firm with three booked years of 10 M yuan revenue and 0.5 M R&D.
FirmState booked_firm() {
  FirmState firm;
  firm.born = 2015.0F;
  firm.log_revenue = static_cast<float>(std::log(1.0e7));
  firm.revenue_history = {1.0e7F, 1.0e7F, 1.0e7F};
  firm.rd_history = {5.0e5F, 5.0e5F, 5.0e5F};
  firm.history_length = 3;
  firm.staff_share = 0.2F;
  firm.hitech_share = 0.7F;
  firm.rd_base = firm.rd_intensity = 0.05F;
  return firm;
}

TEST(Firm, FlagsSetAndClearOneBitEach) {
  FirmState firm;
  firm.set(Flag::hte);
  firm.set(Flag::platform);
  EXPECT_TRUE(firm.has(Flag::hte));
  EXPECT_TRUE(firm.has(Flag::platform));
  EXPECT_FALSE(firm.has(Flag::applied));
  firm.set(Flag::hte, false);
  EXPECT_FALSE(firm.has(Flag::hte));
  EXPECT_TRUE(firm.has(Flag::platform));
  EXPECT_EQ(firm.flags, static_cast<std::uint8_t>(Flag::platform));
}

TEST(Firm, PatentFieldsAreReachedOnlyAfterACatchUp) {
  CountingSimulation sim;
  std::vector<FirmState> firms(3);
  const CaughtUpFirm firm = catch_up_firm(sim, firms, 2);
  EXPECT_EQ(sim.catch_ups, 1);
  EXPECT_EQ(sim.last, 2u);
  firm.inventions() = 4;
  firm.pending_other() = 2;
  EXPECT_EQ(catch_up_firm(sim, firms, 2).inventions(), 4);
  EXPECT_EQ(firing_patent_event(firms[2]).pending_other(), 2);
  EXPECT_EQ(sim.catch_ups, 2);  // a handler's own firm needs none
}

TEST(Firm, AgeCountsWholeDays) {
  FirmState firm;
  firm.born = static_cast<float>(2016.0 + 1e-7);  // a float a few seconds off the anniversary
  EXPECT_DOUBLE_EQ(age(firm, 2019.0), 3.0);
}

TEST(Firm, EmployeesFollowRevenueByTheElasticity) {
  FirmState firm;
  GrowthParameters g;
  g.employment_elasticity = 0.5;
  firm.log_revenue = static_cast<float>(std::log(1.0e6));
  firm.employee_offset = static_cast<float>(std::log(20.0) - 0.5 * std::log(1.0e6));
  EXPECT_NEAR(employees(firm, g), 20.0, 1e-4);
  firm.log_revenue = static_cast<float>(std::log(4.0e6));  // four times the revenue, twice the staff
  EXPECT_NEAR(employees(firm, g), 40.0, 1e-4);
}

TEST(Firm, AccountsAverageRdOverTheBookedYears) {
  CountingSimulation sim;
  std::vector<FirmState> firms{booked_firm()};
  firms[0].revenue_history = {1.21e7F, 1.1e7F, 1.0e7F};
  firms[0].rd_history = {6.05e5F, 5.5e5F, 2.0e5F};
  catch_up_firm(sim, firms, 0).inventions() = 2;
  const FirmAccounts a = accounts(catch_up_firm(sim, firms, 0), GrowthParameters{}, 2019.0);
  EXPECT_NEAR(a.rd_ratio_3y, (6.05e5 + 5.5e5 + 2.0e5) / (1.21e7 + 1.1e7 + 1.0e7), 1e-7);
  EXPECT_NEAR(a.revenue_growth, 0.1, 1e-6);  // sqrt(1.21) - 1
  EXPECT_EQ(a.invention_patents, 2);
  EXPECT_DOUBLE_EQ(a.age_years, 4.0);
  firms[0].history_length = 2;
  EXPECT_NEAR(accounts(catch_up_firm(sim, firms, 0), {}, 2019.0).revenue_growth, 0.1, 1e-6);  // 1.21 / 1.1 - 1
  firms[0].history_length = 1;
  const FirmAccounts one = accounts(catch_up_firm(sim, firms, 0), {}, 2019.0);
  EXPECT_NEAR(one.rd_ratio_3y, 0.05, 1e-7);
  EXPECT_EQ(one.revenue_growth, 0.0);
}

TEST(Firm, RdTargetIsTheOwnLevelUnderTheReferenceRegime) {
  const FirmState firm = booked_firm();
  const RdParameters r;  // reference deduction 0.75, tax 0.25
  EXPECT_NEAR(rd_target(firm, r, {0.75, 0.75, 0.0}), 0.05, 1e-7);
  // A 100% deduction lowers the user cost from 1 - 0.1875 to 1 - 0.25.
  EXPECT_NEAR(rd_target(firm, r, {0.75, 1.0, 0.0}), 0.05 * 0.8125 / 0.75, 1e-7);
}

TEST(Firm, RdTargetRisesWithAPaidSubsidyAndAPlatformAndStopsAtHalf) {
  FirmState firm = booked_firm();
  const RdParameters r;
  EXPECT_NEAR(rd_target(firm, r, {0.75, 0.75, 0.2}), 0.05, 1e-7);  // the subsidy only once paid
  firm.set(Flag::rd_subsidised);
  EXPECT_NEAR(rd_target(firm, r, {0.75, 0.75, 0.2}), 0.05 * 0.8125 / 0.6125, 1e-7);
  firm.set(Flag::platform);
  EXPECT_NEAR(rd_target(firm, r, {0.75, 0.75, 0.2}), 0.05 * 0.8125 / 0.6125 * r.platform_multiplier, 1e-7);
  firm.rd_base = 0.4F;
  EXPECT_EQ(rd_target(firm, r, {0.75, 0.75, 0.2}), 0.5);
}

TEST(Firm, GrowthOverOneYearFollowsTheGbmAndTheRdRelaxation) {
  FirmState firm = booked_firm();
  firm.last_review = 2019.0F;
  firm.set(Flag::hte);
  firm.set(Flag::subsidised);
  GrowthParameters g;
  const double before = firm.log_revenue;
  grow(firm, g, 0.7, std::exp(-0.7), 0.09, 2020.0, 1.5);
  const double mu = g.drift + g.hte_drift_bonus + g.subsidised_drift_bonus;
  EXPECT_NEAR(firm.log_revenue, before + mu - 0.5 * g.volatility * g.volatility + g.volatility * 1.5, 1e-5);
  EXPECT_NEAR(firm.rd_intensity, 0.09 + (0.05 - 0.09) * std::exp(-0.7), 1e-7);
  EXPECT_EQ(firm.last_review, 2020.0F);
  EXPECT_FALSE(firm.has(Flag::subsidised));
  EXPECT_TRUE(firm.has(Flag::hte));
}

TEST(Firm, GrowthOverHalfAYearScalesBySquareRootOfTime) {
  FirmState firm = booked_firm();
  firm.last_review = 2019.0F;
  GrowthParameters g;
  const double before = firm.log_revenue;
  const Time t = 2019.0 + 182.0 / 365.0;
  grow(firm, g, 0.7, std::exp(-0.7), 0.05, t, 1.0);
  const double dt = 182.0 / 365.0;
  EXPECT_NEAR(firm.log_revenue,
              before + (g.drift - 0.5 * g.volatility * g.volatility) * dt + g.volatility * std::sqrt(dt), 1e-5);
}

TEST(Firm, ClosingAccountsShiftsTheHistoryAndKeepsThreeYears) {
  FirmState firm = booked_firm();
  firm.log_revenue = static_cast<float>(std::log(2.0e7));
  firm.rd_intensity = 0.1F;
  const double rd = close_accounts(firm);
  EXPECT_NEAR(rd, 2.0e6, 1.0);
  EXPECT_NEAR(firm.revenue_history[0], 2.0e7, 10.0);
  EXPECT_EQ(firm.revenue_history[1], 1.0e7F);
  EXPECT_NEAR(firm.rd_history[0], 2.0e6, 1.0);
  EXPECT_EQ(firm.history_length, 3);
  firm.history_length = 0;
  close_accounts(firm);
  EXPECT_EQ(firm.history_length, 1);
}

TEST(Firm, PatentRateRisesWithRdByItsElasticity) {
  FirmState firm;
  const PatentParameters pp;
  EXPECT_DOUBLE_EQ(base_patent_rate(firm, pp), pp.base_rate);  // no R&D
  firm.rd_history[0] = 1.0e6F;
  EXPECT_NEAR(base_patent_rate(firm, pp), pp.base_rate + pp.rate_per_million_rd, 1e-12);
  firm.rd_history[0] = 4.0e6F;
  EXPECT_NEAR(base_patent_rate(firm, pp), pp.base_rate + pp.rate_per_million_rd * std::pow(4.0, pp.rd_elasticity),
              1e-12);
  firm.set(Flag::platform);
  EXPECT_NEAR(base_patent_rate(firm, pp),
              (pp.base_rate + pp.rate_per_million_rd * std::pow(4.0, pp.rd_elasticity)) * pp.platform_multiplier,
              1e-12);
}

TEST(Firm, DecisionRateSumsThePendingApplications) {
  std::vector<FirmState> firms(1);
  const CaughtUpFirm firm = firing_patent_event(firms[0]);
  const PatentParameters pp;
  EXPECT_EQ(decision_rate(firm, pp), 0.0);
  firm.pending_inventions() = 2;
  firm.pending_other() = 3;
  EXPECT_DOUBLE_EQ(decision_rate(firm, pp), 2 / pp.invention_delay_mean + 3 / pp.other_delay_mean);
}

TEST(Firm, ExitMultiplierMultipliesTheFactorsInForce) {
  FirmState firm;
  const ExitParameters e;
  EXPECT_EQ(exit_bits(firm, 10.0, e), 0);
  EXPECT_EQ(exit_multiplier(0, e), 1.0);
  firm.set(Flag::hte);
  firm.carrier = 0;
  const std::uint8_t bits = exit_bits(firm, e.large_employees + 1.0, e);
  EXPECT_TRUE(has(bits, ExitBit::hte));
  EXPECT_TRUE(has(bits, ExitBit::incubated));
  EXPECT_TRUE(has(bits, ExitBit::large));
  EXPECT_DOUBLE_EQ(exit_multiplier(bits, e), e.hte_multiplier * e.incubated_multiplier * e.large_multiplier);
  EXPECT_FALSE(has(exit_bits(firm, e.large_employees, e), ExitBit::large));  // "more than" the threshold
}

TEST(Firm, UpgradeChanceAddsTheCarrierPartAndTheRewardsPull) {
  const UpgradeParameters u{.probability = 0.1, .in_carrier_probability = 0.2, .probability_per_100k = 0.5};
  EXPECT_DOUBLE_EQ(upgrade_probability(u, false, 0.0), 0.1);
  EXPECT_DOUBLE_EQ(upgrade_probability(u, true, 0.0), 0.1 + 0.2);
  EXPECT_DOUBLE_EQ(upgrade_probability(u, false, 1.0e5), 0.1 + 0.9 * (1.0 - std::exp(-0.5)));
  EXPECT_DOUBLE_EQ(upgrade_probability(UpgradeParameters{}, true, 1.0e6), 0.0);  // the defaults: never
}

TEST(Firm, AnUpgradeMeetsOnlyTheThresholdsFallenShortOf) {
  FirmState firm = booked_firm();  // revenue 10 M yuan: the 5% R&D tier
  firm.staff_share = 0.05F;
  firm.rd_base = 0.02F;
  std::uint16_t other_ip = 0;
  const HteParameters h;
  EXPECT_TRUE(upgrade_to_thresholds(firm, other_ip, 0, 1.0e7, h, 0.1));
  EXPECT_FLOAT_EQ(firm.staff_share, 0.11F);
  EXPECT_FLOAT_EQ(firm.hitech_share, 0.7F);  // above 60% already: left alone
  EXPECT_FLOAT_EQ(firm.rd_base, 0.055F);
  EXPECT_EQ(other_ip, 1);
  EXPECT_FALSE(upgrade_to_thresholds(firm, other_ip, 0, 1.0e7, h, 0.1));  // nothing short any more
  FirmState inventor = booked_firm();
  std::uint16_t none = 0;
  EXPECT_FALSE(upgrade_to_thresholds(inventor, none, 2, 1.0e7, h, 0.1));  // patents count as IP
  EXPECT_EQ(none, 0);
}

}  // namespace
}  // namespace leapsim::innovation::model
