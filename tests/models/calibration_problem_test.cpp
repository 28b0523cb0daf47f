// The innovation model as a calibration sees it: a run cut at the last fitted year gives the
// same bits as the full run, figures read at part years, located errors, and recovery of known
// parameters from the model's own output.
#include "leapsim/innovation/calibration.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/scenario/loader.hpp"

namespace leapsim::innovation {
namespace {

/// The tiny test district with every initial group and the entry rate ten times larger: about
/// 500 firms, enough that a year's counts carry a few per cent of seed noise.
Parameters district() {
  Parameters p = load_scenario(LEAPSIM_SOURCE_DIR "/scenarios/small/tiny.yaml").parameters;
  for (InitialGroup& g : p.initial) g.count *= 10;
  p.entry.base_rate *= 10;
  return p;
}

FreeParameter free_parameter(const Parameters& p, const std::string& path, double low, double high) {
  return {find_parameter(p, path), abc::Prior::uniform(canonical_parameter_path(path), low, high)};
}

FittedFigure figure(Metric metric, int year, double value, double tolerance = 0.1, double fraction = 1.0) {
  FittedFigure f{metric, year, fraction, {}};
  f.target.name = std::string(metric_infos()[static_cast<std::size_t>(metric)].name) + " " + std::to_string(year);
  f.target.value = value;
  f.target.relative_tolerance = tolerance;
  f.target.absolute_tolerance = 1.0;
  return f;
}

std::string error_of(auto&& make) {
  try {
    make();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CalibrationProblem, RunsCutAtTheLastFittedYearGiveTheFullRunsBits) {
  const Parameters p = district();
  const CalibrationProblem problem(p, {free_parameter(p, "hte.apply_probability", 0.1, 1.0)},
                                   {figure(Metric::htes, 2020, 40.0)});
  EXPECT_EQ(problem.last_year(), 2020);
  const RunResult full = simulate(problem.parameters_at(std::vector{0.6}), 11, 0);
  const std::vector<double> cut = problem.simulate(std::vector{0.6}, 11);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0], full.metrics.at(Metric::htes, 2020));  // same bits, not merely close
}

TEST(CalibrationProblem, PartYearStocksInterpolateAndFlowsScale) {
  const Parameters p = district();
  const CalibrationProblem problem(
      p, {free_parameter(p, "hte.apply_probability", 0.1, 1.0)},
      {figure(Metric::htes, 2021, 1.0, 0.1, 0.5), figure(Metric::entries, 2021, 1.0, 0.1, 0.25)});
  const MetricTable metrics = simulate(problem.parameters_at(std::vector{0.6}), 3, 0).metrics;
  const std::vector<double> s = problem.summaries(metrics);
  EXPECT_DOUBLE_EQ(s[0], 0.5 * metrics.at(Metric::htes, 2020) + 0.5 * metrics.at(Metric::htes, 2021));
  EXPECT_DOUBLE_EQ(s[1], 0.25 * metrics.at(Metric::entries, 2021));
}

TEST(CalibrationProblem, ImpossibleSetUpsAreRefusedByName) {
  const Parameters p = district();
  EXPECT_EQ(error_of([&] {
              CalibrationProblem(p, {free_parameter(p, "hte.apply_probability", 0.1, 1.5)},
                                 {figure(Metric::htes, 2020, 4)});
            }),
            "parameter 'hte.apply_probability': the prior reaches [0.1, 1.5] but the parameter takes [0, 1]");
  EXPECT_EQ(error_of([&] {
              CalibrationProblem(p, {free_parameter(p, "hte.apply_probability", 0.1, 0.9)},
                                 {figure(Metric::htes, 2024, 4)});
            }),
            "figure 'htes 2024': the year 2024 is outside the scenario's horizon 2019-2022");
  EXPECT_NE(error_of([&] {
              CalibrationProblem(p, {free_parameter(p, "hte.apply_probability", 0.1, 0.9)},
                                 {figure(Metric::htes, 2019, 4, 0.1, 0.5)});
            }).find("a stock within the first year of the run (2019) cannot be read"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { CalibrationProblem(p, {free_parameter(p, "hte.apply_probability", 0.1, 0.9)}, {}); }),
            "a calibration needs at least one observed figure to fit");
}

TEST(CalibrationProblem, InvalidCombinationsGiveNanSummariesNotErrors) {
  Parameters p = district();
  // The medium tier must lie above the small one: a theta that breaks it cannot run.
  const CalibrationProblem problem(p, {free_parameter(p, "hte.tier_small_revenue", 1.0e6, 3.0e8)},
                                   {figure(Metric::htes, 2020, 40.0)});
  const std::vector<double> s = problem.simulate(std::vector{p.hte.tier_medium_revenue * 2}, 1);
  EXPECT_TRUE(std::isnan(s[0]));
}

// Recovery: counts simulated at known behaviour probabilities are fitted back. The figures are
// one replication's HTE and tech-SME counts in 2020-2022 at tolerance 10%, about three times
// their seed noise (sd 2-4% at these sizes), so the ABC posterior at final tolerance 1 is wider
// than the exact one and its 90% interval covers the truth with probability well above 0.9. Three
// seeds, each a different truth; the check fails only if the fit is biased or the intervals too
// narrow.
TEST(CalibrationProblem, RecoversKnownBehaviourProbabilities) {
  const Parameters p = district();
  const double truths[][2] = {{0.35, 0.45}, {0.6, 0.3}, {0.5, 0.9}};
  for (std::size_t k = 0; k < std::size(truths); ++k) {
    const std::vector<FreeParameter> free{free_parameter(p, "hte.apply_probability", 0.05, 1.0),
                                          free_parameter(p, "tech_sme.register_probability", 0.05, 1.0)};
    const CalibrationProblem truth_problem(p, free, {figure(Metric::htes, 2022, 1.0)});
    const MetricTable observed =
        simulate(truth_problem.parameters_at(std::vector{truths[k][0], truths[k][1]}), 1000 + k, 0).metrics;
    std::vector<FittedFigure> figures;
    for (int year = 2020; year <= 2022; ++year)
      for (Metric m : {Metric::htes, Metric::tech_smes}) figures.push_back(figure(m, year, observed.at(m, year)));
    const CalibrationProblem problem(p, free, figures);
    abc::AbcOptions options;
    options.particles = 120;
    options.seed = 77 + k;
    options.threads = 2;
    options.max_generations = 8;
    const CalibrationOutcome outcome = calibrate(problem, options);
    ASSERT_EQ(outcome.result.particles.size(), 120u);
    ASSERT_EQ(outcome.predictive.size(), 120u);
    for (std::size_t i = 0; i < 2; ++i) {
      const abc::ParameterReport& r = outcome.result.parameters[i];
      EXPECT_LE(r.low, truths[k][i]) << r.name << " truth " << truths[k][i];
      EXPECT_GE(r.high, truths[k][i]) << r.name << " truth " << truths[k][i];
    }
    // The tech-SME count pins the register probability (measured width ratios 0.44-0.58); the few
    // dozen HTEs leave the apply probability near its prior (0.79-0.85), which is what the data say.
    EXPECT_LT(outcome.result.parameters[1].width_ratio, 0.7);
  }
}

}  // namespace
}  // namespace leapsim::innovation
