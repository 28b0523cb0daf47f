// Back-tests: scores of a hand-made ensemble against values worked by hand, the ensemble's
// draws keyed as documented (by (seed, member), the same bits on one and two threads), prior
// draws, and a calibration file cut before every figure.
#include "leapsim/innovation/backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/innovation/scenario/loader.hpp"

namespace leapsim::innovation {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

FittedFigure figure(Metric metric, int year, double value, abc::Qualifier qualifier = abc::Qualifier::exact) {
  FittedFigure f{metric, year, 1.0, {}};
  f.target.name = std::string(metric_infos()[static_cast<std::size_t>(metric)].name) + " " + std::to_string(year);
  f.target.value = value;
  f.target.qualifier = qualifier;
  f.target.relative_tolerance = 0.1;
  return f;
}

TEST(BacktestScores, MatchHandComputedCoverageAndScores) {
  // Five members of four figures, and a sixth member that could not run (NaN): left out.
  //   A exact 10 over {8..12}:   50% band [9, 11], 90% [8.2, 11.8] (type 7): inside both.
  //   B exact 3 over {5..9}:     50% [6, 8], 90% [5.2, 8.8]: outside both.
  //   C "more than 12" {10..14}: the 90% band reaches 13.8 >= 12: inside.
  //   D "more than 20" {10..14}: the band stops at 13.8: outside.
  const std::vector<FittedFigure> figures{figure(Metric::htes, 2021, 10), figure(Metric::htes, 2022, 3),
                                          figure(Metric::tech_smes, 2021, 12, abc::Qualifier::lower_bound),
                                          figure(Metric::tech_smes, 2022, 20, abc::Qualifier::lower_bound)};
  std::vector<std::vector<double>> ensemble;
  for (int i = 0; i < 5; ++i) ensemble.push_back({8.0 + i, 5.0 + i, 10.0 + i, 10.0 + i});
  ensemble.push_back({kNan, kNan, kNan, kNan});
  const BacktestScoresTable t = score_figures(figures, ensemble);
  ASSERT_EQ(t.figures.size(), 4u);
  const FigureScore &a = t.figures[0], &b = t.figures[1], &c = t.figures[2], &d = t.figures[3];
  EXPECT_EQ(a.invalid_members, 1u);
  EXPECT_EQ(a.ensemble.size(), 5u);
  EXPECT_DOUBLE_EQ(a.median, 10.0);
  EXPECT_DOUBLE_EQ(a.band_50.low, 9.0);
  EXPECT_DOUBLE_EQ(a.band_50.high, 11.0);
  EXPECT_NEAR(a.band_90.low, 8.2, 1e-12);
  EXPECT_NEAR(a.band_90.high, 11.8, 1e-12);
  EXPECT_TRUE(a.inside_50 && a.inside_90);
  EXPECT_FALSE(b.inside_50 || b.inside_90);
  EXPECT_TRUE(c.inside_50 && c.inside_90);
  EXPECT_FALSE(d.inside_50 || d.inside_90);
  // Interval scores: width, plus 2 / alpha times the miss.
  EXPECT_DOUBLE_EQ(a.interval_score_50, 2.0);
  EXPECT_NEAR(a.interval_score_90, 3.6, 1e-12);
  EXPECT_DOUBLE_EQ(b.interval_score_50, 2.0 + 4.0 * 3.0);
  EXPECT_NEAR(b.interval_score_90, 3.6 + 20.0 * 2.2, 1e-9);
  // Fair CRPS: mean |x - y| less half the mean pair distance, 40 / (5 x 4) / 2 = 1.
  EXPECT_NEAR(a.crps, 1.2 - 1.0, 1e-12);
  EXPECT_NEAR(b.crps, 4.0 - 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(a.relative_error, 0.0);
  EXPECT_DOUBLE_EQ(b.relative_error, 4.0 / 3.0);
  // Bounds have no interval score, CRPS or relative error, and stay out of the summary.
  EXPECT_TRUE(std::isnan(c.interval_score_50) && std::isnan(c.crps) && std::isnan(c.relative_error));
  EXPECT_EQ(t.bounds, 2u);
  EXPECT_EQ(t.bounds_inside_90, 1u);
  ASSERT_TRUE(t.summary.has_value());
  EXPECT_EQ(t.summary->figures, 2u);
  EXPECT_DOUBLE_EQ(t.summary->coverage_50, 0.5);
  EXPECT_DOUBLE_EQ(t.summary->coverage_90, 0.5);
  EXPECT_DOUBLE_EQ(t.summary->mean_interval_score_50, 8.0);
  EXPECT_NEAR(t.summary->mean_interval_score_90, (3.6 + 47.6) / 2.0, 1e-9);
  EXPECT_NEAR(t.summary->mean_crps, (0.2 + 3.0) / 2.0, 1e-12);
  EXPECT_NEAR(t.summary->median_relative_error, 2.0 / 3.0, 1e-12);
}

TEST(BacktestScores, OnlyBoundsLeaveNoSummaryAndNoRunnableMemberIsAnError) {
  const std::vector<FittedFigure> bound{figure(Metric::htes, 2021, 5, abc::Qualifier::lower_bound)};
  const std::vector<std::vector<double>> ensemble{{4.0}, {6.0}};
  EXPECT_FALSE(score_figures(bound, ensemble).summary.has_value());
  const std::vector<std::vector<double>> none{{kNan}, {kNan}};
  try {
    (void)score_figures(bound, none);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("figure 'htes 2021': no ensemble member could run (2 drew"), std::string::npos)
        << e.what();
  }
}

TEST(BacktestDraws, MembersAreKeyedBySeedAndMemberAsDocumented) {
  const std::vector<std::vector<double>> particles{{0.2}, {0.7}, {0.9}};
  const std::vector<double> weights{0.0, 0.25, 0.75};
  const BacktestDraws draws{particles, weights, {}};
  std::size_t second = 0;
  for (std::size_t m = 0; m < 2000; ++m) {
    // By hand: a uniform of the Philox stream (seed, 2^20 + 1, m, 0), then draw_particle.
    RandomStream stream(42, (1u << 20) + 1, static_cast<EntityId>(m), 0);
    const std::size_t i = abc::draw_particle(weights, stream.uniform());
    const std::vector<double> theta = member_parameters(draws, 42, m);
    ASSERT_EQ(theta, particles[i]) << m;
    EXPECT_NE(i, 0u);  // a particle of zero weight is never drawn
    second += i == 1 ? 1u : 0u;
  }
  // Binomial(2000, 0.25): mean 500, sd 19.4; 100 is over 5 sd.
  EXPECT_NEAR(static_cast<double>(second), 500.0, 100.0);
  // A degenerate posterior: every member runs its one particle.
  const std::vector<std::vector<double>> one{{0.4, 30.0}};
  const std::vector<double> all{1.0};
  for (std::size_t m = 0; m < 10; ++m) EXPECT_EQ(member_parameters({one, all, {}}, 7, m), one[0]);
  EXPECT_EQ(member_seed(42, 3),
            abc::simulator_seed(42, abc::SeedSharing::independent, (std::size_t{1} << 20) + 1, 3, 0, 0));
  EXPECT_NE(member_seed(42, 3), member_seed(42, 4));
  EXPECT_NE(member_seed(42, 3), member_seed(43, 3));
}

TEST(BacktestDraws, PriorDrawsAreEachPriorsQuantileOfTheMembersStream) {
  BacktestDraws draws;
  draws.priors = {abc::Prior::uniform("a", 2.0, 4.0), abc::Prior::log_uniform("b", 1.0, 100.0)};
  for (std::size_t m = 0; m < 200; ++m) {
    RandomStream stream(9, (1u << 20) + 1, static_cast<EntityId>(m), 0);
    const double u = stream.uniform(), v = stream.uniform();
    const std::vector<double> theta = member_parameters(draws, 9, m);
    ASSERT_EQ(theta.size(), 2u);
    EXPECT_NEAR(theta[0], 2.0 + 2.0 * u, 1e-12);
    EXPECT_NEAR(theta[1], std::pow(100.0, v), 1e-9 * theta[1]);
  }
}

/// The tiny district with its groups ten times larger (about 500 firms), as the calibration tests.
Parameters district() {
  Parameters p = load_scenario(LEAPSIM_SOURCE_DIR "/scenarios/small/tiny.yaml").parameters;
  for (InitialGroup& g : p.initial) g.count *= 10;
  p.entry.base_rate *= 10;
  return p;
}

TEST(BacktestEnsemble, SameBitsOnOneAndTwoThreadsAndEachMemberAsKeyed) {
  const Parameters p = district();
  const std::vector<FreeParameter> free{
      {find_parameter(p, "hte.apply_probability"), abc::Prior::uniform("hte.apply_probability", 0.1, 1.0)}};
  const CalibrationProblem later(p, free, {figure(Metric::htes, 2022, 40), figure(Metric::tech_smes, 2021, 150)});
  const std::vector<std::vector<double>> particles{{0.3}, {0.8}};
  const std::vector<double> weights{0.5, 0.5};
  const BacktestDraws draws{particles, weights, {}};
  BacktestOptions options{12, 5, 1, nullptr, {}};
  const std::vector<std::vector<double>> one = forecast_ensemble(later, draws, options);
  options.threads = 2;
  std::size_t progress_calls = 0;
  options.on_progress = [&](std::size_t done, std::size_t total) {
    EXPECT_EQ(total, 12u);
    EXPECT_EQ(done, ++progress_calls);
  };
  const std::vector<std::vector<double>> two = forecast_ensemble(later, draws, options);
  EXPECT_EQ(progress_calls, 12u);
  ASSERT_EQ(one.size(), 12u);
  EXPECT_EQ(one, two);  // same bits
  for (std::size_t m : {0u, 7u, 11u})
    EXPECT_EQ(one[m], later.simulate(member_parameters(draws, 5, m), member_seed(5, m))) << m;
  // Members differ: their seeds (and draws) are their own.
  std::size_t distinct = 0;
  for (std::size_t m = 1; m < one.size(); ++m) distinct += one[m] != one[0] ? 1u : 0u;
  EXPECT_GT(distinct, 5u);
  options.members = 0;
  EXPECT_THROW((void)forecast_ensemble(later, draws, options), UsageError);
}

TEST(BacktestEnsemble, StopFlagCancels) {
  const Parameters p = district();
  const std::vector<FreeParameter> free{
      {find_parameter(p, "hte.apply_probability"), abc::Prior::uniform("hte.apply_probability", 0.1, 1.0)}};
  const CalibrationProblem later(p, free, {figure(Metric::htes, 2022, 40)});
  BacktestDraws draws;
  draws.priors = later.priors();
  const std::atomic<bool> stop{true};
  EXPECT_THROW((void)forecast_ensemble(later, draws, {4, 1, 1, &stop, {}}), Cancelled);
}

TEST(BacktestCalibrationFile, ACutOffBeforeEveryFigureForecastsFromThePrior) {
  const std::filesystem::path folder = std::filesystem::path(testing::TempDir()) / "backtest_file_test";
  std::filesystem::create_directories(folder);
  const std::filesystem::path file = folder / "fit.yaml";
  std::ofstream(file) << "calibration:\n"
                         "  scenario: " LEAPSIM_SOURCE_DIR
                         "/scenarios/small/tiny.yaml\n"
                         "  up_to: 2022\n"
                         "  figures:\n"
                         "    - {metric: htes, year: 2021, value: 4}\n"
                         "    - {metric: tech_smes, year: 2022, value: 15}\n"
                         "  priors:\n"
                         "    hte.apply_probability: {uniform: [0.1, 1]}\n";
  const CalibrationFile at_2021 = load_calibration(file, 2021);
  ASSERT_TRUE(at_2021.problem.has_value());
  EXPECT_EQ(at_2021.problem->figures().size(), 1u);
  EXPECT_EQ(at_2021.later_figures.size(), 1u);
  const CalibrationFile before = load_calibration(file, 2019);  // nothing up to 2019
  EXPECT_FALSE(before.problem.has_value());
  ASSERT_EQ(before.free_parameters.size(), 1u);
  EXPECT_EQ(before.free_parameters[0].path.path, "hte.apply_probability");
  EXPECT_EQ(before.later_figures.size(), 2u);
  EXPECT_EQ(load_calibration(file).free_parameters.size(), 1u);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace leapsim::innovation
