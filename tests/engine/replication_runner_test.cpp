#include "leapsim/engine/replication_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/simulation.hpp"
#include "leapsim/models/birth_death.hpp"

namespace leapsim {
namespace {

std::vector<birth_death::Trajectory> run_with_threads(unsigned threads) {
  const birth_death::Parameters p{300, 40.0, 0.1, 2019.0, 7};
  std::vector<birth_death::Trajectory> out(24);
  ReplicationRunner({threads, {}, nullptr}).run(out.size(), [&](std::size_t r) {
    out[r] = birth_death::simulate(p, 2024, static_cast<std::uint32_t>(r));
  });
  return out;
}

// Every count of every replication, compared exactly: same bits for any thread count.
TEST(ReplicationRunner, ResultsDoNotDependOnThreadCount) {
  const auto one = run_with_threads(1);
  for (unsigned threads : {2u, 4u}) {
    const auto many = run_with_threads(threads);
    for (std::size_t r = 0; r < one.size(); ++r) {
      EXPECT_EQ(one[r].alive, many[r].alive) << "replication " << r << ", " << threads << " threads";
      EXPECT_EQ(one[r].entries, many[r].entries);
      EXPECT_EQ(one[r].exits, many[r].exits);
      EXPECT_EQ(one[r].events, many[r].events);
    }
  }
  EXPECT_NE(one[0].alive, one[1].alive);  // and replications differ from each other
}

TEST(ReplicationRunner, ReportsProgressOncePerReplication) {
  std::vector<std::size_t> done;
  RunnerOptions options{2,
                        [&](const Progress& p) {
                          EXPECT_EQ(p.total, 10u);
                          done.push_back(p.done);
                        },
                        nullptr};
  ReplicationRunner(options).run(10, [](std::size_t) {});
  EXPECT_EQ(done, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(ReplicationRunner, RethrowsTheFirstFailure) {
  std::atomic<int> ran{0};
  const ReplicationRunner runner({2, {}, nullptr});
  EXPECT_THROW(runner.run(1000,
                          [&](std::size_t r) {
                            ++ran;
                            if (r == 3) throw std::runtime_error("replication 3 failed");
                            // Tasks take a while, as replications do: an empty task let the other
                            // thread finish all 1000 before the throwing one raised the flag.
                            std::this_thread::sleep_for(std::chrono::microseconds(200));
                          }),
               std::runtime_error);
  EXPECT_LT(ran.load(), 1000);  // the others stopped taking work
}

TEST(ReplicationRunner, StopFlagCancelsTheRest) {
  std::atomic<bool> stop{false};
  std::atomic<int> ran{0};
  const ReplicationRunner runner({1, {}, &stop});
  EXPECT_THROW(runner.run(100,
                          [&](std::size_t r) {
                            ++ran;
                            if (r == 4) stop = true;
                          }),
               Cancelled);
  EXPECT_EQ(ran.load(), 5);
}

// A task's own report of how far it has come reaches the progress callback before the task ends,
// as work done by the running replications; the report at its end counts it done instead.
TEST(ReplicationRunner, ProgressMovesWithinATask) {
  std::vector<Progress> seen;
  RunnerOptions options{1, [&](const Progress& p) { seen.push_back(p); }, nullptr};
  ReplicationRunner(options).run(2, [](std::size_t) { report_task_fraction(0.25); });
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen[0].done, 0u);
  EXPECT_DOUBLE_EQ(seen[0].running, 0.25);  // the first report is never held back
  EXPECT_EQ(seen.back().done, 2u);
  EXPECT_DOUBLE_EQ(seen.back().running, 0.0);
  report_task_fraction(0.5);  // outside a task: nothing to tell, and nothing breaks
}

// The kernel reports the share of its span of simulated time that has passed, every 65,536 events.
TEST(ReplicationRunner, TheKernelReportsItsSimulatedTime) {
  std::vector<Progress> seen;
  RunnerOptions options{1, [&](const Progress& p) { seen.push_back(p); }, nullptr};
  ReplicationRunner(options).run(1, [](std::size_t) {
    Simulation sim(1, 0);
    constexpr double kEvents = 200000.0;
    ProcessId tick = 0;
    tick = sim.add_process("tick", Scope::global, 0, [&](EntityId) {
      if (sim.now() + 1.0 < kEvents) sim.schedule(tick, sim.now() + 1.0);
    });
    sim.set_progress_span(0.0, kEvents);
    sim.schedule(tick, 0.0);
    sim.run();
  });
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[0].done, 0u);
  EXPECT_NEAR(seen[0].running, 65535.0 / 200000.0, 1e-9);  // the first look, at event 65,536 (time 65,535)
  EXPECT_EQ(seen.back().done, 1u);
}

}  // namespace
}  // namespace leapsim
