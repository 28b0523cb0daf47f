// Numbers named by path: every form a calibration or a posterior may name, and the messages of
// every path that names no number.
#include "leapsim/innovation/parameter_paths.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim::innovation {
namespace {

Parameters three_groups() {
  Parameters p;
  p.initial = {InitialGroup{}, InitialGroup{}, InitialGroup{}};
  p.initial[2].count = 150;
  p.policy.budget.steps = {{-INFINITY, 1.0e7}, {2021.0, 2.0e7}, {2023.0, 3.0e7}};
  return p;
}

std::string message_of(const Parameters& p, const std::string& path) {
  try {
    (void)find_parameter(p, path);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ParameterPaths, DottedAndBracketedIndicesNameTheSameCount) {
  Parameters p = three_groups();
  const ParameterPath dotted = find_parameter(p, "initial.2.count");
  const ParameterPath bracketed = find_parameter(p, "initial[2].count");
  EXPECT_EQ(dotted.path, "initial[2].count");
  EXPECT_EQ(bracketed.path, dotted.path);
  EXPECT_TRUE(dotted.whole);
  EXPECT_EQ(parameter_value(p, dotted), 150.0);
  set_parameter(p, dotted, 40123.6);  // a count is rounded to the nearest whole number
  EXPECT_EQ(p.initial[2].count, 40124u);
  EXPECT_EQ(p.initial[1].count, InitialGroup{}.count);
}

TEST(ParameterPaths, ScheduleStepsAreNamedOneByOne) {
  Parameters p = three_groups();
  set_parameter(p, find_parameter(p, "policy.budget[1]"), 2.5e7);
  EXPECT_EQ(p.policy.budget.steps[1].value, 2.5e7);
  EXPECT_EQ(p.policy.budget.steps[0].value, 1.0e7);  // the other steps keep their values and dates
  EXPECT_EQ(p.policy.budget.steps[1].from, 2021.0);
  // A one-step schedule may be named whole.
  set_parameter(p, find_parameter(p, "policy.hte_reward_new"), 2.0e5);
  EXPECT_EQ(p.policy.hte_reward_new.at(2030.0), 2.0e5);
  EXPECT_EQ(message_of(p, "policy.budget"),
            "parameter 'policy.budget' is a schedule of 3 steps; name one step, from policy.budget[0] to "
            "policy.budget[2]");
}

TEST(ParameterPaths, PlainNumbersAndListElements) {
  Parameters p;
  const ParameterPath apply = find_parameter(p, "hte.apply_probability");
  EXPECT_FALSE(apply.whole);
  EXPECT_EQ(domain_words(apply), "[0, 1]");
  EXPECT_TRUE(in_domain(apply, 1.0));
  EXPECT_FALSE(in_domain(apply, 1.01));
  set_parameter(p, apply, 0.25);
  EXPECT_EQ(p.hte.apply_probability.at(2020.0), 0.25);
  set_parameter(p, find_parameter(p, "exit.hazards[3]"), 0.07);
  EXPECT_EQ(p.exit.hazards[3], 0.07);
  EXPECT_EQ(domain_words(find_parameter(p, "entry.base_rate")), "[0, 10000000]");
}

TEST(ParameterPaths, EveryListedPathIsFoundAndReadsItsOwnValue) {
  const Parameters p = three_groups();
  const std::vector<std::string> paths = parameter_paths(p);
  ASSERT_GT(paths.size(), 100u);
  for (const std::string& path : paths) {
    const ParameterPath found = find_parameter(p, path);
    EXPECT_EQ(found.path, path);
    EXPECT_TRUE(std::isfinite(parameter_value(p, found))) << path;
  }
}

TEST(ParameterPaths, PathsThatNameNoNumberSayWhatIsWrong) {
  const Parameters p = three_groups();
  EXPECT_EQ(message_of(p, "initial[3].count"),
            "parameter 'initial[3].count' has no element [3]: initial holds 3, from initial[0] to initial[2]");
  EXPECT_EQ(message_of(p, "hte.no_such"),
            "parameter 'hte.no_such' names no number below 'hte'; the keys there are round_date, min_age_years, "
            "min_staff_share, min_hitech_share, min_score, tier_small_revenue, tier_medium_revenue, rd_ratio_small, "
            "rd_ratio_medium, rd_ratio_large, validity_years, apply_probability, apply_probability_per_100k, "
            "renew_probability, pass_probability, coached_pass_probability");
  EXPECT_EQ(message_of(p, "region.name"), "parameter 'region.name' is a text, not a number");
  EXPECT_EQ(message_of(p, "initial[0].status"), "parameter 'initial[0].status' is a word or a date, not a number");
  EXPECT_NE(message_of(p, "nothing").find("names no number; the keys there are region, start_year"), std::string::npos);
  EXPECT_EQ(message_of(p, ""), "an empty parameter path");
}

// One walk sets or reads several paths (a posterior draw's); each value lands where set_parameter
// would put it, whatever the order of the paths, and a path that a differently shaped Parameters
// lacks is refused with its message.
TEST(ParameterPaths, SeveralPathsAreSetAndReadInOneWalkAsOneByOne) {
  Parameters p = three_groups();
  const std::vector<ParameterPath> paths = {find_parameter(p, "policy.budget[2]"),
                                            find_parameter(p, "initial[2].count"),
                                            find_parameter(p, "hte.apply_probability")};
  const std::vector<double> values = {4.5e7, 987.4, 0.25};
  Parameters one_by_one = p;
  for (std::size_t i = 0; i < paths.size(); ++i) set_parameter(one_by_one, paths[i], values[i]);
  set_parameters(p, paths, values);
  EXPECT_EQ(p.policy.budget.steps[2].value, 4.5e7);
  EXPECT_EQ(p.initial[2].count, 987u);
  EXPECT_EQ(p.hte.apply_probability.steps[0].value, 0.25);
  EXPECT_EQ(parameter_values(p, paths), parameter_values(one_by_one, paths));
  EXPECT_EQ(parameter_values(p, paths), (std::vector<double>{4.5e7, 987.0, 0.25}));
  Parameters fewer;
  fewer.initial = {InitialGroup{}};
  EXPECT_THROW(set_parameters(fewer, paths, values), UsageError);
}

}  // namespace
}  // namespace leapsim::innovation
