#include "leapsim/engine/simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace leapsim {
namespace {

using Fired = std::tuple<Time, EntityId, std::string>;

TEST(Simulation, EqualTimeEventsFireByPriorityThenEntityThenProcess) {
  Simulation sim(1, 0);
  std::vector<Fired> log;
  auto record = [&](std::string name) {
    return [&log, &sim, name](EntityId e) { log.emplace_back(sim.now(), e, name); };
  };
  // Registered in an order unrelated to their priorities.
  const ProcessId late = sim.add_process("late", Scope::entity, 5, record("late"));
  const ProcessId report = sim.add_process("report", Scope::global, 0, record("report"));
  const ProcessId early = sim.add_process("early", Scope::entity, 1, record("early"));
  const ProcessId early_too = sim.add_process("early_too", Scope::entity, 1, record("early_too"));
  const ProcessId round = sim.add_process("round", Scope::global, 1, record("round"));
  for (int i = 0; i < 3; ++i) sim.add_entity();
  // Scheduled in a scrambled order, all at t = 1.
  sim.schedule(late, 0, 1.0);
  sim.schedule(early_too, 2, 1.0);
  sim.schedule(round, 1.0);
  sim.schedule(early, 2, 1.0);
  sim.schedule(early, 0, 1.0);
  sim.schedule(report, 1.0);
  sim.schedule(early_too, 0, 1.0);
  sim.schedule(late, 1, 0.5);
  sim.run();
  const std::vector<Fired> expected{
      {0.5, 1, "late"},  {1.0, kNoEntity, "report"}, {1.0, 0, "early"},         {1.0, 0, "early_too"},
      {1.0, 2, "early"}, {1.0, 2, "early_too"},      {1.0, kNoEntity, "round"}, {1.0, 0, "late"}};
  EXPECT_EQ(log, expected);
}

TEST(Simulation, AStreamPositionCarriesAnEntitysStreamIntoAnotherRun) {
  // Two runs keyed alike: the first draws for entity 1, the second is handed where it stopped
  // and continues with the very numbers the first would have drawn next.
  auto make = [](Simulation& sim) {
    const ProcessId p = sim.add_process("p", Scope::entity, 0, [](EntityId) {});
    sim.add_entity();
    sim.add_entity();
    return p;
  };
  Simulation a(9, 2, 0.0), b(9, 2, 0.0);
  const ProcessId pa = make(a), pb = make(b);
  for (int i = 0; i < 3; ++i) a.stream(pa, 1).uniform();
  const std::uint32_t position = a.stream_position(pa, 1);
  EXPECT_EQ(position, 3u);  // one block per stream taken, each used for one uniform
  EXPECT_EQ(b.stream_position(pb, 1), 0u);
  b.set_stream_position(pb, 1, position);
  EXPECT_EQ(a.stream(pa, 1).uniform(), b.stream(pb, 1).uniform());
  EXPECT_EQ(a.stream(pa, 0).uniform(), b.stream(pb, 0).uniform());  // other entities untouched
}

TEST(Simulation, CancelledEventNeverFires) {
  Simulation sim(1, 0);
  int fired = 0;
  const ProcessId p = sim.add_process("p", Scope::entity, 0, [&](EntityId) { ++fired; });
  const EntityId a = sim.add_entity();
  const EntityId b = sim.add_entity();
  sim.schedule(p, a, 1.0);
  sim.schedule(p, b, 2.0);
  EXPECT_TRUE(sim.is_pending(p, a));
  sim.cancel(p, a);
  EXPECT_FALSE(sim.is_pending(p, a));
  EXPECT_TRUE(std::isnan(sim.pending_time(p, a)));
  sim.cancel(p, a);  // cancelling twice is harmless
  EXPECT_EQ(sim.pending_events(), 1u);
  sim.run();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(sim.now(), 2.0);
}

/// A simulation whose one global process fires once per 1/1000 year for `years` years.
std::uint64_t ticking_run(const std::atomic<bool>* interrupt, double years) {
  Simulation sim(1, 0);
  ProcessId tick{};
  tick = sim.add_process("tick", Scope::global, 0, [&](EntityId) { sim.schedule(tick, sim.now() + 0.001); });
  sim.set_interrupt(interrupt);
  sim.schedule(tick, 0.0);
  return sim.run_until(years);
}

TEST(Simulation, ARaisedInterruptFlagEndsTheRunWithinItsCheckInterval) {
  const std::atomic<bool> quiet{false}, raised{true};
  EXPECT_EQ(ticking_run(nullptr, 100.0), 100000u);
  EXPECT_EQ(ticking_run(&quiet, 100.0), 100000u);  // a flag never raised changes nothing
  EXPECT_THROW(ticking_run(&raised, 100.0), Cancelled);
  EXPECT_LT(ticking_run(&raised, 50.0), 65536u);  // fewer events than one check interval: no look
}

TEST(Simulation, AnInterruptFromAnotherThreadStopsALongRun) {
  std::atomic<bool> flag{false};
  std::thread raiser([&flag] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flag = true;
  });
  // About 10^9 events (minutes of work) unless the flag ends it.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(ticking_run(&flag, 1.0e6), Cancelled);
  raiser.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));  // not the run's minutes
}

TEST(Simulation, RescheduleReplacesThePendingEvent) {
  Simulation sim(1, 0);
  std::vector<Time> times;
  const ProcessId p = sim.add_process("p", Scope::entity, 0, [&](EntityId) { times.push_back(sim.now()); });
  const EntityId a = sim.add_entity();
  sim.schedule(p, a, 5.0);
  sim.schedule(p, a, 3.0);  // earlier
  sim.schedule(p, a, 4.0);  // later again
  sim.schedule(p, a, 4.0);  // same time: still one event
  EXPECT_EQ(sim.pending_time(p, a), 4.0);
  sim.cancel(p, a);
  sim.schedule(p, a, 4.0);  // cancel and back to the same time: still one event
  sim.run();
  EXPECT_EQ(times, std::vector<Time>{4.0});
}

TEST(Simulation, HandlerMayRescheduleOrCancelItsOwnFiringEvent) {
  Simulation sim(1, 0);
  std::vector<Time> times;
  ProcessId p = 0;
  p = sim.add_process("tick", Scope::entity, 0, [&](EntityId e) {
    times.push_back(sim.now());
    EXPECT_FALSE(sim.is_pending(p, e));  // the firing event is no longer pending
    sim.cancel(p, e);                    // cancelling it is a no-op
    if (times.size() < 4) sim.schedule(p, e, sim.now() + 1.0);
    if (times.size() == 2) sim.schedule(p, e, sim.now() + 0.25);  // then move it earlier
  });
  sim.schedule(p, sim.add_entity(), 0.0);
  sim.run();
  EXPECT_EQ(times, (std::vector<Time>{0.0, 1.0, 1.25, 2.25}));
}

TEST(Simulation, HandlerCancelsAnotherEntitysEventAtTheSameInstant) {
  Simulation sim(1, 0);
  std::vector<EntityId> fired;
  ProcessId p = 0;
  p = sim.add_process("p", Scope::entity, 0, [&](EntityId e) {
    fired.push_back(e);
    if (e == 0) sim.cancel(p, 1);
  });
  for (int i = 0; i < 3; ++i) sim.schedule(p, sim.add_entity(), 1.0);
  sim.run();
  EXPECT_EQ(fired, (std::vector<EntityId>{0, 2}));
}

TEST(Simulation, RemovingAnEntityCancelsAllItsEvents) {
  Simulation sim(1, 0);
  int fired = 0;
  const ProcessId p = sim.add_process("p", Scope::entity, 0, [&](EntityId) { ++fired; });
  const ProcessId q = sim.add_process("q", Scope::entity, 0, [&](EntityId) { ++fired; });
  const EntityId a = sim.add_entity();
  sim.schedule(p, a, 1.0);
  sim.schedule(q, a, 2.0);
  sim.remove_entity(a);
  EXPECT_FALSE(sim.population().alive(a));
  EXPECT_EQ(sim.pending_events(), 0u);
  sim.run();
  EXPECT_EQ(fired, 0);
  EXPECT_THROW(sim.remove_entity(a), UsageError);
}

TEST(Simulation, AddingAProcessAfterEntitiesKeepsTheirPendingEventsAndStreams) {
  // Slots are stored entity-major, so a late process re-lays them out; nothing may move.
  Simulation sim(3, 0);
  std::vector<std::pair<EntityId, ProcessId>> fired;
  const ProcessId p = sim.add_process("p", Scope::entity, 0, [&](EntityId e) { fired.emplace_back(e, 0); });
  const EntityId a = sim.add_entity();
  const EntityId b = sim.add_entity();
  sim.schedule(p, a, 2.0);
  sim.schedule(p, b, 1.0);
  const double draw_before = sim.stream(p, b).uniform();  // advances b's stream by one block
  const ProcessId q = sim.add_process("q", Scope::entity, 0, [&](EntityId e) { fired.emplace_back(e, 1); });
  EXPECT_EQ(sim.pending_time(p, a), 2.0);
  EXPECT_EQ(sim.pending_time(p, b), 1.0);
  EXPECT_FALSE(sim.is_pending(q, a));
  std::uint32_t second_block = 1;
  RandomStream fresh(3, 0, b, p, &second_block);
  EXPECT_EQ(sim.stream(p, b).uniform(), fresh.uniform()) << "b's stream did not resume after the re-layout";
  EXPECT_NE(draw_before, 0.0);
  sim.schedule(q, a, 1.5);
  sim.run();
  EXPECT_EQ(fired, (std::vector<std::pair<EntityId, ProcessId>>{{b, 0}, {a, 1}, {a, 0}}));
}

TEST(Simulation, RunUntilStopsBeforeTheEndTimeAndAdvancesTheClock) {
  Simulation sim(1, 0, 2019.0);
  std::vector<Time> times;
  const ProcessId p = sim.add_process("p", Scope::global, 0, [&](EntityId) { times.push_back(sim.now()); });
  sim.schedule(p, 2020.0);
  EXPECT_EQ(sim.run_until(2020.0), 0u);  // an event exactly at the end waits for the next run
  EXPECT_EQ(sim.now(), 2020.0);
  EXPECT_EQ(sim.run_until(2021.0), 1u);
  EXPECT_EQ(times, std::vector<Time>{2020.0});
  EXPECT_EQ(sim.now(), 2021.0);
}

TEST(Simulation, StopReturnsAfterTheCurrentHandler) {
  Simulation sim(1, 0);
  int fired = 0;
  ProcessId p = 0;
  p = sim.add_process("p", Scope::global, 0, [&](EntityId) {
    if (++fired == 3) sim.stop();
    sim.schedule(p, sim.now() + 1.0);
  });
  sim.schedule(p, 0.0);
  EXPECT_EQ(sim.run_until(100.0), 3u);
  EXPECT_EQ(sim.now(), 2.0);
  EXPECT_EQ(sim.run_until(5.0), 2u);  // resumes: fires at 3 and 4
}

TEST(Simulation, MisuseIsReportedClearly) {
  Simulation sim(1, 0, 10.0);
  const ProcessId p = sim.add_process("exit", Scope::entity, 0, [](EntityId) {});
  const ProcessId g = sim.add_process("round", Scope::global, 0, [](EntityId) {});
  const ProcessId draws = sim.add_process("draws", Scope::entity, 0);
  const EntityId a = sim.add_entity();
  try {
    sim.schedule(p, a, 9.0);
    FAIL() << "scheduling in the past must throw";
  } catch (const SimulationError& e) {
    EXPECT_NE(std::string(e.what()).find("process 'exit' of entity 0 scheduled at 9"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sim.schedule(p, a, std::nan("")), SimulationError);
  EXPECT_THROW(sim.schedule(p, 7, 11.0), UsageError);      // no such entity
  EXPECT_THROW(sim.schedule(g, a, 11.0), UsageError);      // global process given an entity
  EXPECT_THROW(sim.schedule(p, 11.0), UsageError);         // entity process given none
  EXPECT_THROW(sim.schedule(99, a, 11.0), UsageError);     // unknown process
  EXPECT_THROW(sim.schedule(draws, a, 11.0), UsageError);  // stream-only process
  EXPECT_NO_THROW(sim.stream(draws, a).uniform());
}

// A reschedule-heavy workload: entities with three competing processes that cancel and move
// each other; p0 repeats itself at a fixed delay, the others at random ones. Run on both queues,
// with or without p0 in the in-order lane, the event sequences must be identical.
template <class Queue>
std::vector<Event> competing_risks_log(std::uint64_t seed, std::uint32_t replication, bool lane = false) {
  BasicSimulation<Queue> sim(seed, replication);
  std::vector<Event> log;
  std::vector<ProcessId> ids(3);
  for (std::size_t k = 0; k < 3; ++k) {
    ids[k] = sim.add_process("p" + std::to_string(k), Scope::entity, static_cast<Priority>(k % 2), [&, k](EntityId e) {
      log.push_back(Event::make(sim.now(), 0, e, ids[k]));
      auto s = sim.stream(ids[k], e);
      const double u = s.uniform();
      const ProcessId other = ids[(k + 1) % 3];
      if (u < 0.3)
        sim.cancel(other, e);
      else if (u < 0.6)
        sim.schedule(other, e, sim.now() + s.exponential(2.0));
      if (u > 0.1) sim.schedule(ids[k], e, sim.now() + (k == 0 ? 1.0 : s.exponential(1.0)));
      if (u > 0.95 && sim.population().alive(e)) sim.remove_entity(e);
    });
  }
  if (lane) sim.set_in_order(ids[0]);
  for (EntityId e = 0; e < 2000; ++e) {
    sim.add_entity();
    for (ProcessId p : ids) sim.schedule(p, e, sim.stream(p, e).exponential(1.0));
  }
  sim.run_until(30.0);
  return log;
}

TEST(Simulation, LadderAndHeapQueuesGiveIdenticalHistories) {
  const auto ladder = competing_risks_log<LadderQueue>(7, 3);
  const auto heap = competing_risks_log<HeapQueue>(7, 3);
  ASSERT_GT(ladder.size(), 10000u);
  EXPECT_EQ(ladder, heap);
  EXPECT_NE(ladder, (competing_risks_log<LadderQueue>(7, 4)));  // another replication differs
}

TEST(Simulation, InOrderLaneChangesNoHistory) {
  // p0's own reschedules enter the lane; p2 moves p0 to random times, which must fall back to
  // the queue. Stale events in both are skipped and purged alike.
  const auto plain = competing_risks_log<LadderQueue>(9, 1, false);
  ASSERT_GT(plain.size(), 10000u);
  EXPECT_EQ(plain, (competing_risks_log<LadderQueue>(9, 1, true)));
  EXPECT_EQ(plain, (competing_risks_log<HeapQueue>(9, 1, true)));
}

TEST(Simulation, PrefetchHintsSeeUpcomingEntitiesAndChangeNothing) {
  // The hint runs ahead of the handlers: every entity it is given must fire later, and the
  // history must be the one without hints.
  auto history = [](bool with_hint, std::size_t* hinted) {
    Simulation sim(3, 0);
    std::vector<EntityId> fired;
    ProcessId p = 0;
    p = sim.add_process("p", Scope::entity, 0, [&](EntityId e) {
      fired.push_back(e);
      if (fired.size() < 5000) sim.schedule(p, e, sim.now() + sim.stream(p, e).exponential(1.0));
    });
    if (with_hint)
      sim.set_prefetch(p, [&](EntityId e) {
        EXPECT_TRUE(sim.population().alive(e));
        ++*hinted;
      });
    for (int i = 0; i < 500; ++i) {
      const EntityId e = sim.add_entity();
      sim.schedule(p, e, sim.stream(p, e).exponential(1.0));
    }
    sim.run();
    return fired;
  };
  std::size_t hinted = 0;
  EXPECT_EQ(history(true, &hinted), history(false, &hinted));
  EXPECT_GT(hinted, 4000u);
  Simulation sim(1, 0);
  EXPECT_THROW(sim.set_prefetch(3, [](EntityId) {}), UsageError);
}

// Entities with a queued process q that reads a counter, and two processes d1 and d2 that only
// count, move and cancel each other (entity-local, so they may be deferred). q catches its
// entity up before reading. Whether d1 and d2 are deferred or queued, every event must fire at
// the same time with the same priority, q must read the same counts, and the run the same total.
struct LocalHistory {
  std::vector<Event> events;               // every event fired, in firing order
  std::vector<std::uint64_t> counts_seen;  // what q read, in firing order
  std::uint64_t fired = 0;
  std::vector<std::uint64_t> final_counts;
};

/// The model behind LocalHistory: the counters are its state, the history its output.
struct CountingModel {
  Simulation sim{11, 2};
  LocalHistory h;
  std::vector<std::uint64_t> counter;
  ProcessId q = 0, d1 = 0, d2 = 0;

  explicit CountingModel(bool deferred, bool q_in_order = false) {
    q = sim.add_process("q", Scope::entity, 1, [this](EntityId e) {
      sim.catch_up(e);
      h.events.push_back(Event::make(sim.now(), 1, e, q));
      h.counts_seen.push_back(counter[e]);
      auto s = sim.stream(q, e);
      if (s.uniform() < 0.05)
        sim.remove_entity(e);
      else
        sim.schedule(q, e, sim.now() + s.exponential(1.0));
    });
    d1 = sim.add_process("d1", Scope::entity, 2, [this](EntityId e) { local(d1, d2, 2, e); });
    d2 = sim.add_process("d2", Scope::entity, 3, [this](EntityId e) { local(d2, d1, 3, e); });
    if (deferred) {
      sim.set_deferred(d1);
      sim.set_deferred(d2);
    }
    sim.set_in_order(q, q_in_order);  // q's events take the lane when they come in order
  }

  void local(ProcessId self, ProcessId other, Priority priority, EntityId e) {
    h.events.push_back(Event::make(sim.now(), priority, e, self));
    ++counter[e];
    auto s = sim.stream(self, e);
    const double u = s.uniform();
    if (u < 0.2)
      sim.cancel(other, e);
    else if (u < 0.5)
      sim.schedule(other, e, sim.now() + s.exponential(3.0));
    sim.schedule(self, e, sim.now() + s.exponential(2.0));
  }

  void populate() {
    for (EntityId e = 0; e < 300; ++e) {
      sim.add_entity();
      counter.push_back(0);
      for (ProcessId p : {q, d1, d2}) sim.schedule(p, e, sim.stream(p, e).exponential(1.0));
    }
  }

  LocalHistory run_until(Time end) {
    h.fired += sim.run_until(end);
    h.final_counts = counter;
    return h;
  }
};

LocalHistory local_history(bool deferred) {
  CountingModel m(deferred);
  m.populate();
  return m.run_until(20.0);
}

TEST(Simulation, AContinuedRunFiresWhatTheWholeRunFires) {
  const LocalHistory whole = local_history(false);
  for (const bool deferred_before : {false, true}) {
    CountingModel first(deferred_before, deferred_before);
    first.populate();
    first.run_until(8.5);
    // Continued in a fresh simulation with the other settings: the lane is rebuilt or copied.
    CountingModel second(!deferred_before, false);
    second.sim.resume_from(first.sim);
    second.counter = first.counter;
    second.h = first.h;
    const LocalHistory continued = second.run_until(20.0);
    EXPECT_EQ(continued.counts_seen, whole.counts_seen);
    EXPECT_EQ(continued.final_counts, whole.final_counts);
    EXPECT_EQ(continued.fired, whole.fired);
    EXPECT_EQ(second.sim.events_fired(), whole.fired);
    CountingModel same(deferred_before, deferred_before);  // the same settings: the lane is copied
    same.sim.resume_from(first.sim);
    same.counter = first.counter;
    same.h = first.h;
    EXPECT_EQ(same.run_until(20.0).counts_seen, whole.counts_seen);
  }
  CountingModel used(false), other_seed_model(false);
  used.populate();
  EXPECT_THROW(used.sim.resume_from(other_seed_model.sim), UsageError);  // not fresh
  Simulation fewer(11, 2);
  fewer.add_process("q", Scope::entity, 1, [](EntityId) {});
  EXPECT_THROW(fewer.resume_from(used.sim), UsageError);  // other processes
  CountingModel fresh(false);
  Simulation other_seed(12, 2);
  EXPECT_THROW(other_seed.resume_from(fresh.sim), UsageError);
}

TEST(Simulation, DeferredProcessesGiveEveryEntityTheSameHistory) {
  const LocalHistory queued = local_history(false), deferred = local_history(true);
  ASSERT_GT(queued.events.size(), 10000u);
  EXPECT_EQ(queued.counts_seen, deferred.counts_seen);
  EXPECT_EQ(queued.final_counts, deferred.final_counts);  // events before the end all fired
  EXPECT_EQ(queued.fired, deferred.fired);
  EXPECT_EQ(queued.fired, queued.events.size());
  EXPECT_NE(queued.events, deferred.events);  // the interleaving did change...
  auto sorted = [](std::vector<Event> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(queued.events, sorted(queued.events));
  EXPECT_EQ(queued.events, sorted(deferred.events));  // ...but not the set of events
  // Each entity's own events still fire in time order.
  std::vector<Time> last(300, -1.0);
  for (const Event& e : deferred.events) {
    EXPECT_LE(last[e.entity()], e.time);
    last[e.entity()] = e.time;
  }
}

TEST(Simulation, CatchUpFiresOnlyWhatPrecedesTheCurrentEvent) {
  Simulation sim(1, 0);
  std::vector<std::pair<Time, std::string>> log;
  ProcessId late = 0;
  const ProcessId d = sim.add_process("d", Scope::entity, 5, [&](EntityId) { log.emplace_back(sim.now(), "d"); });
  late = sim.add_process("late", Scope::entity, 9, [&](EntityId) { log.emplace_back(sim.now(), "late"); });
  const ProcessId reader = sim.add_process("reader", Scope::entity, 7, [&](EntityId e) {
    sim.catch_up(e);
    log.emplace_back(sim.now(), "reader");
  });
  sim.set_deferred(d);
  sim.set_deferred(late);
  const EntityId a = sim.add_entity();
  sim.schedule(d, a, 1.0);
  sim.schedule(late, a, 2.0);  // same time as the reader, lower priority: after it
  sim.schedule(reader, a, 2.0);
  EXPECT_EQ(sim.pending_events(), 1u);  // deferred events are not in the queue
  EXPECT_EQ(sim.run_until(2.0), 1u);    // d fired at the end; the reader and `late` are not before 2
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0], std::make_pair(1.0, std::string("d")));
  EXPECT_EQ(sim.now(), 2.0);
  EXPECT_EQ(sim.run_until(3.0), 2u);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1], std::make_pair(2.0, std::string("reader")));
  EXPECT_EQ(log[2], std::make_pair(2.0, std::string("late")));
  EXPECT_EQ(sim.now(), 3.0);  // the clock reads the end again after the catch-up
  sim.schedule(d, a, 4.0);
  sim.remove_entity(a);  // cancels deferred events too
  EXPECT_EQ(sim.run_until(5.0), 0u);
  EXPECT_EQ(sim.events_fired(), 3u);
}

TEST(Simulation, DeferredMisuseIsReportedClearly) {
  Simulation sim(1, 0);
  const ProcessId queued = sim.add_process("queued", Scope::entity, 0, [](EntityId) {});
  const ProcessId g = sim.add_process("round", Scope::global, 0, [](EntityId) {});
  const ProcessId draws = sim.add_process("draws", Scope::entity, 0);
  const ProcessId lane = sim.add_process("lane", Scope::entity, 0, [](EntityId) {});
  ProcessId d = 0;
  d = sim.add_process("d", Scope::entity, 0, [&](EntityId e) { sim.schedule(queued, e, sim.now() + 1.0); });
  sim.set_in_order(lane);
  EXPECT_THROW(sim.set_deferred(g), UsageError);
  EXPECT_THROW(sim.set_deferred(draws), UsageError);
  EXPECT_THROW(sim.set_deferred(lane), UsageError);
  const EntityId a = sim.add_entity();
  sim.schedule(d, a, 1.0);
  EXPECT_THROW(sim.set_deferred(d), UsageError);  // already has a pending event
  sim.cancel(d, a);
  sim.set_deferred(d);
  EXPECT_THROW(sim.set_in_order(d), UsageError);
  EXPECT_THROW(sim.catch_up(7), UsageError);
  sim.schedule(d, a, 1.0);
  try {
    sim.run_until(2.0);
    FAIL() << "a deferred handler must not schedule a queued process";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("process 'queued' is queued and cannot be scheduled by a deferred handler"),
              std::string::npos)
        << e.what();
  }
}

TEST(Simulation, StaleEventsArePurgedSoMemoryStaysBounded) {
  Simulation sim(1, 0);
  const ProcessId p = sim.add_process("p", Scope::entity, 0, [](EntityId) {});
  const EntityId a = sim.add_entity();
  for (int i = 0; i < 1'000'000; ++i) sim.schedule(p, a, 1.0 + i * 1e-6);
  EXPECT_EQ(sim.pending_events(), 1u);
  EXPECT_LT(sim.queue().size(), 10000u);
  EXPECT_EQ(sim.run(), 1u);
  // Many live events: stale ones stay within a quarter of them plus the fixed slack.
  for (int i = 0; i < 20000; ++i) sim.add_entity();
  for (int round = 0; round < 5; ++round)
    for (EntityId e = 1; e <= 20000; ++e) sim.schedule(p, e, 2.0 + round + e * 1e-6);
  EXPECT_EQ(sim.pending_events(), 20000u);
  EXPECT_LE(sim.queue().size(), 20000u + 5000u + 4096u);
}

}  // namespace
}  // namespace leapsim
