#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <vector>

#include "leapsim/engine/event_queue.hpp"
#include "leapsim/engine/fifo_lane.hpp"
#include "leapsim/engine/heap_queue.hpp"
#include "leapsim/engine/ladder_queue.hpp"

namespace leapsim {
namespace {

static_assert(EventQueue<LadderQueue>);
static_assert(EventQueue<HeapQueue>);

template <class Q>
class EventQueueTest : public ::testing::Test {};
using Queues = ::testing::Types<LadderQueue, HeapQueue>;
TYPED_TEST_SUITE(EventQueueTest, Queues);

TEST(EventOrder, TimeThenPriorityThenEntityThenProcess) {
  EXPECT_LT(Event::make(1.0, 9, 9, 9), Event::make(2.0, 0, 0, 0));
  EXPECT_LT(Event::make(1.0, 0, 9, 9), Event::make(1.0, 1, 0, 0));
  EXPECT_LT(Event::make(1.0, 1, 0, 9), Event::make(1.0, 1, 1, 0));
  EXPECT_LT(Event::make(1.0, 1, 1, 0), Event::make(1.0, 1, 1, 1));
  EXPECT_LT(Event::make(1.0, 1, 5, 0), Event::make(1.0, 1, kNoEntity, 0));  // global events last
  const Event e = Event::make(3.5, 7, 123456, 42);
  EXPECT_EQ(e.priority(), 7);
  EXPECT_EQ(e.entity(), 123456u);
  EXPECT_EQ(e.process(), 42);
}

// Drives a queue and an ordered multiset with the same random hold workload (pop the minimum,
// push it back later, sometimes push extra or drop), then checks every pop matches.
template <class Q, class Draw>
void check_against_reference(std::size_t initial, std::size_t steps, Draw draw_delay, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Q q;
  std::multiset<Event> ref;
  auto push = [&](Event e) {
    q.push(e);
    ref.insert(e);
  };
  for (std::size_t i = 0; i < initial; ++i)
    push(Event::make(draw_delay(rng), static_cast<Priority>(rng() % 3), static_cast<EntityId>(i), 0));
  double now = 0;
  for (std::size_t s = 0; s < steps && !ref.empty(); ++s) {
    ASSERT_EQ(q.size(), ref.size());
    const Event e = q.top();
    ASSERT_EQ(e, *ref.begin()) << "step " << s;
    ASSERT_GE(e.time, now);
    now = e.time;
    q.pop();
    ref.erase(ref.begin());
    const auto r = rng() % 10;
    if (r < 8) push(Event::make(now + draw_delay(rng), e.priority(), e.entity(), e.process()));
    if (r == 0) push(Event::make(now, 0, e.entity(), 1));  // same instant, sorts by rank
    if (r == 1) push(Event::make(now + draw_delay(rng), 2, e.entity(), 2));
  }
  while (!ref.empty()) {
    ASSERT_EQ(q.top(), *ref.begin());
    q.pop();
    ref.erase(ref.begin());
  }
  EXPECT_TRUE(q.empty());
}

TYPED_TEST(EventQueueTest, MatchesOrderedSetOnExponentialHold) {
  check_against_reference<TypeParam>(
      5000, 60000, [](auto& rng) { return std::exponential_distribution<double>(1.0)(rng); }, 1);
}

TYPED_TEST(EventQueueTest, MatchesOrderedSetOnCoarseTimes) {
  // Whole-year delays make many exact ties: they must come out in rank order.
  check_against_reference<TypeParam>(
      2000, 30000, [](auto& rng) { return static_cast<double>(rng() % 4); }, 2);
}

TYPED_TEST(EventQueueTest, MatchesOrderedSetOnHeavyTailedDelays) {
  // Delays over 9 orders of magnitude stress rung spawning and the top.
  check_against_reference<TypeParam>(
      3000, 40000, [](auto& rng) { return std::pow(10.0, std::uniform_real_distribution<double>(-6, 3)(rng)); }, 3);
}

TYPED_TEST(EventQueueTest, SmallQueuesAndRefillAfterEmpty) {
  check_against_reference<TypeParam>(
      1, 2000, [](auto& rng) { return std::uniform_real_distribution<double>(0, 1)(rng); }, 4);
  TypeParam q;
  q.push(Event::make(5.0, 0, 1, 0));
  EXPECT_EQ(q.top().time, 5.0);
  q.pop();
  EXPECT_TRUE(q.empty());
  q.push(Event::make(1.0, 0, 2, 0));  // earlier than anything seen before: allowed after empty
  q.push(Event::make(0.5, 0, 3, 0));
  EXPECT_EQ(q.top().entity(), 3u);
}

TYPED_TEST(EventQueueTest, ManyEventsAtOneInstantComeOutInRankOrder) {
  TypeParam q;
  std::vector<EntityId> ids(20000);
  for (EntityId i = 0; i < ids.size(); ++i) ids[i] = i;
  std::shuffle(ids.begin(), ids.end(), std::mt19937(5));
  for (EntityId id : ids) q.push(Event::make(2020.0, 1, id, 3));
  for (EntityId i = 0; i < ids.size(); ++i) {
    ASSERT_EQ(q.top().entity(), i);
    q.pop();
    if (i % 2 == 0) q.push(Event::make(2020.0 + 1e-9 * i, 2, i, 4));  // later pushes interleave
  }
  double last = 0;
  while (!q.empty()) {
    ASSERT_GE(q.top().time, last);
    last = q.top().time;
    q.pop();
  }
}

TYPED_TEST(EventQueueTest, DenormalTimeSpreadsStayOrdered) {
  // Times a few denormals apart: bucket widths would overflow, so they must be sorted instead.
  TypeParam q;
  std::vector<Event> expected;
  for (EntityId i = 0; i < 500; ++i) {
    const Event e = Event::make(std::numeric_limits<double>::denorm_min() * (i % 7), 0, i, 0);
    q.push(e);
    expected.push_back(e);
  }
  std::sort(expected.begin(), expected.end());
  for (const Event& e : expected) {
    ASSERT_EQ(q.top(), e);
    q.pop();
  }
}

TYPED_TEST(EventQueueTest, EraseIfRemovesExactlyTheMatches) {
  TypeParam q;
  std::mt19937_64 rng(6);
  std::exponential_distribution<double> exp1(1.0);
  for (EntityId i = 0; i < 10000; ++i) q.push(Event::make(exp1(rng), 0, i, 0));
  for (int i = 0; i < 100; ++i) q.pop();  // leaves the structure partly consumed
  const std::size_t before = q.size();
  const std::size_t removed = q.erase_if([](const Event& e) { return e.entity() % 3 == 0; });
  EXPECT_EQ(q.size(), before - removed);
  EXPECT_GT(removed, 3000u);
  double last = 0;
  std::size_t n = 0;
  while (!q.empty()) {
    EXPECT_NE(q.top().entity() % 3, 0u);
    EXPECT_GE(q.top().time, last);
    last = q.top().time;
    q.pop();
    ++n;
  }
  EXPECT_EQ(n, before - removed);
  EXPECT_GT(q.memory_bytes(), 0u);
}

}  // namespace
}  // namespace leapsim

namespace leapsim {
namespace {

TEST(FifoLane, TakesOnlyEventsThatKeepItsOrder) {
  FifoLane lane;
  EXPECT_TRUE(lane.try_push(Event::make(1.0, 0, 5, 0)));
  EXPECT_TRUE(lane.try_push(Event::make(1.0, 0, 6, 0)));   // same time, later entity
  EXPECT_FALSE(lane.try_push(Event::make(1.0, 0, 4, 0)));  // would sort before the back
  EXPECT_FALSE(lane.try_push(Event::make(0.5, 0, 9, 0)));
  EXPECT_TRUE(lane.try_push(Event::make(2.0, 0, 1, 0)));
  ASSERT_EQ(lane.size(), 3u);
  EXPECT_EQ(lane.front().entity(), 5u);
  lane.pop();
  EXPECT_EQ(lane.erase_if([](const Event& e) { return e.entity() == 6; }), 1u);
  EXPECT_EQ(lane.front().entity(), 1u);
  lane.pop();
  EXPECT_TRUE(lane.empty());
  EXPECT_TRUE(lane.try_push(Event::make(0.1, 0, 0, 0))) << "an empty lane takes any event";
}

}  // namespace
}  // namespace leapsim
