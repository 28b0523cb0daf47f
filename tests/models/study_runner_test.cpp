// The study runner: work items give the same bits however they are run, outcomes survive their
// byte encoding, and scenarios that draw the same initial firms share one draw per replication
// without changing a bit of any result.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "event_recorder.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/posterior_draws.hpp"
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

/// tiny_parameters() with 100 times the firms: a replication of some 300,000 events.
Parameters hundredfold() {
  Parameters p = tiny_parameters();
  for (InitialGroup& g : p.initial) g.count *= 100;
  return p;
}

TEST(Interrupt, ARaisedFlagStopsAReplicationAndEveryWayItIsRun) {
  const std::atomic<bool> raised{true}, quiet{false};
  const Parameters p = hundredfold();
  EXPECT_THROW(simulate(p, 3, 0, nullptr, nullptr, &raised), Cancelled);
  EXPECT_EQ(simulate(p, 3, 0, nullptr, nullptr, &quiet).events, simulate(p, 3, 0).events);
  EXPECT_THROW(pause_run(p, 3, 0, year_start(2023), nullptr, &raised), Cancelled);
  const auto paused = pause_run(p, 3, 0, year_start(2021));  // fewer than 65,536 events before 2021
  EXPECT_THROW(resume(p, *paused, &raised), Cancelled);
  // A study's replications get the runner's stop flag (Ctrl-C in the CLI and in Python).
  Study study;
  study.base.parameters = p;
  StudyRun run(study, 1, 3);
  run.set_interrupt(&raised);
  EXPECT_THROW(run.compute(0), Cancelled);
}

TEST(SharedInitialPopulation, FirmsDrawnFromOtherInputsAreRefused) {
  // The drawn population carries its inputs, so a wrong hand-over is an error, not other bits.
  const auto drawn = draw_initial_population(one_more_firm(), 11, 0);
  EXPECT_THROW(simulate(tiny_parameters(), 11, 0, nullptr, drawn.get()), UsageError);
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

constexpr Time kForever = std::numeric_limits<Time>::infinity();

/// tiny_parameters() with a few firms coached a year: the coaching left is part of a paused run.
Parameters coached() {
  Parameters p = tiny_parameters();
  p.policy.coaching_capacity = Schedule::constant(3.0);
  return p;
}

/// coached() until `from`, then patent subsidies (paid from the fund in time order, so
/// the patent events leave the deferred path), a talent programme and new platforms from `from`,
/// and a new carrier soon after.
Parameters changes_from(Time from) {
  Parameters p = coached();
  p.policy.patent_subsidy_application = Schedule{{{-kForever, 0.0}, {from, 5.0e3}}};
  p.policy.patent_subsidy_grant = Schedule{{{-kForever, 0.0}, {from, 1.0e4}}};
  p.policy.talent_firms_per_year = Schedule{{{-kForever, 0.0}, {from, 10.0}}};
  Carrier late;
  late.name = "late incubator";
  late.opens = from + 0.5;
  p.carriers.push_back(late);
  p.platform_builds.push_back({from, 2, Level::provincial});  // a dated event at the very time they part
  return p;
}

TEST(SharedYears, ScenariosRunAlikeUntilTheirFirstDatedDifference) {
  const Parameters base = coached();
  const Time start = 2019.0, end = 2026.0;
  EXPECT_EQ(shared_until(base, base), end);
  EXPECT_EQ(shared_until(tiny_parameters(), one_more_firm()), start);  // an undated input
  EXPECT_EQ(shared_until(tiny_parameters(), bigger_reward()), start);  // a lever from the start
  EXPECT_EQ(shared_until(base, changes_from(2021.37)), 2021.37);
  Parameters later = base;
  later.policy.hte_reward_new = Schedule{{{-kForever, 1.0e5}, {2022.0, 3.0e5}}};
  EXPECT_EQ(shared_until(base, later), 2022.0);
  EXPECT_EQ(shared_until(later, base), 2022.0);
  Parameters restated = base;  // the same values in other steps: no difference
  restated.policy.hte_reward_new = Schedule{{{2019.0, 1.0e5}, {2021.0, 1.0e5}}};
  EXPECT_EQ(shared_until(base, restated), end);
  Parameters talent = base;  // a talent step refreshes the entry rate by an event, even at the same value
  talent.policy.talent_cost_per_firm = Schedule{{{-kForever, 5.0e5}, {2021.5, 5.0e5}}};
  EXPECT_EQ(shared_until(base, talent), 2021.5);
  Parameters deduction = base;
  deduction.rd.deduction_other = Schedule{{{-kForever, 0.5}, {2018.0, 0.75}}};  // the default rises to 1.0 in 2023
  EXPECT_EQ(shared_until(base, deduction), 2023.0);
  Parameters open_at_start = base;
  open_at_start.carriers.push_back(Carrier{});
  EXPECT_EQ(shared_until(base, open_at_start), start);
  Parameters moved = base;
  moved.carriers[1].opens = 2022.0;  // the base's opens at 2021.5
  EXPECT_EQ(shared_until(base, moved), 2021.5);
  Parameters build = base;
  build.platform_builds.push_back({2024.5, 2, Level::provincial});
  EXPECT_EQ(shared_until(base, build), 2024.5);
}

TEST(SharedYears, ResumingAPausedRunGivesTheBitsOfAWholeRun) {
  const Parameters base = coached();
  for (const Time from : {2020.0, 2021.37, 2024.0}) {
    const Parameters alternative = changes_from(from);
    for (const std::uint32_t r : {0u, 3u}) {
      const auto drawn = draw_initial_population(base, 5, r);
      const auto paused = pause_run(base, 5, r, from, r == 3 ? drawn.get() : nullptr);
      const RunResult resumed = resume(alternative, *paused), whole = simulate(alternative, 5, r);
      EXPECT_EQ(resumed.metrics.years, whole.metrics.years) << from << " " << r;
      EXPECT_EQ(resumed.events, whole.events);
      EXPECT_EQ(resumed.firms_created, whole.firms_created);
      EXPECT_EQ(resume(base, *paused).metrics.years, simulate(base, 5, r).metrics.years);  // the paused one itself
      // The other way round: the paused run's platform build due at the pause is not the base's.
      const RunResult back = resume(base, *pause_run(alternative, 5, r, from)), base_whole = simulate(base, 5, r);
      EXPECT_EQ(back.metrics.years, base_whole.metrics.years);
      EXPECT_EQ(back.events, base_whole.events);  // and none of its dated events fires
    }
  }
  // Scenarios that never part share the whole run: paused at its end, resumed only to report.
  EXPECT_EQ(resume(base, *pause_run(base, 5, 1, 2026.0)).metrics.years, simulate(base, 5, 1).metrics.years);
  const auto paused = pause_run(base, 5, 0, 2021.0);
  EXPECT_THROW(resume(bigger_reward(), *paused), UsageError);  // parts from the base at the start
  EXPECT_THROW(resume(changes_from(2020.5), *paused), UsageError);
  EXPECT_NO_THROW(resume(changes_from(2021.0), *paused));
  EXPECT_THROW(pause_run(base, 5, 0, 2030.0), UsageError);
}

TEST(StudyRun, ScenariosThatShareYearsMatchTheirOwnRuns) {
  Study study;
  study.base.name = "base";
  study.base.parameters = coached();
  study.alternatives.push_back({"from 2021.37", "", "", "", changes_from(2021.37)});
  study.alternatives.push_back({"one more firm", "", "", "", one_more_firm()});  // starts alone
  study.alternatives.push_back({"from 2022", "", "", "", changes_from(2022.0)});
  RecordRequest record;
  record.events = true;
  record.replications = 1;  // the first replication runs whole, the others resume at 2021.37
  const StudyResults results = run_study(study, 5, 8, RunnerOptions{2, {}, nullptr}, record);
  const std::vector<const Parameters*> parameters{&study.base.parameters, &study.alternatives[0].parameters,
                                                  &study.alternatives[1].parameters, &study.alternatives[2].parameters};
  for (std::size_t s = 0; s < parameters.size(); ++s) {
    std::uint64_t events = 0;
    for (std::uint32_t r = 0; r < 5; ++r) {
      const RunResult own = simulate(*parameters[s], 8, r);
      EXPECT_EQ(results.scenarios[s].replications[r].years, own.metrics.years) << s << " " << r;
      events += own.events;
    }
    EXPECT_EQ(results.scenarios[s].events, events) << s;
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

TEST(StudyRun, ItemsCoverEveryReplicationOfEveryScenarioOnceWithEachLeadEarly) {
  Study study;
  study.base.parameters = tiny_parameters();
  for (const std::size_t alternatives : {0u, 1u, 4u}) {
    study.alternatives.assign(alternatives, {"alternative", "", "", "", bigger_reward()});
    for (const std::uint32_t replications : {0u, 1u, 2u, 7u}) {
      for (const std::size_t lookahead : {0u, 1u, 3u, 20u}) {
        const StudyRun run(study, replications, 1, {}, lookahead);
        const std::size_t S = alternatives + 1;
        ASSERT_EQ(run.items(), S * replications);
        std::vector<int> seen(run.items(), 0);
        std::vector<std::size_t> lead_at(replications, 0);
        for (std::size_t i = 0; i < run.items(); ++i) {
          const auto [r, s] = run.item_at(i);
          ASSERT_LT(r, replications);
          ASSERT_LT(s, S);
          ++seen[r * S + s];
          if (s == 0) lead_at[r] = i;
          // Lead first; each replication's other items come together, in scenario order.
          if (s > 1) {
            EXPECT_EQ(run.item_at(i - 1), std::pair(r, s - 1));
          }
          if (s == 1 && lookahead > 0) {
            EXPECT_LT(lead_at[r], i) << r;
          }
        }
        EXPECT_EQ(seen, std::vector<int>(run.items(), 1)) << S << " " << replications << " " << lookahead;
      }
    }
  }
}

TEST(ReplicationOutcome, SurvivesItsByteEncoding) {
  Recorder rec;
  const RunResult run = simulate(tiny_parameters(), 3, 0, &rec);
  ReplicationOutcome outcome{run.metrics, run.events, rec.events, {FirmSnapshot{}, FirmSnapshot{}}};
  outcome.firms[1].year = 2020;
  outcome.firms[1].revenue = 1.5e6;
  outcome.firms[1].hte = true;
  const std::string bytes = encode(outcome);
  const ReplicationOutcome back = decode_outcome(bytes);
  EXPECT_EQ(back.metrics.first_year, outcome.metrics.first_year);
  EXPECT_EQ(back.metrics.years, outcome.metrics.years);
  EXPECT_EQ(back.events, outcome.events);
  EXPECT_TRUE(same_events(back.event_log, outcome.event_log));
  ASSERT_EQ(back.firms.size(), 2u);
  EXPECT_EQ(back.firms[1].year, 2020);
  EXPECT_EQ(back.firms[1].revenue, 1.5e6);
  EXPECT_TRUE(back.firms[1].hte);
  // A record cut short or padded is refused, never read past its end.
  EXPECT_THROW(decode_outcome(std::string_view(bytes).substr(0, bytes.size() - 1)), SimulationError);
  EXPECT_THROW(decode_outcome(bytes + "x"), SimulationError);
  EXPECT_THROW(decode_outcome(std::string_view(bytes).substr(0, 6)), SimulationError);
}

/// A posterior of six particles over an entry probability and the latent pool's size, unequal weights.
std::shared_ptr<const PosteriorDraws> tiny_posterior(const Parameters& base) {
  return std::make_shared<const PosteriorDraws>(make_posterior_draws(
      base, "tiny-posterior.h5", "fnv1a64:0", 5, {"tech_sme.register_probability", "initial.2.count"},
      {{0.1, 20}, {0.3, 30}, {0.5, 40}, {0.7, 50}, {0.9, 60}, {0.6, 25}}, {0.1, 0.2, 0.3, 0.1, 0.2, 0.1}));
}

/// The base, a policy lever that shares the base's start, one that differs by a drawing input the
/// posterior does not set, and a study of them drawing from tiny_posterior three runs a draw.
Study posterior_study() {
  Study study;
  study.base.name = "base";
  study.base.parameters = tiny_parameters();
  study.alternatives.push_back({"reward", "", "", "", bigger_reward()});
  Parameters other = tiny_parameters();
  other.initial[1].count += 2;
  study.alternatives.push_back({"two more SMEs", "", "", "", other});
  study.posterior_file = "tiny-posterior.h5";
  study.runs_per_draw = 3;
  study.posterior = tiny_posterior(study.base.parameters);
  return study;
}

TEST(PosteriorDraws, EveryScenarioOfAReplicationRunsItsDrawAsIfSetByHand) {
  const Study study = posterior_study();
  constexpr std::uint32_t kReps = 12;
  const StudyResults results = run_study(study, kReps, 17, RunnerOptions{2, {}, nullptr});
  ASSERT_EQ(results.particles.size(), kReps);
  std::vector<std::uint32_t> distinct;
  for (std::uint32_t r = 0; r < kReps; ++r) {
    // Keyed as documented: draw r / runs_per_draw of the stream (seed, draw, 0, kPosteriorDrawStream).
    EXPECT_EQ(results.particles[r], drawn_particle(*study.posterior, 17, r / 3)) << r;
    if (r % 3 != 0) {
      EXPECT_EQ(results.particles[r], results.particles[r - 1]) << r;
    }
    if (std::find(distinct.begin(), distinct.end(), results.particles[r]) == distinct.end())
      distinct.push_back(results.particles[r]);
  }
  EXPECT_GE(distinct.size(), 2u) << "four draws from six particles all fell on one";
  const std::vector<const Scenario*> scenarios{&study.base, &study.alternatives[0], &study.alternatives[1]};
  for (std::size_t s = 0; s < scenarios.size(); ++s)
    for (std::uint32_t r = 0; r < kReps; ++r) {
      Parameters p = scenarios[s]->parameters;  // by hand: the scenario's own, the particle's values on top
      const std::vector<double>& values = study.posterior->particles[results.particles[r]];
      set_parameter(p, find_parameter(p, "tech_sme.register_probability"), values[0]);
      set_parameter(p, find_parameter(p, "initial[2].count"), values[1]);
      EXPECT_EQ(results.scenarios[s].replications[r].years, simulate(p, 17, r).metrics.years) << s << " " << r;
    }
}

TEST(PosteriorDraws, TheSameBitsOnOneAndTwoThreadsInAnyItemOrderKeptOrNot) {
  const Study study = posterior_study();
  const StudyResults one = run_study(study, 9, 4, RunnerOptions{1, {}, nullptr});
  const StudyResults two = run_study(study, 9, 4, RunnerOptions{2, {}, nullptr});
  StudyRun backwards(study, 9, 4, {}, 3);  // as MPI ranks might, last item first
  for (std::size_t i = backwards.items(); i-- > 0;) backwards.keep(i, backwards.compute(i));
  const StudyResults reversed = std::move(backwards).finish();
  StudyRun unkept(study, 9, 4, {}, 3, 0);  // every item makes its drawn parameters itself
  for (std::size_t i = 0; i < unkept.items(); ++i) unkept.keep(i, unkept.compute(i));
  const StudyResults made_per_item = std::move(unkept).finish();
  EXPECT_EQ(one.particles, two.particles);
  EXPECT_EQ(one.particles, reversed.particles);
  for (std::size_t s = 0; s < one.scenarios.size(); ++s)
    for (std::uint32_t r = 0; r < 9; ++r) {
      EXPECT_EQ(one.scenarios[s].replications[r].years, two.scenarios[s].replications[r].years) << s << " " << r;
      EXPECT_EQ(one.scenarios[s].replications[r].years, reversed.scenarios[s].replications[r].years) << s << " " << r;
      EXPECT_EQ(one.scenarios[s].replications[r].years, made_per_item.scenarios[s].replications[r].years)
          << s << " " << r;
    }
}

TEST(PosteriorDraws, AStudyWithoutAPosteriorDrawsNothing) {
  Study study = posterior_study();
  study.posterior_file.clear();
  study.posterior.reset();
  const StudyResults results = run_study(study, 3, 4, RunnerOptions{1, {}, nullptr});
  EXPECT_TRUE(results.particles.empty());
  EXPECT_EQ(results.scenarios[0].replications[2].years, simulate(study.base.parameters, 4, 2).metrics.years);
  study.posterior_file = "named.h5";  // named but never read: refused, not run as if absent
  EXPECT_THROW(run_study(study, 3, 4, RunnerOptions{1, {}, nullptr}), UsageError);
}

TEST(PosteriorDraws, APathTheScenarioLacksOrAValueOutsideItsDomainNamesTheFileAndThePath) {
  const Parameters base = tiny_parameters();
  const auto message = [&](const std::string& path, double value) {
    try {
      make_posterior_draws(base, "fit.h5", "", 1, {path}, {{value}}, {1.0});
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("hte.no_such_thing", 0.5).find("fit.h5: parameter 'hte.no_such_thing'"), std::string::npos)
      << message("hte.no_such_thing", 0.5);
  EXPECT_NE(message("initial[7].count", 3).find("fit.h5: parameter 'initial[7].count'"), std::string::npos);
  const std::string outside = message("tech_sme.register_probability", 1.5);
  EXPECT_NE(outside.find("fit.h5: parameter 'tech_sme.register_probability': particle 0 holds 1.5"), std::string::npos)
      << outside;
  EXPECT_NE(outside.find("outside the parameter's domain [0, 1]"), std::string::npos) << outside;
}

}  // namespace
}  // namespace leapsim::innovation
