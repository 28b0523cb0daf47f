// Sweeps that fit a study: a study file as the base, axes that set a dated step of a schedule,
// points named by their values, and the whole sweep checked before anything runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "leapsim/innovation/scenario/changes.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "scenario_test_support.hpp"

namespace leapsim::innovation {
namespace {

using testing::scenarios_dir;
using testing::ScratchDir;

/// A scratch folder holding the tiny district and its study, for sweeps to name.
struct TinyFolder {
  ScratchDir dir;
  TinyFolder() {
    for (const char* f : {"tiny.yaml", "tiny-study.yaml"})
      std::filesystem::copy(scenarios_dir() / "small" / f, dir.path() / f);
  }
};

/// The steps of a schedule as (from, value) pairs, the first from -infinity.
std::vector<std::pair<Time, double>> steps_of(const Schedule& s) {
  std::vector<std::pair<Time, double>> out;
  for (const Schedule::Step& step : s.steps) out.emplace_back(step.from, step.value);
  return out;
}

TEST(Sweep, AStudyFileMayBeTheBaseAndLendsItsTargets) {
  const TinyFolder tiny;
  const auto file = tiny.dir.write("sweep.yaml",
                                   "study: {name: s, replications: 5}\nbase: tiny-study.yaml\nsweep:\n"
                                   "  - {lever: policy.hte_reward_new, values: [0, 150000]}\n");
  EXPECT_TRUE(check_file(file).empty());
  const Study sweep = load_study(file);
  const Study named = load_study(tiny.dir.path() / "tiny-study.yaml");
  EXPECT_EQ(sweep.base.resolved_yaml, named.base.resolved_yaml);  // the named study's base, not the study
  EXPECT_EQ(sweep.base.source, named.base.source);
  ASSERT_EQ(sweep.alternatives.size(), 2u);  // its points only: the named study's alternatives are not run
  EXPECT_EQ(sweep.alternatives[1].name, "sweep hte_reward_new=150000");
  ASSERT_EQ(sweep.targets.size(), named.targets.size());
  EXPECT_EQ(sweep.targets[0].label, named.targets[0].label);
  EXPECT_EQ(sweep.replications, 5u);  // the sweep file's own settings
  // Targets of its own replace the named study's.
  const auto own = tiny.dir.write("own.yaml",
                                  "study: {name: s}\nbase: tiny-study.yaml\nsweep:\n"
                                  "  - {lever: policy.hte_reward_new, values: [0]}\ntargets:\n"
                                  "  - {label: mine, metric: htes, year: 2020, comparison: '>=', threshold: 1}\n");
  const Study with_own = load_study(own);
  ASSERT_EQ(with_own.targets.size(), 1u);
  EXPECT_EQ(with_own.targets[0].label, "mine");
  // One level only: a study whose base is itself a study is refused where it is named.
  tiny.dir.write("chain.yaml", "study: {name: c}\nbase: sweep.yaml\n");
  const auto top = tiny.dir.write("top.yaml", "study: {name: t}\nbase: chain.yaml\n");
  const std::vector<Diagnostic> found = check_file(top);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].file, (tiny.dir.path() / "chain.yaml").string());
  EXPECT_EQ(found[0].line, 2);
  EXPECT_NE(found[0].message.find("is a study whose base is itself a study"), std::string::npos) << found[0].message;
}

TEST(Sweep, AScenarioThatExtendsAStudyIsToldWhy) {
  const TinyFolder tiny;
  const auto file = tiny.dir.write("extends.yaml", "extends: tiny-study.yaml\nentry: {base_rate: 3}\n");
  testing::expect_single(check_file(file), file, 1, 10,
                         "extends target " + (tiny.dir.path() / "tiny-study.yaml").string() +
                             " is a study file, not a scenario: name its base scenario instead");
}

TEST(Sweep, AnAxisMaySetADatedStepOfASchedule) {
  const TinyFolder tiny;
  // The base's coaching schedule: 1 a year from the start, 2 from 2021; the axis sets 2020 on.
  const auto file = tiny.dir.write("dated.yaml",
                                   "study: {name: d}\nbase:\n  extends: tiny.yaml\n  policy:\n    coaching_capacity:\n"
                                   "      - {value: 1}\n      - {from: 2021-01-01, value: 2}\nsweep:\n"
                                   "  - {lever: policy.coaching_capacity, from: 2020-01-01, values: [5, 7]}\n"
                                   "  - {lever: policy.hte_reward_new, from: 2021-01-01, values: [150000]}\n");
  ASSERT_TRUE(check_file(file).empty());
  const Study study = load_study(file);
  ASSERT_EQ(study.alternatives.size(), 2u);
  EXPECT_EQ(study.alternatives[0].name, "sweep coaching_capacity@2020-01-01=5 hte_reward_new@2021-01-01=150000");
  const Parameters& p = study.alternatives[1].parameters;
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(steps_of(p.policy.coaching_capacity),
            (std::vector<std::pair<Time, double>>{{-inf, 1.0}, {2020.0, 7.0}, {2021.0, 2.0}}));
  // tiny.yaml's reward is one number: the step is added after it.
  EXPECT_EQ(steps_of(p.policy.hte_reward_new),
            (std::vector<std::pair<Time, double>>{{-inf, 100000.0}, {2021.0, 150000.0}}));
  // A step at the date of one the base has replaces it.
  const auto replace =
      tiny.dir.write("replace.yaml",
                     "study: {name: d}\nbase:\n  extends: tiny.yaml\n  policy:\n    coaching_capacity:\n"
                     "      - {value: 1}\n      - {from: 2021-01-01, value: 2}\nsweep:\n"
                     "  - {lever: policy.coaching_capacity, from: 2021, values: [9]}\n");
  EXPECT_EQ(steps_of(load_study(replace).alternatives[0].parameters.policy.coaching_capacity),
            (std::vector<std::pair<Time, double>>{{-inf, 1.0}, {2021.0, 9.0}}));
}

TEST(Sweep, ScheduleValuesAreNamedByTheirSteps) {
  const TinyFolder tiny;
  const auto file = tiny.dir.write("named.yaml",
                                   "study: {name: n}\nbase: tiny.yaml\nsweep:\n  - lever: policy.coaching_capacity\n"
                                   "    values: [0, [{value: 0}, {from: 2021-01-01, value: 5}]]\n");
  const Study study = load_study(file);
  ASSERT_EQ(study.alternatives.size(), 2u);
  EXPECT_EQ(study.alternatives[0].name, "sweep coaching_capacity=0");
  EXPECT_EQ(study.alternatives[1].name, "sweep coaching_capacity=[0, 5@2021-01-01]");
}

TEST(SweepErrors, EveryBadAxisIsReportedWhereItIsWritten) {
  const TinyFolder tiny;
  const auto file = tiny.dir.write(
      "bad.yaml",
      "study: {name: b}\nbase: tiny-study.yaml\nsweep:\n"
      "  - {lever: policy.hte_reward_new, from: 2020-01-01, values: [0, 0.0]}\n"  // 4: a repeat
      "  - {lever: entry.base_rate, from: 2020-01-01, values: [1, 2]}\n"          // 5: no schedule
      "  - {lever: policy.outreach, from: 2040-01-01, values: [1]}\n"             // 6: outside 2019-2022
      "  - {lever: policy.outreach, from: soon, values: [1]}\n"                   // 7: no date
      "  - lever: policy.coaching_capacity\n"                                     // 8
      "    values: [[{value: 0}, {from: 2021, value: 5}], [{value: 0}, {from: 2021, value: 5}]]\n");  // 9
  const std::vector<Diagnostic> found = check_file(file);
  ASSERT_EQ(found.size(), 5u) << [&] {
    std::string all;
    for (const Diagnostic& d : found) all += d.to_string() + "\n";
    return all;
  }();
  const std::pair<int, const char*> expected[] = {
      {4, "sweep[0].values[1]: 0.0 repeats values[0]"},
      {5, "sweep[1].lever: \"entry.base_rate\" cannot be swept"},
      {6, "policy.outreach[1].from 2040-01-01 is outside the horizon 2019-2022"},
      {7, "sweep[3].from: expected a date"},
      {9, "sweep[4].values[1]: [0, 5@2021] repeats values[0]"},
  };
  for (std::size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].file, file.string());
    EXPECT_EQ(found[i].line, expected[i].first) << found[i].to_string();
    EXPECT_GT(found[i].column, 1) << found[i].to_string();
    EXPECT_NE(found[i].message.find(expected[i].second), std::string::npos) << found[i].to_string();
  }
}

TEST(Changes, SchedulesAndDatedStepsBySweepRules) {
  const Scenario tiny = load_scenario(scenarios_dir() / "small" / "tiny.yaml");
  const double inf = std::numeric_limits<double>::infinity();
  const Scenario stepped = with_changes(tiny, {}, {{"policy.hte_reward_new", {{"2020-01-01", 150000.0}}, true}});
  EXPECT_EQ(steps_of(stepped.parameters.policy.hte_reward_new),
            (std::vector<std::pair<Time, double>>{{-inf, 100000.0}, {2020.0, 150000.0}}));
  const Scenario whole =
      with_changes(tiny, {{"entry.base_rate", 3.0}}, {{"policy.coaching_capacity", {{"", 0.0}, {"2021", 5.0}}, false}});
  EXPECT_EQ(whole.parameters.entry.base_rate, 3.0);
  EXPECT_EQ(steps_of(whole.parameters.policy.coaching_capacity),
            (std::vector<std::pair<Time, double>>{{-inf, 0.0}, {2021.0, 5.0}}));
  EXPECT_THROW(with_changes(tiny, {}, {{"policy.nonesuch", {{"2020", 1.0}}, true}}), UsageError);
  EXPECT_THROW(with_changes(tiny, {}, {{"policy.outreach", {{"soon", 1.0}}, true}}), UsageError);
  EXPECT_THROW(with_changes(tiny, {}, {{"policy.outreach", {{"2040-01-01", 1.0}}, true}}), ScenarioError);
}

}  // namespace
}  // namespace leapsim::innovation
