// Every kind of bad input is reported at its file, line and column with what was expected, and
// nothing loads while any problem remains.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/parameters.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "scenario_test_support.hpp"

namespace leapsim::innovation {
namespace {

using testing::expect_scenario_error;
using testing::expect_single;
using testing::fixtures_dir;
using testing::ScratchDir;

TEST(ScenarioErrors, YamlSyntaxErrorIsLocated) {
  expect_scenario_error("entry: [1, 2\nname: x\n", 2, 5, "YAML syntax");
}

TEST(ScenarioErrors, UnknownTopLevelKeySuggestsTheNearestKey) {
  expect_scenario_error("name: x\nentyr:\n  base_rate: 3\n", 2, 1,
                        "unknown key \"entyr\" at the top level (did you mean \"entry\"?)");
}

TEST(ScenarioErrors, UnknownNestedKeySuggestsTheNearestKey) {
  expect_scenario_error("entry:\n  base_rte: 3\n", 2, 3,
                        "unknown key \"base_rte\" in entry (did you mean \"base_rate\"?)");
}

TEST(ScenarioErrors, UnknownKeyWithoutNearMatchListsTheKeys) {
  expect_scenario_error("turnover:\n  xyz: 3\n", 2, 3,
                        "unknown key \"xyz\" in turnover; expected one of: per_yuan_hte_rd, per_platform");
}

TEST(ScenarioErrors, UnknownKeyInsideAListItem) {
  expect_scenario_error("carriers:\n  - {kind: incubator, level: national, capacty: 3}\n", 2, 40,
                        "unknown key \"capacty\" in carriers[0] (did you mean \"capacity\"?)");
}

TEST(ScenarioErrors, KeyGivenTwice) {
  expect_scenario_error("start_year: 2019\nend_year: 2025\nstart_year: 2020\n", 3, 1,
                        "key \"start_year\" given twice at the top level (first at line 1)");
}

TEST(ScenarioErrors, SequenceWhereANumberIsExpected) {
  expect_scenario_error("entry:\n  base_rate: [1, 2]\n", 2, 14, "entry.base_rate: expected a number, got a sequence");
}

TEST(ScenarioErrors, TextWhereAWholeNumberIsExpected) {
  expect_scenario_error("start_year: soon\n", 1, 13, "start_year: expected a whole number, got \"soon\"");
}

TEST(ScenarioErrors, NegativeCount) {
  expect_scenario_error("initial:\n  - status: latent\n    count: -5\n", 3, 12,
                        "initial[0].count: expected a whole number from 0 to 4294967295, got \"-5\"");
}

TEST(ScenarioErrors, EmptyValueIsReportedAtItsKey) {
  expect_scenario_error("growth:\n  drift:\n", 2, 3, "growth.drift: expected a number, got nothing");
}

TEST(ScenarioErrors, MappingWhereAListIsExpected) {
  expect_scenario_error("initial: {status: hte}\n", 1, 10, "initial: expected a list of mappings, got a mapping");
}

TEST(ScenarioErrors, NegativeRate) {
  expect_scenario_error("entry:\n  base_rate: -1\n", 2, 14, "entry.base_rate must be >= 0, got -1");
}

TEST(ScenarioErrors, NegativeCost) {
  expect_scenario_error("costs:\n  coaching_per_firm: -1\n", 2, 22, "costs.coaching_per_firm must be >= 0, got -1");
}

TEST(ScenarioErrors, UnknownPayer) {
  expect_scenario_error("costs:\n  carrier_payer: city\n", 2, 18,
                        "costs.carrier_payer: unknown carrier_payer \"city\"; expected one of: county, province");
}

TEST(ScenarioErrors, CostOfALeverThatDoesNotExist) {
  expect_scenario_error("costs:\n  mentoring_per_firm: 2.0e4\n", 2, 3, "unknown key \"mentoring_per_firm\" in costs");
}

TEST(ScenarioErrors, CertificateValidityInWholeYears) {
  expect_scenario_error("hte:\n  validity_years: 2.5\n", 2, 19,
                        "hte.validity_years must be a whole number >= 1, got 2.5");
}

TEST(ScenarioErrors, ProbabilityAboveOne) {
  expect_scenario_error("hte:\n  pass_probability: 1.5\n", 2, 21, "hte.pass_probability must be in [0, 1], got 1.5");
}

TEST(ScenarioErrors, ProbabilityInsideAListItem) {
  expect_scenario_error("carriers:\n  - kind: incubator\n    level: national\n    initial_occupancy: -0.25\n", 4, 24,
                        "carriers[0].initial_occupancy must be in [0, 1], got -0.25");
}

TEST(ScenarioErrors, NegativeScheduleValueInAStep) {
  expect_scenario_error("policy:\n  budget:\n    - {value: 1.0e7}\n    - {from: 2021-01-01, value: -3}\n", 4, 33,
                        "policy.budget[1].value must be >= 0, got -3");
}

TEST(ScenarioErrors, ScheduleOutOfOrder) {
  expect_scenario_error("policy:\n  budget:\n    - {from: 2021-01-01, value: 1}\n    - {from: 2020-01-01, value: 2}\n",
                        4, 14, "policy.budget[1].from must be later than the step before (2021-01-01), got 2020-01-01");
}

TEST(ScenarioErrors, ScheduleStepAfterTheHorizon) {
  expect_scenario_error("policy:\n  outreach:\n    - {value: 0}\n    - {from: 2030-01-01, value: 0.1}\n", 4, 14,
                        "policy.outreach[1].from 2030-01-01 is outside the horizon 2019-2025");
}

TEST(ScenarioErrors, ScheduleStepWithoutDate) {
  expect_scenario_error("policy:\n  outreach:\n    - {value: 0}\n    - {value: 0.1}\n", 4, 7,
                        "missing key \"from\" in policy.outreach[1]");
}

TEST(ScenarioErrors, EmptySchedule) {
  expect_scenario_error("policy:\n  outreach: []\n", 2, 13, "policy.outreach: expected a number or a list of steps");
}

TEST(ScenarioErrors, CarrierOpeningBeforeTheHorizon) {
  expect_scenario_error("carriers:\n  - kind: incubator\n    level: provincial\n    opens: 2018-06-01\n", 4, 12,
                        "carriers[0].opens 2018-06-01 is outside the horizon 2019-2025");
}

TEST(ScenarioErrors, PlatformBuildAfterTheHorizon) {
  expect_scenario_error("end_year: 2022\nplatform_builds:\n  - {date: 2023, count: 2, level: provincial}\n", 3, 12,
                        "platform_builds[0].date 2023-01-01 is outside the horizon 2019-2022");
}

TEST(ScenarioErrors, HorizonIsTheFinalOneAfterAllLayers) {
  const ScratchDir dir;
  dir.write("root.yaml", "carriers:\n  - {kind: incubator, level: national, opens: 2024-03-01}\n");
  const auto leaf = dir.write("leaf.yaml", "extends: root.yaml\nend_year: 2023\n");
  expect_single(check_file(leaf), dir.path() / "root.yaml", 2, 47,
                "carriers[0].opens 2024-03-01 is outside the horizon 2019-2023");
}

TEST(ScenarioErrors, NotACalendarDate) {
  expect_scenario_error("carriers:\n  - {kind: incubator, level: national, opens: 2019-02-30}\n", 2, 47,
                        "carriers[0].opens: 2019-02-30 is not a calendar date");
}

TEST(ScenarioErrors, RoundDateMustBeMonthAndDay) {
  expect_scenario_error("hte:\n  round_date: November\n", 2, 15,
                        "hte.round_date: expected a day of the year as \"MM-DD\", got \"November\"");
}

TEST(ScenarioErrors, UnknownStatus) {
  expect_scenario_error("initial:\n  - {status: sme, count: 3}\n", 2, 14,
                        "initial[0].status: unknown status \"sme\"; expected one of: hte, tech_sme, latent");
}

TEST(ScenarioErrors, UnknownKindSuggestsTheNearestWord) {
  expect_scenario_error("carriers:\n  - {kind: incubater, level: national}\n", 2, 12,
                        "carriers[0].kind: unknown kind \"incubater\" (did you mean \"incubator\"?); expected one of: "
                        "incubator, maker_space");
}

TEST(ScenarioErrors, UnknownLevel) {
  expect_scenario_error("platform_builds:\n  - {date: 2020, level: county}\n", 2, 25,
                        "platform_builds[0].level: unknown level \"county\"; expected one of: national, provincial, "
                        "municipal");
}

TEST(ScenarioErrors, MissingRequiredKey) {
  expect_scenario_error("carriers:\n  - {name: x, kind: incubator}\n", 2, 5, "missing key \"level\" in carriers[0]");
}

TEST(ScenarioErrors, AgeBreaksOfWrongLength) {
  expect_scenario_error("exit:\n  age_breaks: [1, 3]\n", 2, 15,
                        "exit.age_breaks: expected a list of 3 numbers, got 2 items");
}

TEST(ScenarioErrors, AgeBreaksNotIncreasing) {
  expect_scenario_error("exit:\n  age_breaks: [1, 3, 2]\n", 2, 22,
                        "exit.age_breaks[2] must be greater than the one before (3), got 2");
}

TEST(ScenarioErrors, RevenueTiersNotIncreasing) {
  expect_scenario_error("hte:\n  tier_medium_revenue: 1.0e7\n", 2, 24,
                        "hte.tier_medium_revenue must be greater than hte.tier_small_revenue (50000000), got 10000000");
}

TEST(ScenarioErrors, EndBeforeStart) {
  expect_scenario_error("start_year: 2019\nend_year: 2018\n", 2, 11, "end_year must be >= start_year (2019), got 2018");
}

TEST(ScenarioErrors, HorizonOfACenturyOrMore) {
  expect_scenario_error("start_year: 2019\nend_year: 2119\n", 2, 11,
                        "end_year must be less than 100 years after start_year (2019), got 2119");
}

TEST(ScenarioErrors, CorrelationNotSymmetric) {
  expect_scenario_error(
      "entry:\n  attributes:\n    correlation:\n      - [1, 0.5, 0, 0]\n      - [0.4, 1, 0, 0]\n"
      "      - [0, 0, 1, 0]\n      - [0, 0, 0, 1]\n",
      4, 13, "entry.attributes.correlation[0][1] must equal its mirror [1][0] (0.4)");
}

TEST(ScenarioErrors, CorrelationNotPositiveDefinite) {
  expect_scenario_error(
      "entry:\n  attributes:\n    correlation:\n      - [1, 0.9, -0.9, 0]\n      - [0.9, 1, 0.9, 0]\n"
      "      - [-0.9, 0.9, 1, 0]\n      - [0, 0, 0, 1]\n",
      4, 7, "entry.attributes.correlation must be positive definite");
}

TEST(ScenarioErrors, CorrelationWithWrongShape) {
  expect_scenario_error("entry:\n  attributes:\n    correlation: [1, 0, 0, 1]\n", 3, 18,
                        "entry.attributes.correlation: expected a list of 4 rows of 4 numbers, got a flat list");
}

TEST(ScenarioErrors, TopLevelMustBeAMapping) {
  expect_scenario_error("- 1\n- 2\n", 1, 1, "the document: expected a mapping of keys, got a sequence");
}

TEST(ScenarioErrors, MissingExtendsTargetNamesThePathTried) {
  const ScratchDir dir;
  const auto file = dir.write("leaf.yaml", "# comment\nextends: nothere.yaml\n");
  expect_single(check_file(file), file, 2, 10,
                "extends target \"nothere.yaml\" not found (tried " + (dir.path() / "nothere.yaml").string() + ")");
}

TEST(ScenarioErrors, ExtendsCycleShowsTheChain) {
  const ScratchDir dir;
  const auto a = dir.write("a.yaml", "extends: b.yaml\n");
  const auto b = dir.write("b.yaml", "name: b\nextends: a.yaml\n");
  expect_single(check_file(a), b, 2, 10, "extends cycle: " + a.string() + " -> " + b.string() + " -> " + a.string());
}

TEST(ScenarioErrors, ExtendsItself) {
  const ScratchDir dir;
  const auto a = dir.write("a.yaml", "extends: ./a.yaml\n");
  expect_single(check_file(a), a, 1, 10, "extends cycle: " + a.string() + " -> " + a.string());
}

TEST(ScenarioErrors, ErrorsInAnExtendedFileNameThatFile) {
  const ScratchDir dir;
  const auto root = dir.write("root.yaml", "growth:\n  volatility: -0.1\n");
  const auto leaf = dir.write("leaf.yaml", "extends: root.yaml\n");
  expect_single(check_file(leaf), root, 2, 15, "growth.volatility must be >= 0, got -0.1");
}

TEST(ScenarioErrors, OverriddenBadValueIsNoLongerAnError) {
  const ScratchDir dir;
  dir.write("root.yaml", "growth:\n  volatility: -0.1\n");
  const auto leaf = dir.write("leaf.yaml", "extends: root.yaml\ngrowth:\n  volatility: 0.2\n");
  EXPECT_TRUE(check_file(leaf).empty());
}

TEST(ScenarioErrors, EveryProblemIsReportedInOnePass) {
  const ScratchDir dir;
  const auto file = dir.write("many.yaml",
                              "entyr: 1\n"
                              "entry:\n  base_rate: -1\n"
                              "patents:\n  invention_share: 2\n"
                              "carriers:\n  - {kind: incubator, level: nationl}\n");
  const std::vector<Diagnostic> found = check_file(file);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].line, 1);  // the unknown key
  EXPECT_EQ(found[1].line, 3);  // range problems, found once everything is read, still in line order
  EXPECT_EQ(found[2].line, 5);
  EXPECT_EQ(found[3].line, 7);  // the unknown level
  try {
    (void)load_scenario(file);
    FAIL() << "an invalid scenario loaded";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics(), found);
    const std::string what = e.what();
    EXPECT_EQ(what, found[0].to_string() + "\n" + found[1].to_string() + "\n" + found[2].to_string() + "\n" +
                        found[3].to_string());
    EXPECT_EQ(found[1].to_string(), file.string() + ":3:14: error: entry.base_rate must be >= 0, got -1");
  }
}

TEST(ScenarioErrors, InvalidScenarioThrowsAUsageError) {
  const ScratchDir dir;
  const auto file = dir.write("bad.yaml", "entry: {base_rate: -1}\n");
  EXPECT_THROW((void)load_scenario(file), ScenarioError);
  EXPECT_THROW((void)load_scenario(file), UsageError);
}

TEST(ScenarioErrors, UnreadableFile) {
  const ScratchDir dir;
  const auto missing = dir.path() / "missing.yaml";
  expect_single(check_file(missing), missing, 1, 1, "cannot read " + missing.string());
  EXPECT_THROW((void)load_scenario(missing), ScenarioError);
}

TEST(ScenarioErrors, DateFarOutsideTheHorizon) {
  expect_scenario_error("carriers:\n  - {kind: incubator, level: national, opens: 1.0e300}\n", 2, 47,
                        "carriers[0].opens 1e+300 is outside the horizon 2019-2025");
}

TEST(ScenarioErrors, ExtremeYearsDoNotOverflow) {
  expect_scenario_error("start_year: -2147483648\nend_year: 2147483647\n", 2, 11,
                        "end_year must be less than 100 years after start_year (-2147483648), got 2147483647");
}

TEST(ScenarioErrors, RatesAndCountsHaveUpperBounds) {
  // Without a bound, a rate of 1e308 validated and the run then grew memory without end.
  expect_scenario_error("entry:\n  base_rate: 1.0e308\n", 2, 14,
                        "entry.base_rate must be at most 10000000, got 1e+308");
  expect_scenario_error("initial:\n  - {status: latent, count: 4000000000}\n", 2, 29,
                        "initial[0].count must be at most 50000000, got 4000000000");
  expect_scenario_error("policy:\n  budget:\n    - {from: 2020-01-01, value: 1.0e20}\n", 3, 33,
                        "policy.budget[0].value must be at most 1e+13, got 1e+20");
  expect_scenario_error("growth:\n  drift: -3\n", 2, 10, "growth.drift must be at least -1, got -3");
}

TEST(ScenarioErrors, StudyAndScenarioAreNotMixedUp) {
  const auto study = testing::scenarios_dir() / "small" / "tiny-study.yaml";
  EXPECT_THROW((void)load_scenario(study), ScenarioError);
  try {
    (void)load_scenario(study);
  } catch (const ScenarioError& e) {
    expect_single(e.diagnostics(), study, 1, 1, "this is a study file");
  }
  const auto scenario = testing::scenarios_dir() / "small" / "tiny.yaml";
  try {
    (void)load_study(scenario);
    FAIL() << "a scenario loaded as a study";
  } catch (const ScenarioError& e) {
    expect_single(e.diagnostics(), scenario, 1, 1, "not a study file");
  }
}

TEST(ScenarioErrors, TextVariantsUseTheDisplayName) {
  const std::vector<Diagnostic> found = check_text("entry:\n  base_rate: -1\n", "inline scenario");
  expect_single(found, "inline scenario", 2, 14, "entry.base_rate must be >= 0, got -1");
  EXPECT_THROW((void)load_scenario_text("{", "broken"), ScenarioError);
}

// Fixtures in tests/models/data: studies that are wrong in the ways a bureau's analyst might.

TEST(StudyErrors, UnknownMetricSuggestsTheNearestName) {
  const auto file = fixtures_dir() / "unknown-metric-study.yaml";
  expect_single(check_file(file), file, 9, 39, "targets[0].metric: unknown metric \"hte\" (did you mean \"htes\"?)");
}

TEST(StudyErrors, UnknownComparison) {
  const auto file = fixtures_dir() / "bad-comparison-study.yaml";
  expect_single(
      check_file(file), file, 8, 68,
      "targets[0].comparison: unknown comparison \"=>\" (did you mean \">=\"?); expected one of: >=, >, <=, <");
}

TEST(StudyErrors, TargetYearOutsideTheHorizon) {
  const auto file = fixtures_dir() / "target-year-study.yaml";
  expect_single(check_file(file), file, 8, 39,
                "targets[0].year 2030 is outside the horizon 2019-2022 of the base scenario");
}

TEST(StudyErrors, OverrideErrorsPointIntoTheStudy) {
  const auto file = fixtures_dir() / "bad-override-study.yaml";
  const std::vector<Diagnostic> found = check_file(file);
  ASSERT_EQ(found.size(), 2u);
  expect_single({found[0]}, file, 11, 9,
                "unknown key \"hte_reward\" in alternatives[0].overrides.policy (did you mean");
  expect_single({found[1]}, file, 15, 28, "policy.coaching_capacity must be >= 0, got -30");
}

TEST(StudyErrors, AlternativeNamesAreUniqueNotBaseAndWithoutSlashes) {
  const auto file = fixtures_dir() / "bad-names-study.yaml";
  const std::vector<Diagnostic> found = check_file(file);
  ASSERT_EQ(found.size(), 3u);
  expect_single({found[0]}, file, 6, 11, "alternatives[0].name: \"base\" names the base scenario");
  expect_single({found[1]}, file, 10, 11,
                "alternatives[2].name: \"coaching\" is already the name of another alternative");
  expect_single({found[2]}, file, 11, 11,
                "alternatives[3].name: \"entry 12/yr\" cannot name a group in a results file");
}

TEST(StudyErrors, MissingBaseFileNamesThePathTried) {
  const auto file = fixtures_dir() / "missing-base-study.yaml";
  expect_single(check_file(file), file, 4, 7,
                "base scenario \"no-such-scenario.yaml\" not found (tried " +
                    (fixtures_dir() / "no-such-scenario.yaml").string() + ")");
}

TEST(StudyErrors, BaseProblemsAreReportedOnceForAllAlternatives) {
  const ScratchDir dir;
  const auto file = dir.write("study.yaml",
                              "study: {name: s}\n"
                              "base:\n  entry: {base_rate: -2}\n"
                              "alternatives:\n  - {name: a}\n  - {name: b}\n");
  expect_single(check_file(file), file, 3, 22, "entry.base_rate must be >= 0, got -2");
}

TEST(StudyErrors, StudyNeedsABase) {
  const ScratchDir dir;
  const auto file = dir.write("study.yaml", "study:\n  name: s\n  replications: 0\n");
  const std::vector<Diagnostic> found = check_file(file);
  ASSERT_EQ(found.size(), 2u);
  expect_single({found[0]}, file, 1, 1, "missing key \"base\" at the top level");
  expect_single({found[1]}, file, 2, 3, "study.replications must be >= 1, got 0");
}

TEST(Validate, DefaultsAreValid) { EXPECT_NO_THROW(validate(Parameters{})); }

TEST(Validate, NamesTheParameterPath) {
  Parameters p;
  p.entry.base_rate = -1;
  p.patents.invention_grant_probability = 1.5;
  try {
    validate(p);
    FAIL() << "invalid parameters passed";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "entry.base_rate must be >= 0, got -1\n"
                 "patents.invention_grant_probability must be in [0, 1], got 1.5");
  }
}

TEST(Validate, CrossFieldChecks) {
  Parameters p;
  p.carriers.push_back(Carrier{"late", CarrierKind::incubator, Level::national, 10, 2031.0, 0.5});
  p.policy.budget.steps.push_back({2020.0, 1.0});
  p.policy.budget.steps.push_back({2020.0, 2.0});
  p.initial.push_back(InitialGroup{});
  p.initial[0].attributes.correlation[1] = 0.2;
  const std::vector<schema::Issue> issues = schema::find_issues(p);
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].path, "initial[0].attributes.correlation[0][1]");
  EXPECT_EQ(issues[1].message, "carriers[0].opens 2031-01-01 is outside the horizon 2019-2025");
  EXPECT_EQ(issues[2].message, "policy.budget[2].from must be later than the step before (2020-01-01), got 2020-01-01");
}

TEST(Validate, DefaultCapacities) {
  EXPECT_EQ(default_capacity(CarrierKind::incubator, Level::national), 60u);
  EXPECT_EQ(default_capacity(CarrierKind::incubator, Level::provincial), 40u);
  EXPECT_EQ(default_capacity(CarrierKind::incubator, Level::municipal), 25u);
  EXPECT_EQ(default_capacity(CarrierKind::maker_space, Level::national), 40u);
  EXPECT_EQ(default_capacity(CarrierKind::maker_space, Level::provincial), 30u);
  EXPECT_EQ(default_capacity(CarrierKind::maker_space, Level::municipal), 15u);
}

// A posterior named by a study or a scenario: resolved against the file naming it, inherited by
// the alternatives, and each wrong reference reported where it is written.

/// A scratch folder holding a scenario (tiny's horizon) and an empty file standing for a posterior.
struct PosteriorFolder {
  testing::ScratchDir dir;
  std::filesystem::path posterior = dir.write("fit.h5", "");
  std::filesystem::path scenario = dir.write("district.yaml", "start_year: 2019\nend_year: 2022\n");
};

TEST(StudyPosterior, IsResolvedAgainstTheFileNamingItAndTheAlternativesInheritIt) {
  PosteriorFolder f;
  std::filesystem::create_directories(f.dir.path() / "sub");
  f.dir.write("sub/fit.h5", "");
  f.dir.write("sub/with-posterior.yaml", "extends: ../district.yaml\nposterior: fit.h5\n");
  const auto study = f.dir.write("study.yaml",
                                 "study: {name: s, runs_per_draw: 2}\nbase: sub/with-posterior.yaml\n"
                                 "alternatives:\n  - {name: a, overrides: {hte: {apply_probability: 0.5}}}\n");
  const Study loaded = load_study(study);
  EXPECT_EQ(loaded.posterior_file, (f.dir.path() / "sub" / "fit.h5").string());
  EXPECT_EQ(loaded.runs_per_draw, 2u);
  EXPECT_EQ(loaded.alternatives.at(0).posterior, loaded.posterior_file);
  // The study's own wins over its base's; a scenario with none names none.
  const auto own = f.dir.write("own.yaml", "study: {name: s, posterior: fit.h5}\nbase: sub/with-posterior.yaml\n");
  EXPECT_EQ(load_study(own).posterior_file, f.posterior.string());
  EXPECT_EQ(load_scenario(f.scenario).posterior, "");
}

TEST(StudyPosterior, AMissingFileIsLocatedAtItsKey) {
  PosteriorFolder f;
  const auto study = f.dir.write("study.yaml", "study:\n  name: s\n  posterior: missing.h5\nbase: district.yaml\n");
  expect_single(check_file(study), study, 3, 14, "posterior \"missing.h5\" not found");
  const auto scenario = f.dir.write("scenario.yaml", "extends: district.yaml\nposterior: gone.h5\n");
  expect_single(check_file(scenario), scenario, 2, 12, "posterior \"gone.h5\" not found");
}

TEST(StudyPosterior, OutsideTheFolderIsRefusedUnlessAllowed) {
  PosteriorFolder f;
  std::filesystem::create_directories(f.dir.path() / "inner");
  f.dir.write("inner/district.yaml", "start_year: 2019\nend_year: 2022\n");
  const auto study = f.dir.write("inner/study.yaml", "study: {name: s, posterior: ../fit.h5}\nbase: district.yaml\n");
  {
    const NamedFilesPolicy inside(NamedFiles::inside_folder);
    expect_single(check_file(study), study, 1, 29, "posterior \"../fit.h5\" is outside the folder of");
  }
  EXPECT_TRUE(check_file(study).empty());
}

TEST(StudyPosterior, AnAlternativeCannotNameOneOfItsOwn) {
  PosteriorFolder f;
  const auto study = f.dir.write("study.yaml",
                                 "study: {name: s, posterior: fit.h5}\nbase: district.yaml\nalternatives:\n"
                                 "  - name: a\n    posterior: fit.h5\n"
                                 "  - name: b\n    overrides:\n      posterior: fit.h5\n");
  const std::vector<Diagnostic> found = check_file(study);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].line, 5);
  EXPECT_NE(found[0].message.find("alternatives[0].posterior: an alternative cannot name a posterior of its own"),
            std::string::npos)
      << found[0].to_string();
  EXPECT_EQ(found[1].line, 8);
  EXPECT_NE(found[1].message.find("alternatives[1].overrides.posterior: an alternative cannot name"), std::string::npos)
      << found[1].to_string();
}

TEST(StudyPosterior, RunsPerDrawNeedsAPosteriorAndAtLeastOne) {
  PosteriorFolder f;
  const auto without = f.dir.write("without.yaml", "study:\n  name: s\n  runs_per_draw: 4\nbase: district.yaml\n");
  expect_single(check_file(without), without, 3, 18, "study.runs_per_draw: runs per posterior draw needs a posterior");
  const auto zero =
      f.dir.write("zero.yaml", "study:\n  name: s\n  posterior: fit.h5\n  runs_per_draw: 0\nbase: district.yaml\n");
  expect_single(check_file(zero), zero, 4, 18, "study.runs_per_draw must be >= 1, got 0");
}

// A study copied away from its posterior (the Congtai study without hebei-2016.posterior.h5 beside
// it) gets one error, at the posterior it names, not more at the keys that go with it.
TEST(StudyPosterior, AMissingPosteriorIsReportedOnceWhereItIsNamed) {
  PosteriorFolder f;
  const auto study = f.dir.write("study.yaml",
                                 "study:\n  name: s\n  posterior: gone.h5\n  runs_per_draw: 2\n"
                                 "  posterior_parameters: [hte.apply_probability]\nbase: district.yaml\n");
  expect_single(check_file(study), study, 3, 14, "posterior \"gone.h5\" not found (tried ");
}

}  // namespace
}  // namespace leapsim::innovation
