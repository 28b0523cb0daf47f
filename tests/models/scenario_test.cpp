// Scenario and study files load into the typed parameters they describe: layering by `extends`,
// schedules, studies, the YAML round trip, and every file shipped under scenarios/.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

#include "leapsim/engine/time.hpp"
#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/reference.hpp"
#include "leapsim/innovation/scenario/writer.hpp"
#include "scenario_test_support.hpp"

namespace leapsim::innovation {
namespace {

using testing::scenarios_dir;
using testing::ScratchDir;
using testing::source_dir;

constexpr Time kBeforeStart = -std::numeric_limits<Time>::infinity();

Scenario tiny() { return load_scenario(scenarios_dir() / "small" / "tiny.yaml"); }

TEST(Scenario, TinyLoadsEveryKindOfValue) {
  const Scenario s = tiny();
  const Parameters& p = s.parameters;
  EXPECT_EQ(s.name, "Tiny district");
  EXPECT_EQ(s.source, (scenarios_dir() / "small" / "tiny.yaml").string());
  EXPECT_EQ(p.region.name, "Tiny test district");
  EXPECT_EQ(p.region.residents, 1.0e5);
  EXPECT_EQ(p.start_year, 2019);
  EXPECT_EQ(p.end_year, 2022);
  ASSERT_EQ(p.initial.size(), 3u);
  EXPECT_EQ(p.initial[0].status, InitialStatus::hte);
  EXPECT_EQ(p.initial[0].count, 3u);
  EXPECT_EQ(p.initial[0].age_mean, 8.0);
  EXPECT_EQ(p.initial[0].attributes.revenue_median, 3.0e7);
  EXPECT_EQ(p.initial[0].attributes.revenue_log_sd, AttributeDistribution{}.revenue_log_sd);  // not given: default
  EXPECT_EQ(p.initial[2].status, InitialStatus::latent);
  EXPECT_EQ(p.initial[2].age_mean, InitialGroup{}.age_mean);
  ASSERT_EQ(p.carriers.size(), 2u);
  EXPECT_EQ(p.carriers[0].capacity, default_capacity(CarrierKind::incubator, Level::provincial));
  EXPECT_EQ(p.carriers[0].opens, kBeforeStart);
  EXPECT_EQ(p.carriers[1].kind, CarrierKind::maker_space);
  EXPECT_EQ(p.carriers[1].capacity, 10u);
  EXPECT_EQ(p.carriers[1].opens, to_time({2020, 7, 1}));
  EXPECT_EQ(p.carriers[1].initial_occupancy, 0.5);
  ASSERT_EQ(p.platform_builds.size(), 1u);
  EXPECT_EQ(p.platform_builds[0].date, to_time({2020, 4, 1}));
  EXPECT_EQ(p.entry.base_rate, 6.0);
  EXPECT_EQ(p.entry.residence_years, EntryParameters{}.residence_years);
  EXPECT_EQ(s.resolved_yaml, to_yaml(p));
}

TEST(Scenario, ExtendsOverridesOnlyTheKeysItGives) {
  const Parameters base = tiny().parameters;
  const Scenario s = load_scenario(scenarios_dir() / "small" / "tiny-extended.yaml");
  const Parameters& p = s.parameters;
  EXPECT_EQ(s.name, "Tiny district, extended");
  EXPECT_EQ(s.description, "About 50 firms, two carriers, one platform build; for tests only.");  // inherited
  EXPECT_EQ(p.end_year, 2024);
  EXPECT_EQ(p.entry.base_rate, 8.0);
  EXPECT_EQ(p.entry.in_migration_rate, base.entry.in_migration_rate);  // sibling key kept
  EXPECT_EQ(p.initial.size(), base.initial.size());
  EXPECT_EQ(p.policy.hte_reward_new.at(2021.5), 1.0e5);
  EXPECT_EQ(p.policy.hte_reward_new.at(2022.0), 2.0e5);
  EXPECT_EQ(p.policy.rd_subsidy_rate.at(2021.0), 0.05);  // inherited schedule
}

TEST(Scenario, ExtendsChainAppliesRootFirstAndReplacesLists) {
  const Parameters& p = load_scenario(scenarios_dir() / "small" / "tiny-extended-twice.yaml").parameters;
  EXPECT_EQ(p.end_year, 2024);        // from the middle file
  EXPECT_EQ(p.entry.base_rate, 8.0);  // from the middle file
  EXPECT_EQ(p.initial.size(), 3u);    // from the root
  ASSERT_EQ(p.carriers.size(), 1u);   // replaced whole
  EXPECT_EQ(p.carriers[0].name, "Only incubator");
  EXPECT_EQ(p.carriers[0].capacity, 60u);
  EXPECT_EQ(p.policy.coaching_capacity.at(2020.0), 5.0);
}

TEST(Scenario, ExtendsPathIsRelativeToTheFile) {
  const ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "sub");
  dir.write("sub/root.yaml", "start_year: 2020\n");
  const auto leaf = dir.write("leaf.yaml", "extends: sub/root.yaml\n");
  EXPECT_EQ(load_scenario(leaf).parameters.start_year, 2020);
  EXPECT_EQ(load_scenario(leaf).name, "leaf");  // no name: the file's stem
}

TEST(Scenario, ScheduleForms) {
  const Parameters p = load_scenario_text(
                           "policy:\n"
                           "  budget: 2.5e6\n"
                           "  outreach:\n"
                           "    - {from: 2020-07-01, value: 0.1}\n"
                           "    - {from: 2022, value: 0.2}\n"
                           "  coaching_capacity:\n"
                           "    - {value: 3}\n"
                           "    - {from: 2021-01-01, value: 10}\n",
                           "schedules.yaml")
                           .parameters;
  ASSERT_EQ(p.policy.budget.steps.size(), 1u);
  EXPECT_EQ(p.policy.budget.steps[0].from, kBeforeStart);
  EXPECT_EQ(p.policy.budget.at(2019.0), 2.5e6);
  const Schedule& outreach = p.policy.outreach;
  ASSERT_EQ(outreach.steps.size(), 2u);
  EXPECT_EQ(outreach.steps[0].from, to_time({2020, 7, 1}));
  EXPECT_EQ(outreach.steps[1].from, 2022.0);  // a bare year is 1 January
  EXPECT_EQ(outreach.at(2019.0), 0.1);        // the first step also applies before its date
  EXPECT_EQ(outreach.at(2021.0), 0.1);
  EXPECT_EQ(outreach.at(2022.0), 0.2);
  EXPECT_EQ(outreach.at(2025.5), 0.2);
  EXPECT_EQ(p.policy.coaching_capacity.steps[0].from, kBeforeStart);  // `from` left out
  EXPECT_EQ(p.policy.coaching_capacity.at(2020.9), 3.0);
  EXPECT_EQ(p.policy.coaching_capacity.at(2021.0), 10.0);
  EXPECT_EQ(p.rd.deduction_manufacturing.at(2021.0), 1.0);  // untouched default schedule
}

TEST(Scenario, DeductionSchedulesMayBeDatedOutsideTheHorizon) {
  // National law changes when it changes; only the bureau's own policy schedules are held to the
  // horizon.
  const Parameters p = load_scenario_text(
                           "end_year: 2020\nrd:\n  deduction_other:\n    - {value: 0.75}\n"
                           "    - {from: 2023-01-01, value: 1.0}\n",
                           "short.yaml")
                           .parameters;
  EXPECT_EQ(p.rd.deduction_other.at(2023.0), 1.0);
  EXPECT_EQ(p.rd.deduction_manufacturing.at(2021.0), 1.0);  // the default, also after 2020
}

TEST(Scenario, RoundDateAndCorrelation) {
  const Parameters p = load_scenario_text(
                           "hte:\n  round_date: \"10-15\"\n"
                           "entry:\n  attributes:\n    correlation:\n"
                           "      - [1, 0.5, 0, 0]\n      - [0.5, 1, 0, 0]\n      - [0, 0, 1, 0.3]\n"
                           "      - [0, 0, 0.3, 1]\n",
                           "x.yaml")
                           .parameters;
  EXPECT_EQ(p.hte.round_date.month, 10);
  EXPECT_EQ(p.hte.round_date.day, 15);
  EXPECT_EQ(p.entry.attributes.correlation[1], 0.5);
  EXPECT_EQ(p.entry.attributes.correlation[4], 0.5);
  EXPECT_EQ(p.entry.attributes.correlation[11], 0.3);
  EXPECT_EQ(p.entry.attributes.correlation[15], 1.0);
}

TEST(Scenario, EmptyFileIsTheDefaults) {
  const Scenario s = load_scenario_text("", "empty.yaml");
  EXPECT_EQ(s.resolved_yaml, to_yaml(Parameters{}));
  EXPECT_EQ(s.name, "empty");
}

TEST(Study, AlternativesInheritTheBaseAndApplyOverrides) {
  const std::filesystem::path file = scenarios_dir() / "small" / "tiny-study.yaml";
  ASSERT_TRUE(is_study_file(file));
  const Study study = load_study(file);
  const Parameters base = tiny().parameters;
  EXPECT_EQ(study.name, "Tiny study");
  EXPECT_EQ(study.source, file.string());
  EXPECT_EQ(study.replications, 20u);
  EXPECT_EQ(study.seed, 12345u);
  EXPECT_EQ(study.base.name, "base");
  EXPECT_EQ(study.base.source, (scenarios_dir() / "small" / "tiny.yaml").string());
  EXPECT_EQ(study.base.resolved_yaml, to_yaml(base));
  ASSERT_EQ(study.alternatives.size(), 3u);
  const Scenario& reward = study.alternatives[0];
  EXPECT_EQ(reward.name, "bigger-reward");
  EXPECT_EQ(reward.description, "County adds 200,000 yuan per new HTE.");
  EXPECT_EQ(reward.source, file.string());
  EXPECT_EQ(reward.parameters.policy.hte_reward_new.at(2020.0), 3.0e5);
  // Everything else is the base: change the one override back and the documents agree.
  Parameters undone = reward.parameters;
  undone.policy.hte_reward_new = base.policy.hte_reward_new;
  EXPECT_EQ(to_yaml(undone), to_yaml(base));
  EXPECT_EQ(study.alternatives[1].parameters.policy.coaching_capacity.at(2019.5), 5.0);
  EXPECT_EQ(study.alternatives[2].parameters.entry.base_rate, 12.0);
  EXPECT_EQ(study.alternatives[2].parameters.entry.in_migration_rate, base.entry.in_migration_rate);
  EXPECT_EQ(study.alternatives[2].resolved_yaml, to_yaml(study.alternatives[2].parameters));
  ASSERT_EQ(study.targets.size(), 2u);
  EXPECT_EQ(study.targets[0].label, "illustrative: 5 HTEs in 2021");
  EXPECT_EQ(study.targets[0].metric, Metric::htes);
  EXPECT_EQ(study.targets[0].year, 2021);
  EXPECT_EQ(study.targets[0].comparison, Comparison::at_least);
  EXPECT_EQ(study.targets[0].threshold, 5.0);
  EXPECT_EQ(study.targets[1].metric, Metric::tech_smes);
}

TEST(Study, ASweepMakesOneAlternativePerCombination) {
  const Study study = load_study(scenarios_dir() / "small" / "tiny-sweep.yaml");
  ASSERT_EQ(study.alternatives.size(), 6u);  // 3 rewards x 2 coaching capacities, the last fastest
  const double rewards[] = {0.0, 150000.0, 300000.0};
  const double coaching[] = {0.0, 5.0};
  for (std::size_t i = 0; i < 6; ++i) {
    const Scenario& point = study.alternatives[i];
    EXPECT_EQ(point.parameters.policy.hte_reward_new.at(2020.0), rewards[i / 2]) << point.name;
    EXPECT_EQ(point.parameters.policy.coaching_capacity.at(2020.0), coaching[i % 2]) << point.name;
    Parameters undone = point.parameters;  // everything else is the base
    undone.policy.hte_reward_new = study.base.parameters.policy.hte_reward_new;
    undone.policy.coaching_capacity = study.base.parameters.policy.coaching_capacity;
    EXPECT_EQ(to_yaml(undone), study.base.resolved_yaml) << point.name;
  }
  EXPECT_EQ(study.alternatives[3].name, "sweep hte_reward_new=150000 coaching_capacity=5");
}

TEST(Study, ASweepAxisMayBeARangeInEqualSteps) {
  const ScratchDir dir;
  std::filesystem::copy(scenarios_dir() / "small" / "tiny.yaml", dir.path() / "tiny.yaml");
  // The example grid: HTE reward 0..300,000 in 7 steps x coaching capacity 0..60 in 4.
  const auto file = dir.write("range.yaml",
                              "study: {name: x}\nbase: tiny.yaml\nsweep:\n"
                              "  - {lever: policy.hte_reward_new, from: 0, to: 300000, steps: 7}\n"
                              "  - {lever: policy.coaching_capacity, from: 0, to: 60, steps: 4}\n");
  const Study study = load_study(file);
  ASSERT_EQ(study.alternatives.size(), 28u);
  for (std::size_t i = 0; i < 28; ++i) {
    const Scenario& point = study.alternatives[i];
    EXPECT_EQ(point.parameters.policy.hte_reward_new.at(2020.0), 50000.0 * static_cast<double>(i / 4)) << point.name;
    EXPECT_EQ(point.parameters.policy.coaching_capacity.at(2020.0), 20.0 * static_cast<double>(i % 4)) << point.name;
  }
  EXPECT_EQ(study.alternatives[0].name, "sweep hte_reward_new=0 coaching_capacity=0");
  EXPECT_EQ(study.alternatives[27].name, "sweep hte_reward_new=300000 coaching_capacity=60");
  // Fractions are written as the shortest text that reads back as the same number.
  const auto thirds = dir.write("thirds.yaml",
                                "study: {name: x}\nbase: tiny.yaml\nsweep:\n"
                                "  - {lever: hte.pass_probability, from: 0, to: 1, steps: 4}\n");
  const Study by_thirds = load_study(thirds);
  ASSERT_EQ(by_thirds.alternatives.size(), 4u);
  EXPECT_EQ(by_thirds.alternatives[1].name, "sweep pass_probability=0.3333333333333333");
  EXPECT_EQ(by_thirds.alternatives[1].parameters.hte.pass_probability, 1.0 / 3.0);
  EXPECT_EQ(by_thirds.alternatives[3].parameters.hte.pass_probability, 1.0);
}

TEST(StudyErrors, SweepLeversAndValuesAreCheckedWhereWritten) {
  const ScratchDir dir;
  std::filesystem::copy(scenarios_dir() / "small" / "tiny.yaml", dir.path() / "tiny.yaml");
  const std::string head = "study: {name: x}\nbase: tiny.yaml\nsweep:\n";
  auto file = dir.write("lever.yaml", head + "  - lever: policy.hte_reward_nw\n    values: [1, 2]\n");
  testing::expect_single(check_file(file), file, 4, 12, "sweep[0].lever: \"policy.hte_reward_nw\" cannot be swept");
  file = dir.write("value.yaml", head + "  - lever: hte.pass_probability\n    values: [0.5, 1.5]\n");
  testing::expect_single(check_file(file), file, 5, 19, "hte.pass_probability must be in [0, 1], got 1.5");
  file = dir.write("empty.yaml", head + "  - lever: hte.pass_probability\n    values: []\n");
  testing::expect_single(check_file(file), file, 5, 13, "sweep[0].values: expected a non-empty list of values");
  std::string big = head;
  for (const char* lever : {"entry.base_rate", "entry.in_migration_rate", "hte.pass_probability"})
    big += std::string("  - lever: ") + lever +
           "\n    values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0.05, 0.15]\n";
  file = dir.write("big.yaml", big);
  testing::expect_single(check_file(file), file, 4, 3, "sweep: 2197 points; at most 2000");
  // Ranges: all three keys or none, never beside a list; at least two steps; every value checked.
  file = dir.write("half.yaml", head + "  - {lever: hte.pass_probability, from: 0, to: 1}\n");
  testing::expect_single(check_file(file), file, 4, 5,
                         "sweep[0]: expected either values: [...] or from, to and steps together");
  file = dir.write("both.yaml", head + "  - {lever: hte.pass_probability, values: [0.5], from: 0, to: 1, steps: 3}\n");
  testing::expect_single(check_file(file), file, 4, 43,
                         "sweep[0]: expected either values: [...] or from, to and steps together");
  file = dir.write("steps.yaml", head + "  - {lever: hte.pass_probability, from: 0, to: 1, steps: 1}\n");
  testing::expect_single(check_file(file), file, 4, 58,
                         "sweep[0].steps: expected a whole number from 2 to 2000, got 1");
  file = dir.write("type.yaml", head + "  - {lever: hte.pass_probability, from: low, to: 1, steps: 3}\n");
  testing::expect_single(check_file(file), file, 4, 41, "sweep[0].from");
  file = dir.write("range.yaml", head + "  - {lever: hte.pass_probability, from: 0.5, to: 1.5, steps: 3}\n");
  testing::expect_single(
      check_file(file), file, 4, 62,
      "the range's value 1.5 does not fit hte.pass_probability: hte.pass_probability must be in [0, 1]");
}

TEST(Study, InlineBaseMayExtendAFile) {
  const std::filesystem::path file = scenarios_dir() / "small" / "tiny-inline-study.yaml";
  const Study study = load_study(file);
  EXPECT_EQ(study.base.source, file.string());
  EXPECT_EQ(study.base.description, "About 50 firms, two carriers, one platform build; for tests only.");
  EXPECT_EQ(study.base.parameters.entry.base_rate, 7.0);
  EXPECT_EQ(study.base.parameters.initial.size(), 3u);
  ASSERT_EQ(study.alternatives.size(), 1u);
  EXPECT_EQ(study.alternatives[0].parameters.entry.base_rate, 7.0);
  EXPECT_EQ(study.alternatives[0].parameters.policy.hte_reward_new.at(2020.0), 0.0);
  ASSERT_EQ(study.targets.size(), 1u);
  EXPECT_EQ(study.targets[0].label, "firms_alive > 40 in 2022");  // a label made when none is given
  EXPECT_EQ(study.targets[0].comparison, Comparison::more_than);
}

TEST(Study, StudyAndScenarioAreToldApart) {
  EXPECT_TRUE(is_study_text("study: {name: x}\nbase: {}\n"));
  EXPECT_FALSE(is_study_text("name: x\n"));
  EXPECT_FALSE(is_study_text("{"));
  EXPECT_FALSE(is_study_file(scenarios_dir() / "small" / "tiny.yaml"));
  const Study s = load_study_text("study: {replications: 3}\nbase: {end_year: 2020}\n", "memory/study.yaml");
  EXPECT_EQ(s.name, "study");  // no name: the stem of the display name
  EXPECT_EQ(s.replications, 3u);
  EXPECT_EQ(s.seed, Study{}.seed);
  EXPECT_EQ(s.base.parameters.end_year, 2020);
}

/// Parameters with values that print badly in few digits, to test the round trip hard.
Parameters awkward_parameters() {
  Parameters p = tiny().parameters;
  p.region.name = "Cóngtái \"district\" \\ 丛台区\ttab";
  p.region.residents = 1.0 / 3.0;
  p.entry.base_rate = 0.1 + 0.2;
  p.growth.drift = -1.0e-300;
  p.growth.volatility = 5e-324;  // the smallest denormal
  p.patents.rd_elasticity = std::nextafter(0.7, 1.0);
  p.carriers[1].opens = 2019.123456789;  // not a day boundary: written as a number
  p.platform_builds.push_back(PlatformBuild{to_time({2020, 2, 29}), 3, Level::national});
  p.policy.budget = Schedule{{{kBeforeStart, 1.0e7}, {to_time({2021, 3, 1}), 123456789.123}}};
  p.exit.hazards[2] = 0.11 + 1e-17;
  p.hte.round_date = Date{2019, 1, 2};
  p.initial_platforms = 1000000u;  // the largest count a run accepts
  return p;
}

TEST(Writer, RoundTripReproducesTheParameters) {
  for (const Parameters& p : {Parameters{}, tiny().parameters, awkward_parameters()}) {
    const std::string yaml = to_yaml(p);
    const Parameters back = load_scenario_text(yaml, "resolved.yaml").parameters;
    // Numbers are written in shortest round-trip form, so equal text means bit-equal values.
    EXPECT_EQ(to_yaml(back), yaml);
  }
  const Parameters p = awkward_parameters();
  const Parameters back = load_scenario_text(to_yaml(p), "resolved.yaml").parameters;
  EXPECT_EQ(back.region.name, p.region.name);
  EXPECT_EQ(back.region.residents, p.region.residents);
  EXPECT_EQ(back.entry.base_rate, p.entry.base_rate);
  EXPECT_EQ(back.growth.drift, p.growth.drift);
  EXPECT_EQ(back.growth.volatility, p.growth.volatility);
  EXPECT_EQ(back.patents.rd_elasticity, p.patents.rd_elasticity);
  EXPECT_EQ(back.carriers[1].opens, p.carriers[1].opens);
  EXPECT_EQ(back.carriers[0].opens, kBeforeStart);
  EXPECT_EQ(back.platform_builds[1].date, p.platform_builds[1].date);
  EXPECT_EQ(back.platform_builds[1].level, Level::national);
  EXPECT_EQ(back.policy.budget.steps.size(), 2u);
  EXPECT_EQ(back.policy.budget.steps[0].from, kBeforeStart);
  EXPECT_EQ(back.policy.budget.steps[1].value, 123456789.123);
  EXPECT_EQ(back.exit.hazards[2], p.exit.hazards[2]);
  EXPECT_EQ(back.hte.round_date, p.hte.round_date);
  EXPECT_EQ(back.initial_platforms, 1000000u);
  EXPECT_EQ(back.rd.deduction_other.steps[2].from, 2023.0);
}

TEST(Writer, WritesReadableYaml) {
  const std::string yaml = to_yaml(tiny().parameters);
  EXPECT_NE(yaml.find("\nstart_year: 2019\n"), std::string::npos);
  EXPECT_NE(yaml.find("\n  base_rate: 6\n"), std::string::npos);
  EXPECT_NE(yaml.find("\n  - name: \"Tiny maker space\"\n    kind: maker_space\n"), std::string::npos);
  EXPECT_NE(yaml.find("    opens: 2020-07-01\n"), std::string::npos);
  EXPECT_NE(
      yaml.find("  rd_subsidy_rate:\n    - {from: 2019-01-01, value: 0}\n    - {from: 2021-01-01, value: 0.05}\n"),
      std::string::npos);
  EXPECT_NE(yaml.find("  deduction_manufacturing:\n    - {value: 0.5}\n    - {from: 2018-01-01, value: 0.75}\n    - "
                      "{from: 2021-01-01, value: 1}\n"),
            std::string::npos);
  EXPECT_NE(yaml.find("  age_breaks: [1, 3, 7]\n"), std::string::npos);
  EXPECT_NE(yaml.find("  round_date: \"11-30\"\n"), std::string::npos);
  EXPECT_NE(yaml.find("      correlation:\n        - [1, 0.7, -0.2, -0.1]\n"), std::string::npos);
}

TEST(Diagnostics, CompilerStyleText) {
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 7, "bad"}.to_string()), "a.yaml:3:7: error: bad");
}

TEST(ShippedScenarios, EveryFileUnderScenariosIsValid) {
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(scenarios_dir())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    ++checked;
    if (is_calibration_file(entry.path())) {  // a fit of a shipped scenario: it must load too
      EXPECT_NO_THROW((void)load_calibration(entry.path())) << entry.path();
      continue;
    }
    std::string report;
    for (const Diagnostic& d : check_file(entry.path())) report += d.to_string() + "\n";
    EXPECT_EQ(report, "") << entry.path();
    EXPECT_NO_THROW(is_study_file(entry.path()) ? (void)load_study(entry.path()) : (void)load_scenario(entry.path()))
        << entry.path();
  }
  EXPECT_GE(checked, 5u);
}

TEST(Docs, EveryKeyIsDocumented) {
  std::ifstream in(source_dir() / "docs" / "scenario-format.md");
  ASSERT_TRUE(in) << "docs/scenario-format.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  Parameters p;  // one element in each list, so their keys are walked too
  p.initial.emplace_back();
  p.carriers.emplace_back();
  p.platform_builds.emplace_back();
  std::set<std::string> keys{"extends",   "name",         "description", "study",  "base", "alternatives",
                             "overrides", "targets",      "label",       "metric", "year", "comparison",
                             "threshold", "replications", "seed",        "from",   "value"};
  schema::walk(p, "", [&](const std::string& path, const auto&, schema::Range) {
    std::string key = path.substr(path.find_last_of('.') == std::string::npos ? 0 : path.find_last_of('.') + 1);
    keys.insert(key);
  });
  const auto section_keys = {"region", "initial", "attributes", "carriers", "platform_builds", "entry", "growth",
                             "rd",     "patents", "tech_sme",   "hte",      "upgrade",         "exit",  "turnover",
                             "policy", "costs"};
  keys.insert(section_keys.begin(), section_keys.end());
  for (const std::string& key : keys) EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << key;
}

// The key tables of docs/scenario-format.md are generated from the schema: each table between
// its markers must be the generated one, cell for cell. LEAPSIM_UPDATE_DOCS=1 rewrites them.
TEST(Docs, KeyTablesAreTheSchemas) {
  const std::filesystem::path file = source_dir() / "docs" / "scenario-format.md";
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const char* update = std::getenv("LEAPSIM_UPDATE_DOCS");
  const bool rewrite = update != nullptr && std::string(update) == "1";
  std::size_t markers = 0;
  for (std::size_t at = doc.find("<!-- keys: "); at != std::string::npos; at = doc.find("<!-- keys: ", at + 1))
    ++markers;
  const std::vector<KeySection> sections = key_reference();
  EXPECT_EQ(markers, sections.size()) << "one table marker per section of the schema";
  for (const KeySection& section : sections) {
    const std::string open = "<!-- keys: " + section.name + " (";
    const std::size_t marker = doc.find(open);
    ASSERT_NE(marker, std::string::npos) << "no table for section " << section.name;
    const std::size_t begin = doc.find("-->\n", marker) + 4;
    const std::size_t end = doc.find("<!-- /keys -->", begin);
    ASSERT_NE(end, std::string::npos) << section.name;
    const std::string expected = key_table_markdown(section);
    if (rewrite)
      doc.replace(begin, end - begin, expected);
    else
      EXPECT_EQ(doc.substr(begin, end - begin), expected)
          << "the " << section.name << " table differs from the schema; regenerate with LEAPSIM_UPDATE_DOCS=1";
  }
  if (rewrite) std::ofstream(file) << doc;
}

TEST(Docs, KeyTablesShowTypeDefaultRangeAndSource) {
  // A few cells checked by hand, so the generator itself cannot drift unnoticed.
  for (const KeySection& section : key_reference()) {
    for (const KeyReference& k : section.keys) {
      if (section.name == "entry" && k.key == "base_rate") {
        EXPECT_EQ(k.type, "number");
        EXPECT_EQ(k.unit, "firms / year");
        EXPECT_EQ(k.fallback, "60 (assumption, to calibrate)");
        EXPECT_EQ(k.range, ">= 0, at most 10000000");
      }
      if (section.name == "rd" && k.key == "deduction_manufacturing") {
        EXPECT_EQ(k.type, "schedule");
        EXPECT_EQ(k.fallback,
                  "0.5, 0.75 from 2018-01-01, 1 from 2021-01-01 (Implementing Regulations of the Enterprise Income Tax "
                  "Law, art. 95; Caishui [2018] No. 99; MOF/STA 2021 No. 13)");
        EXPECT_EQ(k.range, "values >= 0, at most 10");
      }
      if (section.name == "initial" && k.key == "count") {
        EXPECT_EQ(k.type, "whole number");
        EXPECT_EQ(k.fallback, "(required)");
        EXPECT_EQ(k.range, ">= 0, at most 50000000");
      }
      if (section.name == "carriers" && k.key == "kind") {
        EXPECT_EQ(k.type, "word");
        EXPECT_EQ(k.range, "incubator, maker_space");
      }
      if (section.name == "hte" && k.key == "round_date") {
        EXPECT_EQ(k.fallback, "11-30 (assumption)");
      }
      EXPECT_FALSE(k.help.empty()) << section.name << "." << k.key << " has no help line";
      EXPECT_FALSE(k.help_zh.empty()) << section.name << "." << k.key << " has no Chinese help line";
    }
  }
}

}  // namespace
}  // namespace leapsim::innovation
