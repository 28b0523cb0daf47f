// Calibration files: which rows are fitted and why others are not, inline figures, and every
// problem located at its file, line and column.
#include "leapsim/innovation/scenario/calibration_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include "leapsim/innovation/scenario/diagnostics.hpp"

#include "scenario_test_support.hpp"

namespace leapsim::innovation {
namespace {

using testing::expect_single;
using testing::scenarios_dir;
using testing::ScratchDir;

/// A scratch folder holding the tiny scenario, an observed-figures file and a calibration file
/// whose body is given.
struct CalibrationFixture {
  ScratchDir dir;
  std::filesystem::path file;
  explicit CalibrationFixture(const std::string& body) {
    std::ifstream tiny(scenarios_dir() / "small" / "tiny.yaml");
    std::stringstream text;
    text << tiny.rdbuf();
    dir.write("tiny.yaml", text.str());
    dir.write("observed.csv",
              "geography,year,metric,value,qualifier,source,note\n"
              "tiny,2018,hte,2,exact,\"before the run\",\n"
              "tiny,2020,hte,5,exact,\"a, quoted source\",year end\n"
              "tiny,2020,tech_sme,14,more_than,src,\n"
              "tiny,2021,hte,6,mid_year,src,\n"
              "tiny,2021,tech_sme,15,about;definition_change,src,\n"
              "tiny,2022,hte,7,exact,src,\n"
              "other,2020,hte,50,exact,src,\n");
    const std::string up_to = body.find("up_to") == std::string::npos ? "  up_to: 2022\n" : "";
    file = dir.write("fit.yaml", "calibration:\n  scenario: tiny.yaml\n  observed: observed.csv\n" + up_to + body);
  }
};

std::vector<Diagnostic> problems_of(const std::filesystem::path& file, std::optional<int> cutoff = std::nullopt) {
  try {
    (void)load_calibration(file, cutoff);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(CalibrationFile, EveryRowOfTheGeographyIsFittedOrToldWhyNot) {
  CalibrationFixture f("  geography: tiny\n  up_to: 2021\n  priors:\n    hte.apply_probability: {uniform: [0.1, 1]}\n");
  const CalibrationFile cal = load_calibration(f.file);
  const std::vector<abc::Target> targets = cal.problem->targets();
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].name, "tiny 2020 hte");
  EXPECT_EQ(targets[1].name, "tiny 2020 tech_sme");
  EXPECT_EQ(targets[1].qualifier, abc::Qualifier::lower_bound);
  EXPECT_EQ(targets[2].name, "tiny 2021 hte (2021.5)");  // mid-year: half the year
  EXPECT_DOUBLE_EQ(cal.problem->figures()[2].fraction, 0.5);
  EXPECT_EQ(targets[0].relative_tolerance, 0.05);
  EXPECT_EQ(targets[0].absolute_tolerance, 1.0);
  ASSERT_EQ(cal.left_out.size(), 2u);
  EXPECT_EQ(cal.left_out[0].reason, "before the run starts (the scenario's initial counts and priors stand for it)");
  EXPECT_NE(cal.left_out[1].reason.find("needs a tolerance of its own"), std::string::npos);
  ASSERT_EQ(cal.later_rows.size(), 1u);  // 2022: after the cut-off, kept for a back-test
  EXPECT_EQ(cal.later_rows[0].year, 2022);
  EXPECT_EQ(cal.data_text(),
            "geography,year,metric,value,qualifier,source,note\n"
            "tiny,2020,hte,5,exact,\"a, quoted source\",year end\n"
            "tiny,2020,tech_sme,14,more_than,src,\n"
            "tiny,2021,hte,6,mid_year,src,\n");
  // A back-test's cut-off replaces up_to.
  EXPECT_EQ(load_calibration(f.file, 2020).problem->figures().size(), 2u);
}

TEST(CalibrationFile, ListedAndInlineFiguresWithTheirOwnTolerances) {
  CalibrationFixture f(
      "  geography: tiny\n"
      "  figures:\n"
      "    - {metric: tech_sme, year: 2021, tolerance: 0.3}\n"
      "    - {metric: htes, year: 2022, value: 9, source: a simulation}\n"
      "    - {metric: hte, year: 2020, geography: other}\n"
      "  priors:\n    initial.2.count: {log_uniform: [10, 100]}\n");
  const CalibrationFile cal = load_calibration(f.file);
  const std::vector<abc::Target> targets = cal.problem->targets();
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].relative_tolerance, 0.3);
  EXPECT_EQ(targets[1].value, 9.0);
  EXPECT_EQ(targets[2].value, 50.0);
  EXPECT_EQ(cal.problem->free_parameters()[0].path.path, "initial[2].count");
  EXPECT_EQ(cal.problem->free_parameters()[0].prior.kind, abc::PriorKind::log_uniform);
}

TEST(CalibrationFile, ProblemsAreLocated) {
  struct Case {
    std::string body;
    int line, column;
    std::string part;
  } cases[] = {
      {"  geography: tiny\n  priors:\n    hte.no_such: {uniform: [0, 1]}\n", 7, 5,
       "parameter 'hte.no_such' names no number below 'hte'"},
      {"  geography: tiny\n  priors:\n    hte.apply_probability: {uniform: [1, 0.5]}\n", 7, 28,
       "priors.hte.apply_probability: a uniform prior needs finite bounds with low < high"},
      {"  geography: tiny\n  priors:\n    hte.apply_probability: {beta: [1, 2]}\n", 7, 29, "unknown prior 'beta'"},
      {"  figures:\n    - {metric: hte, year: 2030}\n  priors:\n    hte.apply_probability: {uniform: [0, 1]}\n", 6, 7,
       "0 rows of the observed data are  2030 hte"},
      {"  figures:\n    - {metric: htes, year: 2030, value: 3}\n  priors:\n    hte.apply_probability: {uniform: [0, "
       "1]}\n",
       6, 7, "cannot be fitted: after the scenario's last year"},
      {"  geography: tiny\n  method: {kernel: wide}\n  priors:\n    hte.apply_probability: {uniform: [0, 1]}\n", 6, 20,
       "kernel"},
      {"  geography: tiny\n  metod: {}\n  priors:\n    hte.apply_probability: {uniform: [0, 1]}\n", 6, 3,
       "unknown key \"metod\" in calibration (did you mean \"method\"?)"},
      {"  up_to: 2018\n  geography: tiny\n  priors:\n    hte.apply_probability: {uniform: [0, 1]}\n", 4, 10,
       "no figure up to calibration.up_to (2018) in the scenario's horizon 2019-2022"},
  };
  for (const Case& c : cases) {
    CalibrationFixture f(c.body);
    expect_single(problems_of(f.file), f.file, c.line, c.column, c.part);
  }
}

TEST(CalibrationFile, BadObservedRowsAreLocated) {
  ScratchDir dir;
  const auto csv =
      dir.write("observed.csv", "geography,year,metric,value,qualifier,source,note\nx,20x0,hte,1,exact,s,\n");
  try {
    (void)read_observed(csv);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    expect_single(e.diagnostics(), csv, 2, 3, "year: expected a whole year, got '20x0'");
  }
}

TEST(CalibrationFile, APriorOutsideItsParametersDomainIsRefusedByName) {
  CalibrationFixture f("  geography: tiny\n  priors:\n    hte.apply_probability: {uniform: [0.5, 2]}\n");
  try {
    (void)load_calibration(f.file);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "parameter 'hte.apply_probability': the prior reaches [0.5, 2] but the parameter takes [0, 1]");
  }
}

}  // namespace
}  // namespace leapsim::innovation
