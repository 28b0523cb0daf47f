// Sensitivity analysis of a study on the tiny district: the nominal point is the study's own run,
// an input that cannot act has exactly zero indices (common random numbers), one that must act
// clears the noise floor with the expected sign, the same bits on one and two threads, and
// sensitivity files' errors located.
#include "leapsim/innovation/sensitivity_study.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/sensitivity_file.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::innovation {
namespace {

Study tiny_study() { return load_study(LEAPSIM_SOURCE_DIR "/scenarios/small/tiny-study.yaml"); }

/// The budget (1e12 yuan, never exhausted) cannot change a count; the initial tech SMEs must.
const char* kInputs = R"(sensitivity:
  trajectories: 4
  replications: 3
  metrics: [tech_smes, htes]
  inputs:
    - {path: policy.budget, low: 1.0e11, high: 1.0e12}
    - {path: "initial[1].count", low: 6, high: 30}
)";

std::size_t output_index(const SensitivityStudyResult& r, const std::string& name) {
  for (std::size_t o = 0; o < r.outputs.size(); ++o)
    if (r.outputs[o].name == name) return o;
  ADD_FAILURE() << "no output " << name;
  return 0;
}

TEST(SensitivityStudy, MorrisSeparatesAnInertInputFromAnActiveOne) {
  const Study study = tiny_study();
  const SensitivityFile file = read_sensitivity(kInputs, "inputs.yaml", study);
  const SensitivityStudy analysis(study, file.settings);
  const SensitivityStudyResult r = analysis.run({2, {}, nullptr});
  ASSERT_TRUE(r.morris);
  EXPECT_EQ(r.points.size(), 4u * 3u);
  EXPECT_EQ(r.runs, (4u * 3u + 1u) * 3u * 4u);  // (points + nominal) x replications x scenarios
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    // Every replication of every point runs with the same seeds, so an input that changes no
    // count leaves every output exactly as it was: effects exactly 0, whatever the noise. A cost
    // per extra HTE is undefined (NaN) at a point where the package adds none, and only there.
    if (r.outputs[o].kind == SensitivityOutput::Kind::cost_per_unit) {
      bool undefined = false;
      for (const std::vector<double>& y : r.values) undefined = undefined || y[r.outputs[o].denominator] == 0.0;
      EXPECT_EQ(std::isnan(r.morris->mu_star[o][0]), undefined) << r.outputs[o].name;
      if (!undefined) {
        EXPECT_EQ(r.morris->mu_star[o][0], 0.0) << r.outputs[o].name;
      }
      continue;
    }
    EXPECT_EQ(r.morris->mu_star[o][0], 0.0) << r.outputs[o].name;
    EXPECT_EQ(r.morris->sigma[o][0], 0.0) << r.outputs[o].name;
  }
  EXPECT_EQ(r.ranking_flips[0], 0.0);
  // 24 more tech SMEs at the start are at least about 20 more at the end of 2019 (few leave in a
  // year); the noise floor is 2 sqrt(2) sd / sqrt(3) / (2/3) with sd of a few firms, far below.
  const std::size_t o = output_index(r, "tech_smes_2019");
  EXPECT_GT(r.morris->mu[o][1], 15.0);
  EXPECT_GT(r.morris->mu_star[o][1], r.floor[o]);
  EXPECT_GT(r.floor[o], 0.0);
}

TEST(SensitivityStudy, NominalPointIsTheStudysOwnRun) {
  const Study study = tiny_study();
  const SensitivityFile file = read_sensitivity(kInputs, "inputs.yaml", study);
  const SensitivityStudyResult r = SensitivityStudy(study, file.settings).run({1, {}, nullptr});
  const StudyResults run = run_study(study, 3, study.seed, {1, {}, nullptr});
  for (int year = 2019; year <= 2022; ++year) {
    double sum = 0.0, diff = 0.0;
    for (std::uint32_t k = 0; k < 3; ++k) {
      sum += run.scenarios[0].replications[k].at(Metric::htes, year);
      diff += run.scenarios[2].replications[k].at(Metric::htes, year) -
              run.scenarios[0].replications[k].at(Metric::htes, year);
    }
    EXPECT_EQ(r.nominal[output_index(r, "htes_" + std::to_string(year))], sum / 3.0);
    EXPECT_EQ(r.nominal[output_index(r, "diff_coaching_htes_" + std::to_string(year))], diff / 3.0);
  }
}

TEST(SensitivityStudy, CostPerExtraHteIsTheRatioOfTheMeans) {
  const Study study = tiny_study();
  SensitivitySettings s = read_sensitivity(kInputs, "inputs.yaml", study).settings;
  s.replications = 12;
  s.decision_year = 2022;
  const SensitivityStudyResult r = SensitivityStudy(study, s).run({2, {}, nullptr});
  const StudyResults run = run_study(study, 12, study.seed, {2, {}, nullptr});
  double cost = 0.0, htes = 0.0;
  for (std::uint32_t k = 0; k < 12; ++k) {
    const MetricTable &base = run.scenarios[0].replications[k], &reward = run.scenarios[1].replications[k];
    htes += reward.at(Metric::htes, 2022) - base.at(Metric::htes, 2022);
    for (int year = 2019; year <= 2022; ++year)
      cost += reward.at(Metric::county_cost, year) - base.at(Metric::county_cost, year);
  }
  EXPECT_DOUBLE_EQ(r.nominal[output_index(r, "extra_county_cost_bigger-reward_2022")], cost / 12.0);
  EXPECT_GT(cost, 0.0) << "the county's top-up of the reward costs it something";
  ASSERT_GT(htes, 0.0) << "the reward adds no HTE at the nominal point: nothing to divide by";
  const std::size_t ratio = output_index(r, "county_cost_per_extra_htes_bigger-reward_2022");
  EXPECT_DOUBLE_EQ(r.nominal[ratio], cost / htes);
  EXPECT_DOUBLE_EQ(r.noise.mean[ratio], cost / htes) << "the linearised replications average to the ratio";
  // The alternatives by that cost, cheapest first, an undefined one (a package adding nothing) last.
  ASSERT_EQ(r.cost_nominal_ranking.size(), study.alternatives.size());
  const auto cost_of = [&](std::size_t package) {
    const double c = r.nominal[output_index(r, "county_cost_per_extra_htes_" + r.packages[package] + "_2022")];
    return std::isnan(c) ? std::numeric_limits<double>::infinity() : c;
  };
  for (std::size_t k = 0; k + 1 < r.cost_nominal_ranking.size(); ++k)
    EXPECT_LE(cost_of(r.cost_nominal_ranking[k]), cost_of(r.cost_nominal_ranking[k + 1]));
  EXPECT_EQ(r.cost_rankings.size(), r.points.size());
  EXPECT_EQ(r.cost_ranking_flips.size(), r.inputs.size());
  EXPECT_GE(r.cost_ranking_changed, 0.0);
  EXPECT_LE(r.cost_ranking_changed, 1.0);
}

/// The bits of every value: NaN (an undefined cost per unit) equals itself.
std::vector<std::uint64_t> bits(const std::vector<std::vector<double>>& rows) {
  std::vector<std::uint64_t> out;
  for (const std::vector<double>& row : rows)
    for (const double v : row) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

TEST(SensitivityStudy, SameBitsOnOneAndTwoThreads) {
  const Study study = tiny_study();
  SensitivitySettings s = read_sensitivity(kInputs, "inputs.yaml", study).settings;
  s.method = SensitivityMethod::sobol;
  s.samples = 4;
  s.bootstrap = 20;
  const SensitivityStudy analysis(study, s);
  const SensitivityStudyResult one = analysis.run({1, {}, nullptr});
  const SensitivityStudyResult two = analysis.run({2, {}, nullptr});
  EXPECT_EQ(bits(one.values), bits(two.values));
  ASSERT_TRUE(one.sobol && two.sobol);
  EXPECT_EQ(bits(one.sobol->total), bits(two.sobol->total));
  EXPECT_EQ(bits(one.sobol->first_low), bits(two.sobol->first_low));
  EXPECT_EQ(one.rankings, two.rankings);
  // The inert budget: A with its column from B gives A's runs exactly, so both indices are 0.
  for (std::size_t o = 0; o < one.outputs.size(); ++o) {
    if (std::isnan(one.sobol->total[o][0])) {  // a cost per extra HTE undefined at some point
      EXPECT_EQ(one.outputs[o].kind, SensitivityOutput::Kind::cost_per_unit) << one.outputs[o].name;
      continue;
    }
    EXPECT_EQ(one.sobol->first[o][0], 0.0);
    EXPECT_EQ(one.sobol->total[o][0], 0.0);
  }
}

std::string error_of(const std::string& text) {
  try {
    (void)read_sensitivity(text, "inputs.yaml", tiny_study());
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SensitivityFile, ErrorsAreLocated) {
  const std::string one_input = "sensitivity:\n  inputs:\n    - {path: entry.base_rate, low: 1, high: 2}\n";
  const std::pair<std::string, std::string> cases[] = {
      {"sensitivity:\n  inputs:\n    - {path: hte.apply_probabilty, low: 0.1, high: 0.5}\n",
       "inputs.yaml:3:14: error: sensitivity.inputs[0].path: parameter 'hte.apply_probabilty'"},
      {"sensitivity:\n  inputs:\n    - {path: hte.apply_probability, low: 0.5, high: 0.5}\n",
       "inputs.yaml:3:42: error: sensitivity.inputs[0]: low (0.5) must be below high (0.5)"},
      {"sensitivity:\n  inputs:\n    - {path: hte.apply_probability, low: 0.5, high: 2}\n",
       "inputs.yaml:3:53: error: sensitivity.inputs[0].high: 2 is outside"},
      {one_input + "    - {path: entry.base_rate, low: 1, high: 3}\n",
       "inputs.yaml:4:14: error: sensitivity.inputs[1].path: 'entry.base_rate' is given twice"},
      {one_input + "  years: [2030]\n",
       "inputs.yaml:4:11: error: sensitivity.years[0]: 2030 is outside the study's horizon 2019-2022"},
      {one_input + "  method: sobel\n", "inputs.yaml:4:11: error: sensitivity.method: unknown method \"sobel\""},
  };
  for (const auto& [text, expected] : cases) EXPECT_NE(error_of(text).find(expected), std::string::npos) << text;
}

}  // namespace
}  // namespace leapsim::innovation
