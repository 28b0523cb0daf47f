// The study runner: work items give the same bits however they are run, outcomes survive their
// byte encoding, and scenarios that draw the same initial firms share one draw per replication
// without changing a bit of any result.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_recorder.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/study_runner.hpp"
#include "test_parameters.hpp"

namespace leapsim::innovation {
namespace {

using testing::tiny_parameters;

using testing::Recorder;
using testing::same_events;

/// Policy only: draws the same initial firms as tiny_parameters().
Parameters bigger_reward() {
  Parameters p = tiny_parameters();
  p.policy.hte_reward_new = Schedule::constant(3.0e5);
  p.policy.coaching_capacity = Schedule::constant(5.0);
  return p;
}

/// One more latent firm: draws a different initial population.
Parameters one_more_firm() {
  Parameters p = tiny_parameters();
  p.initial.back().count += 1;
  return p;
}

TEST(SharedInitialPopulation, PolicyLeversDrawAlikeAndDrawingInputsDoNot) {
  EXPECT_TRUE(same_initial_population(tiny_parameters(), bigger_reward()));
  EXPECT_FALSE(same_initial_population(tiny_parameters(), one_more_firm()));
  Parameters rules = tiny_parameters();
  rules.tech_sme.pass_score = 70.0;  // decides which draws an initial tech SME keeps
  EXPECT_FALSE(same_initial_population(tiny_parameters(), rules));
  Parameters growth = tiny_parameters();
  growth.growth.employment_elasticity = 0.5;  // enters the drawn employees
  EXPECT_FALSE(same_initial_population(tiny_parameters(), growth));
}

TEST(SharedInitialPopulation, StartingFromAnotherScenariosDrawGivesTheSameBits) {
  for (const std::uint32_t r : {0u, 1u, 7u}) {
    const auto drawn = draw_initial_population(tiny_parameters(), 11, r);
    Recorder fresh, shared;
    const RunResult a = simulate(bigger_reward(), 11, r, &fresh);
    const RunResult b = simulate(bigger_reward(), 11, r, &shared, drawn.get());
    EXPECT_EQ(a.metrics.years, b.metrics.years) << r;
    EXPECT_EQ(a.events, b.events) << r;
    EXPECT_TRUE(same_events(fresh.events, shared.events)) << r;  // creation events and every later draw
  }
}

TEST(StudyRun, EveryScenarioMatchesItsOwnRunWhetherItSharesADrawOrNot) {
  Study study;
  study.base.name = "base";
  study.base.parameters = tiny_parameters();
  study.alternatives.push_back({"reward", "", "", "", bigger_reward()});         // shares the base's draw
  study.alternatives.push_back({"one more firm", "", "", "", one_more_firm()});  // draws its own
  study.alternatives.push_back({"reward again", "", "", "", bigger_reward()});   // shares too
  RecordRequest record;
  record.events = true;
  record.replications = 2;
  const StudyResults results = run_study(study, 6, 21, RunnerOptions{2, {}, nullptr}, record);
  const std::vector<const Parameters*> parameters{&study.base.parameters, &study.alternatives[0].parameters,
                                                  &study.alternatives[1].parameters, &study.alternatives[2].parameters};
  for (std::size_t s = 0; s < parameters.size(); ++s) {
    for (std::uint32_t r = 0; r < 6; ++r) {
      Recorder alone;
      const RunResult own = simulate(*parameters[s], 21, r, r < 2 ? &alone : nullptr);
      EXPECT_EQ(results.scenarios[s].replications[r].years, own.metrics.years) << s << " " << r;
      if (r < 2) {
        EXPECT_TRUE(same_events(results.scenarios[s].event_logs[r], alone.events)) << s << " " << r;
      }
    }
  }
}

TEST(ReplicationOutcome, SurvivesItsByteEncoding) {
  Recorder rec;
  const RunResult run = simulate(tiny_parameters(), 3, 0, &rec);
  ReplicationOutcome outcome{run.metrics, run.events, rec.events, {FirmSnapshot{}, FirmSnapshot{}}};
  outcome.snapshots[1].year = 2020;
  outcome.snapshots[1].revenue = 1.5e6;
  outcome.snapshots[1].hte = true;
  const std::string bytes = encode(outcome);
  const ReplicationOutcome back = decode_outcome(bytes);
  EXPECT_EQ(back.metrics.first_year, outcome.metrics.first_year);
  EXPECT_EQ(back.metrics.years, outcome.metrics.years);
  EXPECT_EQ(back.events, outcome.events);
  EXPECT_TRUE(same_events(back.event_log, outcome.event_log));
  ASSERT_EQ(back.snapshots.size(), 2u);
  EXPECT_EQ(back.snapshots[1].year, 2020);
  EXPECT_EQ(back.snapshots[1].revenue, 1.5e6);
  EXPECT_TRUE(back.snapshots[1].hte);
  // A record cut short or padded is refused, never read past its end.
  EXPECT_THROW(decode_outcome(std::string_view(bytes).substr(0, bytes.size() - 1)), SimulationError);
  EXPECT_THROW(decode_outcome(bytes + "x"), SimulationError);
  EXPECT_THROW(decode_outcome(std::string_view(bytes).substr(0, 6)), SimulationError);
}

}  // namespace
}  // namespace leapsim::innovation
