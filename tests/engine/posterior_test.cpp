// The posterior tree: every field of a real ABC-SMC posterior survives posterior_tree and
// posterior_from_tree bit for bit, every check of the reader fires with its message, the writer
// refuses what the reader would, and draw_particle against hand-computed cases.
#include "leapsim/engine/posterior.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "leapsim/engine/errors.hpp"
#include "sample_posterior.hpp"

namespace leapsim::abc {
namespace {

using testing::expect_same_posterior;
using testing::sample_posterior;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const Posterior& sample() {
  static const Posterior p = sample_posterior();
  return p;
}

template <class T>
T& named(std::vector<T>& items, const std::string& name) {
  for (T& item : items)
    if (item.name == name) return item;
  throw std::logic_error("test: no " + name);
}

template <class T>
void remove_named(std::vector<T>& items, const std::string& name) {
  std::erase_if(items, [&](const T& item) { return item.name == name; });
}

/// The value of an attribute that must be there.
const AttributeValue& present(const AttributeValue* a) {
  if (a == nullptr) throw std::logic_error("test: a missing attribute");
  return *a;
}

template <class T>
const T& present(const T* item) {
  if (item == nullptr) throw std::logic_error("test: a missing object");
  return *item;
}

std::vector<double>& numbers(ResultTable& t, const std::string& column) {
  return std::get<std::vector<double>>(named(t.columns, column).values);
}

std::vector<std::int64_t>& integers(ResultTable& t, const std::string& column) {
  return std::get<std::vector<std::int64_t>>(named(t.columns, column).values);
}

std::string message_for(const std::function<void(ResultGroup&)>& damage) {
  ResultGroup tree = posterior_tree(sample());
  damage(tree);
  try {
    (void)posterior_from_tree(tree, "p.h5");
  } catch (const IoError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PosteriorTree, RoundTripsEveryField) {
  const Posterior& p = sample();
  ASSERT_EQ(p.result.particles.size(), 40u) << "the sample run must complete a generation";
  ASSERT_GE(p.result.generations.size(), 2u) << "weights of a later generation are not all equal";
  expect_same_posterior(p, posterior_from_tree(posterior_tree(p), "p.h5"));
}

TEST(PosteriorTree, InfiniteTolerancesAndUnboundedPriorsRoundTrip) {
  Posterior p = sample();
  p.settings.initial_epsilon = kInf;
  p.result.generations.front().epsilon = kInf;
  p.result.distances.front() = kInf;  // accepted by an infinite tolerance, with a missing summary
  p.result.summaries.front().back() = kNaN;
  const Posterior back = posterior_from_tree(posterior_tree(p), "p.h5");
  EXPECT_EQ(back.settings.initial_epsilon, kInf);
  EXPECT_EQ(back.result.generations.front().epsilon, kInf);
  EXPECT_EQ(back.result.distances.front(), kInf);
  EXPECT_TRUE(std::isnan(back.result.summaries.front().back()));
  EXPECT_EQ(back.priors[2].low, -kInf);
  EXPECT_EQ(back.priors[2].high, kInf);
}

TEST(PosteriorTree, LayoutIsTheDocumentedOne) {
  const Posterior& p = sample();
  const ResultGroup tree = posterior_tree(p);
  EXPECT_EQ(std::get<std::string>(present(tree.attribute("format"))), "leapsim-posterior");
  EXPECT_EQ(std::get<std::int64_t>(present(tree.attribute("version"))), 1);
  const ResultArray& draws = present(tree.array("draws"));
  EXPECT_EQ(draws.shape, (std::vector<std::size_t>{40, 3}));
  EXPECT_EQ(draws.values[1 * 3 + 2], p.result.particles[1][2]);  // row-major: particle 1, parameter 3
  EXPECT_EQ(std::get<std::vector<std::string>>(draws.attributes.front().value),
            (std::vector<std::string>{"hte.apply_probability", "entry.rate", "initial[2].count"}));
  EXPECT_EQ(present(tree.array("summaries")).shape, (std::vector<std::size_t>{40, 4}));
  const ResultGroup& settings = present(tree.group("settings"));
  EXPECT_EQ(std::get<std::uint64_t>(present(settings.attribute("seed"))), 12'345'678'901'234'567'890ULL);
  EXPECT_EQ(std::get<std::string>(present(settings.attribute("kernel"))), "local_optimal");
  EXPECT_EQ(settings.attribute("threads"), nullptr) << "the thread count is not part of the result";
  const ResultTable& priors = present(tree.table("priors"));
  EXPECT_EQ(std::get<std::vector<std::string>>(priors.attributes[1].value),
            (std::vector<std::string>{"uniform", "log_uniform", "normal"}));
  EXPECT_EQ(std::get<std::vector<std::string>>(present(tree.table("targets")).attributes[1].value),
            (std::vector<std::string>{"exact", "lower_bound", "interval", "upper_bound"}));
  EXPECT_EQ(present(tree.table("generations")).rows(), p.result.generations.size());
}

TEST(PosteriorTree, WriterRefusesWhatTheReaderWould) {
  Posterior empty = sample();
  empty.result.particles.clear();
  EXPECT_THROW((void)posterior_tree(empty), UsageError);
  Posterior short_row = sample();
  short_row.result.particles[3].pop_back();
  EXPECT_THROW((void)posterior_tree(short_row), UsageError);
  Posterior renamed = sample();
  renamed.result.parameters[1].name = "other";
  EXPECT_THROW((void)posterior_tree(renamed), UsageError);
  Posterior miscounted = sample();
  miscounted.settings.particles = 41;
  EXPECT_THROW((void)posterior_tree(miscounted), UsageError);
}

struct Damage {
  const char* what;
  std::function<void(ResultGroup&)> damage;
  const char* message;
};

TEST(PosteriorTree, EveryCheckOfTheReaderNamesTheFileAndTheObject) {
  const Damage cases[] = {
      {"no format", [](ResultGroup& t) { remove_named(t.attributes, "format"); },
       "p.h5 is not a LeapSim posterior file (no format attribute)"},
      {"format not text", [](ResultGroup& t) { named(t.attributes, "format").value = 1.0; },
       "p.h5 is not a LeapSim posterior file (its format attribute is not text)"},
      {"results file", [](ResultGroup& t) { named(t.attributes, "format").value = std::string("leapsim-results"); },
       "p.h5 is a results file, not a posterior file (format 'leapsim-results')"},
      {"foreign format", [](ResultGroup& t) { named(t.attributes, "format").value = std::string("netcdf"); },
       "p.h5 is not a LeapSim posterior file (format 'netcdf')"},
      {"no version", [](ResultGroup& t) { remove_named(t.attributes, "version"); },
       "p.h5: /: has no attribute 'version'"},
      {"version 2", [](ResultGroup& t) { named(t.attributes, "version").value = std::int64_t{2}; },
       "p.h5: /: version 2 is not known (this LeapSim reads posterior files of version 1)"},
      {"version text", [](ResultGroup& t) { named(t.attributes, "version").value = std::string("1"); },
       "p.h5: /: attribute 'version' is not an integer"},
      {"unknown method", [](ResultGroup& t) { named(t.attributes, "method").value = std::string("history-matching"); },
       "p.h5: /: method 'history-matching' is not known (this LeapSim reads 'abc-smc')"},
      {"no calibration text", [](ResultGroup& t) { remove_named(t.attributes, "calibration_text"); },
       "p.h5: /: has no attribute 'calibration_text'"},
      {"data text a number", [](ResultGroup& t) { named(t.attributes, "data_text").value = 3.0; },
       "p.h5: /: attribute 'data_text' is not text"},
      {"simulations negative", [](ResultGroup& t) { named(t.attributes, "simulations").value = std::int64_t{-1}; },
       "p.h5: /: attribute 'simulations' is -1; it counts, so it is 0 or more"},
      {"simulations a float", [](ResultGroup& t) { named(t.attributes, "simulations").value = 5.5; },
       "p.h5: /: attribute 'simulations' is not an integer"},
      {"stop reason unknown", [](ResultGroup& t) { named(t.attributes, "stopped_by").value = std::string("tired"); },
       "p.h5: /: attribute 'stopped_by' is 'tired'; expected 'final_tolerance', 'max_generations', "
       "'simulation_budget' or 'acceptance_too_low'"},
      {"no draws", [](ResultGroup& t) { remove_named(t.arrays, "draws"); },
       "p.h5: /draws: is missing (a dataset of numbers)"},
      {"draws 1-d", [](ResultGroup& t) { named(t.arrays, "draws").shape = {120}; },
       "p.h5: /draws: shape 120; expected two dimensions, neither empty"},
      {"draws without names", [](ResultGroup& t) { named(t.arrays, "draws").attributes.clear(); },
       "p.h5: /draws: has no attribute 'names'"},
      {"draws names short",
       [](ResultGroup& t) { named(t.arrays, "draws").attributes.front().value = std::vector<std::string>{"a"}; },
       "p.h5: /draws: attribute 'names' has 1 entries, expected 3"},
      {"draw not finite", [](ResultGroup& t) { named(t.arrays, "draws").values[4] = kNaN; },
       "p.h5: /draws: particle 1's 'entry.rate' is nan; a parameter value is a finite number"},
      {"draw outside support", [](ResultGroup& t) { named(t.arrays, "draws").values[3] = 1.5; },
       "p.h5: /draws: particle 1's 'hte.apply_probability' = 1.5 lies outside its prior's support [0, 1]"},
      {"no priors", [](ResultGroup& t) { remove_named(t.tables, "priors"); }, "p.h5: /priors: is missing (a table)"},
      {"prior names differ",
       [](ResultGroup& t) {
         named(t.tables, "priors").attributes.front().value = std::vector<std::string>{"a", "entry.rate", "c"};
       },
       "p.h5: /priors: name 1 is 'a' but 'hte.apply_probability' in /draws"},
      {"prior kind unknown",
       [](ResultGroup& t) {
         named(t.tables, "priors").attributes[1].value = std::vector<std::string>{"uniform", "gamma", "normal"};
       },
       "p.h5: /priors: attribute 'kinds' holds 'gamma'; expected 'uniform', 'log_uniform' or 'normal'"},
      {"prior column missing", [](ResultGroup& t) { remove_named(named(t.tables, "priors").columns, "sd"); },
       "p.h5: /priors: has no column 'sd'"},
      {"prior mean NaN", [](ResultGroup& t) { numbers(named(t.tables, "priors"), "mean")[0] = kNaN; },
       "p.h5: /priors: row 0: 'mean' is nan; it must be a finite number"},
      {"prior impossible",
       [](ResultGroup& t) {
         numbers(named(t.tables, "priors"), "low")[0] = 2.0;
         numbers(named(t.tables, "priors"), "high")[0] = 1.0;
       },
       "p.h5: /priors: parameter 1 ('hte.apply_probability'): a uniform prior needs finite bounds with low < high"},
      {"weights missing", [](ResultGroup& t) { remove_named(t.arrays, "weights"); },
       "p.h5: /weights: is missing (a dataset of numbers)"},
      {"weights short", [](ResultGroup& t) { named(t.arrays, "weights").shape = {39}; },
       "p.h5: /weights: shape 39, expected 40 (one per particle)"},
      {"weight negative", [](ResultGroup& t) { named(t.arrays, "weights").values[2] = -0.1; },
       "p.h5: /weights: particle 2's weight is -0.1; a weight is a finite number, 0 or more"},
      {"weights sum off",
       [](ResultGroup& t) {
         for (double& w : named(t.arrays, "weights").values) w = 1.0 / 64;
       },
       "p.h5: /weights: the weights sum to 0.625, not 1 (within 1e-09)"},
      {"distance NaN", [](ResultGroup& t) { named(t.arrays, "distances").values[5] = kNaN; },
       "p.h5: /distances: particle 5's distance is nan; a distance is 0 or more"},
      {"targets empty", [](ResultGroup& t) { named(t.tables, "targets").columns.clear(); },
       "p.h5: /targets: is empty; a calibration fits at least one observed figure"},
      {"qualifier unknown",
       [](ResultGroup& t) {
         named(t.tables, "targets").attributes[1].value =
             std::vector<std::string>{"exact", "about", "interval", "upper_bound"};
       },
       "p.h5: /targets: attribute 'qualifiers' holds 'about'; expected 'exact', 'lower_bound', 'upper_bound' or "
       "'interval'"},
      {"target tolerance zero",
       [](ResultGroup& t) {
         numbers(named(t.tables, "targets"), "relative_tolerance")[0] = 0.0;
         numbers(named(t.tables, "targets"), "absolute_tolerance")[0] = 0.0;
       },
       "p.h5: /targets: figure 1 ('hebei 2017 hte'): the tolerance is zero"},
      {"target value infinite", [](ResultGroup& t) { numbers(named(t.tables, "targets"), "value")[1] = kInf; },
       "p.h5: /targets: row 1: 'value' is inf; it must be a finite number"},
      {"summaries wide",
       [](ResultGroup& t) {
         named(t.arrays, "summaries").shape = {32, 5};
       },
       "p.h5: /summaries: shape 32 x 5, expected 40 x 4 (particles x targets)"},
      {"summary names differ",
       [](ResultGroup& t) {
         named(t.arrays, "summaries").attributes.front().value = std::vector<std::string>{"a", "b", "c", "d"};
       },
       "p.h5: /summaries: name 1 is 'a' but 'hebei 2017 hte' in /targets"},
      {"summary missing at a finite distance", [](ResultGroup& t) { named(t.arrays, "summaries").values[9] = kInf; },
       "p.h5: /summaries: particle 2's summary 2 is inf but its distance is finite"},
      {"no generations", [](ResultGroup& t) { remove_named(t.tables, "generations"); },
       "p.h5: /generations: is missing (a table)"},
      {"generation numbered wrong",
       [](ResultGroup& t) { integers(named(t.tables, "generations"), "generation")[0] = 3; },
       "p.h5: /generations: row 0: generation 3, expected 0"},
      {"attempts as floats",
       [](ResultGroup& t) {
         TableColumn& c = named(named(t.tables, "generations").columns, "attempts");
         c.values = std::vector<double>(std::get<std::vector<std::int64_t>>(c.values).size(), 1.0);
       },
       "p.h5: /generations: column 'attempts' holds floats; expected integers"},
      {"acceptance above 1",
       [](ResultGroup& t) { numbers(named(t.tables, "generations"), "acceptance_rate")[0] = 1.5; },
       "p.h5: /generations: row 0: acceptance_rate 1.5 lies outside [0, 1]"},
      {"ess above the particles",
       [](ResultGroup& t) { numbers(named(t.tables, "generations"), "effective_sample_size")[0] = 41.0; },
       "p.h5: /generations: row 0: effective_sample_size 41 lies outside [0, 40] (the particles)"},
      {"epsilon negative", [](ResultGroup& t) { numbers(named(t.tables, "generations"), "epsilon")[0] = -1.0; },
       "p.h5: /generations: row 0: epsilon -1 is negative"},
      {"parameters short", [](ResultGroup& t) { numbers(named(t.tables, "parameters"), "mean").pop_back(); },
       "p.h5: /parameters: has 2 rows, expected 3 (one per parameter)"},
      {"identified 2", [](ResultGroup& t) { integers(named(t.tables, "parameters"), "identified")[0] = 2; },
       "p.h5: /parameters: row 0: 'identified' is 2; expected 0 or 1"},
      {"width ratio infinite", [](ResultGroup& t) { numbers(named(t.tables, "parameters"), "width_ratio")[2] = kInf; },
       "p.h5: /parameters: row 2: 'width_ratio' is inf; it must be a finite number"},
      {"no settings", [](ResultGroup& t) { t.groups.clear(); },
       "p.h5: /settings: is missing (a group of the method's settings)"},
      {"seed negative",
       [](ResultGroup& t) { named(named(t.groups, "settings").attributes, "seed").value = std::int64_t{-5}; },
       "p.h5: /settings: attribute 'seed' is -5; it counts, so it is 0 or more"},
      {"particles differ",
       [](ResultGroup& t) { named(named(t.groups, "settings").attributes, "particles").value = std::int64_t{50}; },
       "p.h5: /settings: particles is 50 but /draws holds 40"},
      {"schedule unknown",
       [](ResultGroup& t) {
         named(named(t.groups, "settings").attributes, "schedule").value = std::string("geometric");
       },
       "p.h5: /settings: attribute 'schedule' is 'geometric'; expected 'quantile' or 'ess'"},
      {"initial epsilon NaN",
       [](ResultGroup& t) { named(named(t.groups, "settings").attributes, "initial_epsilon").value = kNaN; },
       "p.h5: /settings: attribute 'initial_epsilon' is nan; it must be a finite number"},
      {"final epsilon infinite",
       [](ResultGroup& t) { named(named(t.groups, "settings").attributes, "final_epsilon").value = kInf; },
       "p.h5: /settings: attribute 'final_epsilon' is inf; it must be a finite number"},
      {"kernel missing", [](ResultGroup& t) { remove_named(named(t.groups, "settings").attributes, "kernel"); },
       "p.h5: /settings: has no attribute 'kernel'"},
  };
  for (const Damage& c : cases) {
    const std::string message = message_for(c.damage);
    EXPECT_TRUE(message.starts_with(c.message))
        << c.what << ":\n  got      " << message << "\n  expected " << c.message;
  }
}

TEST(PosteriorTree, WeightsWithinTheStatedToleranceOfOneAreAccepted) {
  ResultGroup tree = posterior_tree(sample());
  named(tree.arrays, "weights").values[0] += 0.5 * kWeightSumTolerance;
  EXPECT_NO_THROW((void)posterior_from_tree(tree, "p.h5"));
  named(tree.arrays, "weights").values[0] += kWeightSumTolerance;
  EXPECT_THROW((void)posterior_from_tree(tree, "p.h5"), IoError);
}

TEST(PosteriorTree, CountsWrittenSignedOrUnsignedReadAlike) {
  ResultGroup tree = posterior_tree(sample());
  named(named(tree.groups, "settings").attributes, "seed").value = std::int64_t{7};  // as h5py writes a small int
  named(named(tree.groups, "settings").attributes, "replicates").value = std::uint64_t{2};
  const Posterior p = posterior_from_tree(tree, "p.h5");
  EXPECT_EQ(p.settings.seed, 7u);
  EXPECT_EQ(p.settings.replicates, 2u);
}

TEST(DrawParticle, InvertsTheCumulativeWeights) {
  const std::vector<double> w{0.25, 0.5, 0.25};
  EXPECT_EQ(draw_particle(w, 0.0), 0u);
  EXPECT_EQ(draw_particle(w, 0.2499), 0u);
  EXPECT_EQ(draw_particle(w, 0.25), 1u);  // the boundary belongs to the next particle: [0, 0.25) is particle 0
  EXPECT_EQ(draw_particle(w, 0.7499), 1u);
  EXPECT_EQ(draw_particle(w, 0.75), 2u);
  EXPECT_EQ(draw_particle(w, std::nextafter(1.0, 0.0)), 2u);
  // Unnormalised weights draw the same as normalised ones: {2, 6} is {0.25, 0.75}.
  EXPECT_EQ(draw_particle(std::vector<double>{2.0, 6.0}, 0.2499), 0u);
  EXPECT_EQ(draw_particle(std::vector<double>{2.0, 6.0}, 0.25), 1u);
}

TEST(DrawParticle, NeverDrawsAZeroWeight) {
  const std::vector<double> w{0.0, 0.5, 0.0, 0.5, 0.0};
  EXPECT_EQ(draw_particle(w, 0.0), 1u);
  EXPECT_EQ(draw_particle(w, 0.4999), 1u);
  EXPECT_EQ(draw_particle(w, 0.5), 3u);
  EXPECT_EQ(draw_particle(w, std::nextafter(1.0, 0.0)), 3u);
  // u just below 1 falls on the last particle of positive weight, not the zero weight after it.
  EXPECT_EQ(draw_particle(std::vector<double>{1.0, 1.0, 1.0, 0.0}, std::nextafter(1.0, 0.0)), 2u);
  // Where u x total rounds to the total itself (weights in the subnormal range: 0.9 x 2 units of
  // 2^-1074 is 1.8 units, rounded to 2), no cumulative weight exceeds it: the last positive one.
  const double unit = std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(0.9 * (2 * unit), 2 * unit);
  EXPECT_EQ(draw_particle(std::vector<double>{unit, unit, 0.0}, 0.9), 1u);
}

TEST(DrawParticle, AGridOfUniformsDrawsEachParticleInProportionToItsWeight) {
  // u = (k + 1/2) / 1000 for k < 1000 is an exact quadrature of the uniform: 250, 500 and 250
  // of them fall in [0, 0.25), [0.25, 0.75) and [0.75, 1).
  const std::vector<double> w{0.25, 0.5, 0.25};
  std::vector<int> counts(3, 0);
  for (int k = 0; k < 1000; ++k) ++counts[draw_particle(w, (k + 0.5) / 1000.0)];
  EXPECT_EQ(counts, (std::vector<int>{250, 500, 250}));
}

TEST(DrawParticle, RefusesWhatIsNotADistribution) {
  EXPECT_THROW((void)draw_particle(std::vector<double>{}, 0.5), UsageError);
  EXPECT_THROW((void)draw_particle(std::vector<double>{0.0, 0.0}, 0.5), UsageError);
  EXPECT_THROW((void)draw_particle(std::vector<double>{0.5, -0.1}, 0.5), UsageError);
  EXPECT_THROW((void)draw_particle(std::vector<double>{0.5, kInf}, 0.5), UsageError);
  EXPECT_THROW((void)draw_particle(std::vector<double>{1.0}, 1.0), UsageError);
  EXPECT_THROW((void)draw_particle(std::vector<double>{1.0}, -0.1), UsageError);
  EXPECT_THROW((void)draw_particle(std::vector<double>{1.0}, kNaN), UsageError);
}

}  // namespace
}  // namespace leapsim::abc
