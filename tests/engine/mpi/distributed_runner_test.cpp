// The distributed runner on real MPI ranks: ctest starts this under mpirun with 2 ranks (and with
// 1). Every test is a collective: all ranks run the same tests in the same order, and rank 0,
// which receives every result, checks them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "leapsim/engine/errors.hpp"
#include "leapsim/mpi/distributed_runner.hpp"
#include "leapsim/mpi/session.hpp"

namespace leapsim::mpi {
namespace {

Session* g_session = nullptr;

/// An item's result depends on the item only; the pause keeps rank 0 busy long enough for the
/// other ranks to ask for work, so every rank runs some items.
std::string result_of(std::size_t i) {
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  return "item " + std::to_string(i) + std::string(i % 7, '+');
}

std::map<std::size_t, std::string> run_all(std::size_t count, unsigned threads) {
  std::map<std::size_t, std::string> received;
  RunnerOptions options;
  options.threads = threads;
  run_distributed(*g_session, count, options, result_of,
                  [&](std::size_t i, std::string_view bytes) { EXPECT_TRUE(received.emplace(i, bytes).second) << i; });
  return received;
}

TEST(DistributedRunner, EveryItemReachesRank0OnceWithItsBytes) {
  for (const unsigned threads : {1u, 2u}) {
    const auto received = run_all(500, threads);
    if (g_session->rank() != 0) continue;
    ASSERT_EQ(received.size(), 500u) << threads << " threads";
    for (const auto& [i, bytes] : received) EXPECT_EQ(bytes, result_of(i));
  }
}

TEST(DistributedRunner, EveryRankTakesAShare) {
  std::atomic<int> computed{0};
  RunnerOptions options;
  run_distributed(
      *g_session, 200, options,
      [&](std::size_t i) {
        ++computed;
        return result_of(i);
      },
      [](std::size_t, std::string_view) {});
  const int fewest = -g_session->max_over_ranks(-computed.load());
  EXPECT_GT(fewest, 0);
}

TEST(DistributedRunner, ResultsOverAnIntCountOfBytesArriveWhole) {
  // MPI counts in int: a result of 2.1 GiB must travel in parts. The other ranks make the big
  // results; rank 0 pauses so that they get items.
  if (g_session->size() == 1) GTEST_SKIP() << "rank 0 keeps its own results: nothing travels";
  constexpr std::size_t kBig = (std::size_t{1} << 31) + 12345;
  const bool makes_big = g_session->rank() != 0;
  std::size_t big = 0;
  RunnerOptions options;
  options.threads = 1;
  run_distributed(
      *g_session, 3, options,
      [&](std::size_t i) {
        if (!makes_big) {
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          return result_of(i);
        }
        std::string bytes(kBig, static_cast<char>('a' + i));
        bytes.back() = '!';
        return bytes;
      },
      [&](std::size_t i, std::string_view bytes) {
        if (bytes.size() != kBig) return;
        ++big;
        EXPECT_EQ(bytes.front(), static_cast<char>('a' + i));
        EXPECT_EQ(bytes[kBig / 2], static_cast<char>('a' + i));
        EXPECT_EQ(bytes.back(), '!');
      });
  if (g_session->rank() == 0) {
    EXPECT_GE(big, 1u);
  }
}

TEST(DistributedRunner, NoItemsIsNoWork) { EXPECT_TRUE(run_all(0, 1).empty()); }

TEST(DistributedRunner, ProgressCountsEveryItemOnRank0) {
  std::size_t last = 0, calls = 0;
  RunnerOptions options;
  options.on_progress = [&](const Progress& p) {
    EXPECT_EQ(p.done, last + 1);
    EXPECT_EQ(p.total, 100u);
    last = p.done;
    ++calls;
  };
  run_distributed(*g_session, 100, options, result_of, [](std::size_t, std::string_view) {});
  if (g_session->rank() == 0) {
    EXPECT_EQ(calls, 100u);
  }
}

TEST(DistributedRunner, AnErrorOnAnyRankIsRaisedOnRank0NamingTheRank) {
  const int failing = g_session->size() - 1;
  auto compute = [&](std::size_t i) -> std::string {
    if (g_session->rank() == failing) throw SimulationError("item " + std::to_string(i) + " broke");
    return result_of(i);
  };
  RunnerOptions options;
  if (g_session->rank() != 0) {
    run_distributed(*g_session, 400, options, compute, [](std::size_t, std::string_view) {});
    return;
  }
  try {
    run_distributed(*g_session, 400, options, compute, [](std::size_t, std::string_view) {});
    FAIL() << "no error raised";
  } catch (const SimulationError& e) {
    const std::string message = e.what();
    if (failing != 0) {
      EXPECT_EQ(message.rfind("rank " + std::to_string(failing) + ": item ", 0), 0u) << message;
    }
    EXPECT_NE(message.find(" broke"), std::string::npos) << message;
  }
}

TEST(DistributedRunner, AStopOnRank0CancelsTheJob) {
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};
  RunnerOptions options;
  options.stop = &stop;
  auto compute = [&](std::size_t i) {
    if (g_session->rank() == 0 && ++done == 20) stop = true;
    return result_of(i);
  };
  if (g_session->rank() != 0) {
    run_distributed(*g_session, 100000, options, compute, [](std::size_t, std::string_view) {});
    return;
  }
  EXPECT_THROW(run_distributed(*g_session, 100000, options, compute, [](std::size_t, std::string_view) {}), Cancelled);
  EXPECT_FALSE(g_session->peers_lost());
}

}  // namespace
}  // namespace leapsim::mpi

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!leapsim::mpi::launched_by_mpi()) {
    std::fprintf(stderr, "start this test under mpirun (ctest does)\n");
    return 2;
  }
  leapsim::mpi::Session session;
  leapsim::mpi::g_session = &session;
  // Only rank 0 prints, so ctest shows one report; every rank's failures still fail its exit code.
  if (session.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  return session.max_over_ranks(failed);
}
