// Cost-effectiveness of packages from hand-built result trees: the paired extras, the cost per
// extra unit, dominance, the frontier and the errors.
#include "leapsim/innovation/cost_effectiveness.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim::innovation {
namespace {

using Rows = std::vector<std::vector<double>>;  // [replication][year]

/// A results tree over 2019-2021 whose scenarios hold the given metrics, [replication, year].
class Tree {
 public:
  Tree() {
    root_.arrays.push_back({"years", {3}, {2019, 2020, 2021}, {}});
    root_.add_group("scenarios");
  }
  /// Adds a scenario with metrics by name.
  Tree& scenario(const std::string& name, const std::vector<std::pair<std::string, Rows>>& metrics) {
    ResultGroup& s = root_.groups.front().add_group(name);
    ResultGroup& m = s.add_group("metrics");
    for (const auto& [metric, rows] : metrics) {
      ResultArray a{metric, {rows.size(), rows.front().size()}, {}, {}};
      for (const auto& row : rows) a.values.insert(a.values.end(), row.begin(), row.end());
      m.arrays.push_back(std::move(a));
    }
    return *this;
  }
  /// A package whose extra over the base (htes 10 a year, county cost 100 a year) is the same in
  /// every replication: `effect` more HTEs in every year and `cost` more yuan in each year.
  Tree& constant(const std::string& name, double effect, double cost) {
    const Rows htes(3, {10.0 + effect, 10.0 + effect, 10.0 + effect});
    const Rows county(3, {100.0 + cost, 100.0 + cost, 100.0 + cost});
    return scenario(name, {{"htes", htes}, {"county_cost", county}});
  }
  const ResultGroup& root() const { return root_; }

 private:
  ResultGroup root_;
};

Tree with_base() { return std::move(Tree().constant("base", 0.0, 0.0)); }

const PackageCostEffect& package(const CostEffectiveness& c, const std::string& name) {
  for (const PackageCostEffect& p : c.packages)
    if (p.scenario == name) return p;
  throw std::runtime_error("no package " + name);
}

TEST(CostEffectiveness, PairsTheExtrasAndSumsTheCostThroughTheYear) {
  Tree tree = with_base();
  tree.constant("reward", 2.0, 50.0);
  const CostEffectiveness c = cost_effectiveness(tree.root(), "base", "htes", 2020, "county");
  ASSERT_EQ(c.packages.size(), 1u);
  const PackageCostEffect& p = c.packages.front();
  EXPECT_DOUBLE_EQ(p.effect.mean, 2.0);  // in 2020 only
  EXPECT_DOUBLE_EQ(p.cost.mean, 100.0);  // 50 in 2019 and 50 in 2020
  EXPECT_DOUBLE_EQ(p.cost_per_unit.ratio, 50.0);
  ASSERT_TRUE(p.cost_per_unit.bounded);
  EXPECT_DOUBLE_EQ(p.cost_per_unit.interval.low, 50.0);
  EXPECT_DOUBLE_EQ(p.cost_per_unit.interval.high, 50.0);
  EXPECT_DOUBLE_EQ(p.per_million, 2.0 / 100.0 * 1.0e6);
  EXPECT_FALSE(p.effect_uncertain);
  EXPECT_DOUBLE_EQ(cost_effectiveness(tree.root(), "base", "htes", 2021).packages.front().cost.mean, 150.0);
}

TEST(CostEffectiveness, AnEffectThatMayBeZeroIsFlaggedAndItsRatioUnbounded) {
  Tree tree = with_base();
  // Extra HTEs 1, 3, 2 in 2019 (mean 2, sd 1: t(0.975, 2) = 4.303 gives 2 -+ 2.484, which holds
  // 0); extra cost 300, 500, 400.
  tree.scenario("coaching", {{"htes", {{11, 10, 10}, {13, 10, 10}, {12, 10, 10}}},
                             {"county_cost", {{400, 100, 100}, {600, 100, 100}, {500, 100, 100}}}});
  const PackageCostEffect p = cost_effectiveness(tree.root(), "base", "htes", 2019).packages.front();
  EXPECT_DOUBLE_EQ(p.effect.mean, 2.0);
  EXPECT_NEAR(p.effect.interval.low, 2.0 - 4.302653 / std::sqrt(3.0), 1e-5);
  EXPECT_TRUE(p.effect_uncertain);
  EXPECT_DOUBLE_EQ(p.cost_per_unit.ratio, 200.0);
  EXPECT_FALSE(p.cost_per_unit.bounded);  // 2^2 < t^2 Var(mean effect) = 18.5 / 3
}

TEST(CostEffectiveness, APackageThatChangesNothingIsUncertainAndTiesWithTheBase) {
  Tree tree = with_base();
  tree.constant("same", 0.0, 0.0).constant("reward", 2.0, 50.0);
  const CostEffectiveness c = cost_effectiveness(tree.root(), "base", "htes", 2020);
  const PackageCostEffect& same = package(c, "same");
  EXPECT_TRUE(same.effect_uncertain);
  EXPECT_FALSE(same.dominated);  // equal to the base: neither is strictly better
  EXPECT_FALSE(same.on_frontier);
  EXPECT_FALSE(same.cost_per_unit.bounded);
  ASSERT_EQ(c.frontier.size(), 2u);
  EXPECT_EQ(c.frontier[0].scenario, "base");
}

TEST(CostEffectiveness, DominanceAndTheFrontierWithExtendedDominance) {
  // Points (extra cost through 2019, extra HTEs in 2019), the same in every replication:
  //   cheap (200, 2): not dominated, but below the segment base-best (slope 0.01 then 0.04)
  //   best (300, 6), dear (600, 7): the frontier's steps after the base
  //   worse (400, 3) and dearer (500, 5): dominated by best
  //   loser (100, -1): dominated by the base (more cost, less effect)
  //   line (450, 6.5): on the segment best-dear (slope 1/300), kept
  Tree tree = with_base();
  tree.constant("cheap", 2, 200)
      .constant("best", 6, 300)
      .constant("worse", 3, 400)
      .constant("dearer", 5, 500)
      .constant("dear", 7, 600)
      .constant("loser", -1, 100)
      .constant("line", 6.5, 450);
  const CostEffectiveness c = cost_effectiveness(tree.root(), "base", "htes", 2019);
  EXPECT_FALSE(package(c, "cheap").dominated);
  EXPECT_FALSE(package(c, "cheap").on_frontier);
  EXPECT_TRUE(package(c, "worse").dominated);
  EXPECT_EQ(package(c, "worse").dominated_by, "best");
  EXPECT_TRUE(package(c, "dearer").dominated);
  EXPECT_EQ(package(c, "loser").dominated_by, "base");
  EXPECT_FALSE(package(c, "best").dominated);
  ASSERT_EQ(c.frontier.size(), 4u);
  const char* order[] = {"base", "best", "line", "dear"};
  const double incremental[] = {NAN, 50.0, 300.0, 300.0};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(c.frontier[i].scenario, order[i]);
    if (i > 0) {
      EXPECT_DOUBLE_EQ(c.frontier[i].incremental_cost_per_unit, incremental[i]);
      EXPECT_TRUE(package(c, order[i]).on_frontier);
    }
  }
  EXPECT_TRUE(std::isnan(c.frontier[0].incremental_cost_per_unit));
}

TEST(CostEffectiveness, AFrontierStartsAtAPackageThatSavesMoney) {
  Tree tree = with_base();
  tree.constant("saver", -1, -50).constant("best", 4, 100);  // slopes 0.02 then 0.033: base is not a step
  const CostEffectiveness c = cost_effectiveness(tree.root(), "base", "htes", 2019);
  ASSERT_EQ(c.frontier.size(), 2u);
  EXPECT_EQ(c.frontier[0].scenario, "saver");
  EXPECT_EQ(c.frontier[1].scenario, "best");
  EXPECT_DOUBLE_EQ(c.frontier[1].incremental_cost_per_unit, 150.0 / 5.0);
}

/// The message of the exception `f` throws as E, or a failure.
template <class E, class F>
std::string message(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return {};
}

TEST(CostEffectiveness, ErrorsNameWhatIsWrong) {
  Tree tree = with_base();
  tree.constant("reward", 2, 50);
  const ResultGroup& root = tree.root();
  EXPECT_NE(message<UsageError>([&] {
              (void)cost_effectiveness(root, "base", "htes", 2019, "city");
            }).find("unknown payer 'city'; the payers are county, province, tax, public"),
            std::string::npos);
  EXPECT_NE(
      message<UsageError>([&] { (void)cost_effectiveness(root, "nope", "htes", 2019); }).find("no scenario 'nope'"),
      std::string::npos);
  EXPECT_NE(message<UsageError>([&] {
              (void)cost_effectiveness(root, "base", "htes", 2030);
            }).find("no year 2030; the results hold 2019-2021"),
            std::string::npos);
  EXPECT_NE(message<UsageError>([&] {
              (void)cost_effectiveness(root, "base", "firms", 2019);
            }).find("unknown metric 'firms'"),
            std::string::npos);
  // The tree holds county_cost but no province_cost: a file from before the cost books.
  EXPECT_NE(message<IoError>([&] {
              (void)cost_effectiveness(root, "base", "htes", 2019, "province");
            }).find("no per-replication 'province_cost' for scenario 'base' (a file written before the cost books"),
            std::string::npos);
}

}  // namespace
}  // namespace leapsim::innovation
