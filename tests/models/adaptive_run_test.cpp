// Adaptive replications: the planned looks and their confidence, the plan's checks, and that the
// replications an adaptive run keeps are bit for bit a fixed run of that many.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/adaptive_run.hpp"
#include "test_parameters.hpp"

namespace leapsim::innovation {
namespace {

Study tiny_study() {
  Study study;
  study.name = "tiny";
  study.base.name = "base";
  study.base.parameters = testing::tiny_parameters();
  Scenario richer;
  richer.name = "bigger-reward";
  richer.parameters = testing::tiny_parameters();
  richer.parameters.policy.hte_reward_new = Schedule::constant(3.0e5);
  study.alternatives.push_back(richer);
  study.targets.push_back(Target{"some HTEs", Metric::htes, study.base.parameters.end_year, Comparison::at_least, 1.0});
  return study;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(AdaptivePlan, LooksDoubleFromTheFirstBatchToTheCap) {
  const Study study = tiny_study();
  const auto looks = [&](std::uint32_t first, std::optional<std::uint32_t> cap) {
    return plan_adaptive(study, {parse_precision("htes:2020:1")}, first, cap).looks();
  };
  EXPECT_EQ(looks(200, 3200), (std::vector<std::uint32_t>{200, 400, 800, 1600, 3200}));
  EXPECT_EQ(looks(200, std::nullopt), looks(200, 3200));  // the default cap: 16 first batches
  EXPECT_EQ(looks(10, 30), (std::vector<std::uint32_t>{10, 20, 30}));
  EXPECT_EQ(looks(100, 100), (std::vector<std::uint32_t>{100}));
  EXPECT_EQ(looks(3, 40), (std::vector<std::uint32_t>{10, 20, 40}));  // raised to kMinFirstBatch
  const AdaptivePlan plan = plan_adaptive(study, {parse_precision("htes:2020:1")}, 200, 3200);
  EXPECT_DOUBLE_EQ(plan.confidence(), 1.0 - 0.05 / 5.0);  // Bonferroni over the five looks
}

TEST(AdaptivePlan, BadPrecisionsSayWhatIsWrong) {
  const Study study = tiny_study();
  EXPECT_NE(message_of([] { parse_precision("htes"); }).find("expected METRIC:YEAR:HALFWIDTH"), std::string::npos);
  EXPECT_NE(message_of([] { parse_precision("htes:20x0:1"); }).find("the year must be a whole number"),
            std::string::npos);
  EXPECT_NE(message_of([] { parse_precision("htes:2020:nan"); }).find("positive number"), std::string::npos);
  EXPECT_NE(message_of([] { parse_precision("hts:2020:1"); }).find("unknown metric 'hts'"), std::string::npos);
  EXPECT_NE(message_of([&] {
              plan_adaptive(study, {parse_precision("htes:2030:1")}, 10, {});
            }).find("year 2030 is outside the study"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              plan_adaptive(study, {parse_precision("target:none:0.1")}, 10, {});
            }).find("(it has: some HTEs)"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              plan_adaptive(study, {parse_precision("htes:2020:1")}, 20, 19);
            }).find("below the first batch of 20"),
            std::string::npos);
  Study alone = study;
  alone.alternatives.clear();
  EXPECT_NE(
      message_of([&] { plan_adaptive(alone, {parse_precision("htes:2020:1")}, 10, {}); }).find("needs alternatives"),
      std::string::npos);
  EXPECT_NO_THROW(plan_adaptive(alone, {parse_precision("target:some HTEs:0.1")}, 10, {}));
}

TEST(AdaptiveRun, KeepsTheBitsOfAFixedRunOfTheReplicationsUsed) {
  const Study study = tiny_study();
  // A half-width no run of 40 reaches: every look is made and the cap stops it.
  const AdaptivePlan plan = plan_adaptive(study, {parse_precision("htes:2022:0.0001")}, 10, 40);
  AdaptiveOutcome outcome;
  const StudyResults adaptive = run_study_adaptive(study, plan, 7, RunnerOptions{2, {}, nullptr}, {}, outcome);
  EXPECT_EQ(outcome.stopped_by, "max_replications");
  ASSERT_EQ(outcome.looks.size(), 3u);
  EXPECT_EQ(outcome.replications, 40u);
  EXPECT_GT(outcome.looks[0].widest[0], outcome.looks[2].widest[0]);  // narrower with more replications
  const StudyResults fixed = run_study(study, 40, 7, RunnerOptions{1, {}, nullptr});
  ASSERT_EQ(adaptive.scenarios.size(), fixed.scenarios.size());
  EXPECT_EQ(adaptive.replications, fixed.replications);
  for (std::size_t s = 0; s < fixed.scenarios.size(); ++s) {
    ASSERT_EQ(adaptive.scenarios[s].replications.size(), 40u);
    for (std::size_t r = 0; r < 40; ++r)
      EXPECT_EQ(adaptive.scenarios[s].replications[r].years, fixed.scenarios[s].replications[r].years);
    EXPECT_EQ(adaptive.scenarios[s].events, fixed.scenarios[s].events);
  }
}

}  // namespace
}  // namespace leapsim::innovation
