// The certification rules on hand-made accounts: published thresholds and score bands.
#include "leapsim/innovation/rules.hpp"

#include <gtest/gtest.h>

#include <random>

namespace leapsim::innovation {
namespace {

FirmAccounts strong_firm() {
  FirmAccounts f;
  f.age_years = 5.0;
  f.employees = 80.0;
  f.revenue = 3.0e7;
  f.assets = 2.5e7;
  f.staff_share = 0.32;
  f.rd_spend = 2.1e6;
  f.rd_ratio_3y = 0.07;
  f.revenue_growth = 0.2;
  f.hitech_share = 0.8;
  f.invention_patents = 2;
  f.other_ip = 5;
  return f;
}

TEST(TechSmeScore, FollowsThePublishedBands) {
  FirmAccounts f;
  f.staff_share = 0.22;  // 20-25%: 12 points
  f.revenue = 1.0e7;
  f.rd_spend = 4.5e5;  // 4.5% of revenue: 30 points (4.5% of costs would score 0)
  f.other_ip = 3;      // three class-II items: 18 points
  const TechSmeScore s = tech_sme_score(f);
  EXPECT_EQ(s.staff, 12);
  EXPECT_EQ(s.rd, 30);
  EXPECT_EQ(s.ip, 18);
  EXPECT_EQ(s.total(), 60);
  f.invention_patents = 1;  // one invention patent scores the full 30
  EXPECT_EQ(tech_sme_score(f).ip, 30);
  f.rd_spend = 5.9e5;  // 5.9% of revenue: 40 points
  EXPECT_EQ(tech_sme_score(f).rd, 40);
  f.rd_spend = 2.6e6;  // 26%: 50 on revenue (40 on costs taken equal to revenue); the better counts
  EXPECT_EQ(tech_sme_score(f).rd, 50);
}

TEST(TechSmeEligibility, NeedsSixtyPointsAndANonZeroStaffScore) {
  const TechSmeParameters p;
  FirmAccounts f;
  f.employees = 30.0;
  f.revenue = 1.0e7;
  f.assets = 1.0e7;
  f.staff_share = 0.05;     // staff score 0
  f.rd_spend = 1.0e6;       // 10%: 50 points
  f.invention_patents = 1;  // 30 points
  EXPECT_EQ(tech_sme_score(f).total(), 80);
  EXPECT_FALSE(tech_sme_eligible(f, p)) << "a zero staff score disqualifies whatever the total";
  f.staff_share = 0.12;
  EXPECT_TRUE(tech_sme_eligible(f, p));
  f.invention_patents = 0;
  f.rd_spend = 2.5e5;  // 2.5%: 10 points; total 4 + 10 + 0
  EXPECT_FALSE(tech_sme_eligible(f, p));
  f.valid_hte = true;  // the automatic route
  EXPECT_TRUE(tech_sme_eligible(f, p));
}

TEST(TechSmeEligibility, LargeFirmsNeverQualifyEvenByTheAutomaticRoutes) {
  const TechSmeParameters p;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int large = 0;
  for (int i = 0; i < 20000; ++i) {
    FirmAccounts f = strong_firm();
    f.employees = 1000.0 * unit(rng);
    f.revenue = 4.0e8 * unit(rng);
    f.assets = 4.0e8 * unit(rng);
    f.valid_hte = unit(rng) < 0.5;
    f.platform = unit(rng) < 0.5;
    f.rd_spend = 0.1 * f.revenue;
    if (f.employees > 500.0 || f.revenue > 2.0e8 || f.assets > 2.0e8) {
      ++large;
      EXPECT_FALSE(tech_sme_eligible(f, p)) << f.employees << " staff, " << f.revenue << " yuan";
    }
  }
  EXPECT_GT(large, 10000);  // the sweep really covered large firms
  FirmAccounts edge = strong_firm();
  edge.employees = 500.0;
  edge.revenue = 2.0e8;
  edge.assets = 2.0e8;
  edge.valid_hte = true;
  EXPECT_TRUE(tech_sme_eligible(edge, p)) << "the limits are inclusive";
}

TEST(HteRules, RdTierFollowsRevenue) {
  const HteParameters p;
  EXPECT_DOUBLE_EQ(hte_required_rd_ratio(4.9e7, p), 0.05);
  EXPECT_DOUBLE_EQ(hte_required_rd_ratio(5.0e7, p), 0.05);
  EXPECT_DOUBLE_EQ(hte_required_rd_ratio(5.1e7, p), 0.04);
  EXPECT_DOUBLE_EQ(hte_required_rd_ratio(2.0e8, p), 0.04);
  EXPECT_DOUBLE_EQ(hte_required_rd_ratio(2.1e8, p), 0.03);
}

TEST(HteRules, EachRuleAloneCanDisqualify) {
  const HteParameters p;
  const FirmAccounts ok = strong_firm();
  ASSERT_TRUE(hte_eligible(ok, p)) << "score " << hte_innovation_score(ok, p);
  FirmAccounts f = ok;
  f.age_years = 0.9;
  EXPECT_FALSE(hte_eligible(f, p));
  f = ok;
  f.invention_patents = 0;
  f.other_ip = 0;
  EXPECT_FALSE(hte_eligible(f, p));
  f = ok;
  f.staff_share = 0.09;
  EXPECT_FALSE(hte_eligible(f, p));
  f = ok;
  f.rd_ratio_3y = 0.0499;
  EXPECT_FALSE(hte_eligible(f, p));
  f = ok;
  f.hitech_share = 0.59;
  EXPECT_FALSE(hte_eligible(f, p));
  f = ok;
  f.invention_patents = 0;
  f.other_ip = 1;
  f.revenue_growth = -0.1;
  EXPECT_LT(hte_innovation_score(f, p), 71.0);
  EXPECT_FALSE(hte_eligible(f, p));
}

TEST(HteRules, NoFirmBelowItsTierIsEligible) {
  const HteParameters p;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int below = 0;
  for (int i = 0; i < 20000; ++i) {
    FirmAccounts f = strong_firm();
    f.revenue = 5.0e8 * unit(rng);
    f.rd_ratio_3y = 0.08 * unit(rng);
    const bool under = f.rd_ratio_3y < hte_required_rd_ratio(f.revenue, p);
    below += under;
    if (under) {
      EXPECT_FALSE(hte_eligible(f, p));
    }
  }
  EXPECT_GT(below, 5000);
}

TEST(AgeHazard, CumulativeAndInverseAgree) {
  ExitParameters e;
  e.age_breaks = {1.0, 3.0, 7.0};
  e.hazards = {0.1, 0.2, 0.3, 0.05};
  const AgeHazard h(e);
  EXPECT_DOUBLE_EQ(h.cumulative(0.5), 0.05);
  EXPECT_DOUBLE_EQ(h.cumulative(3.0), 0.1 + 0.4);
  EXPECT_DOUBLE_EQ(h.cumulative(10.0), 0.1 + 0.4 + 1.2 + 0.15);
  EXPECT_DOUBLE_EQ(h.rate(5.0), 0.3);
  for (double a = 0.0; a < 30.0; a += 0.37) EXPECT_NEAR(h.inverse(h.cumulative(a)), a, 1e-12);
}

}  // namespace
}  // namespace leapsim::innovation
