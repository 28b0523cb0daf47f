#include "leapsim/engine/population.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace leapsim {
namespace {

TEST(Population, IdsAreArrivalNumbersAndNeverReused) {
  Population pop;
  EXPECT_EQ(pop.add(), 0u);
  EXPECT_EQ(pop.add(), 1u);
  pop.remove(0);
  EXPECT_EQ(pop.add(), 2u);
  EXPECT_FALSE(pop.alive(0));
  EXPECT_TRUE(pop.alive(1));
  EXPECT_FALSE(pop.alive(3));  // never issued
  EXPECT_EQ(pop.alive_count(), 2u);
  EXPECT_EQ(pop.issued(), 3u);
  EXPECT_THROW(pop.remove(0), UsageError);
}

TEST(Population, ColumnsGrowWithEntitiesAndKeepValuesOfRemovedOnes) {
  Population pop;
  pop.add();
  auto& revenue = pop.add_column<double>("revenue", 1.5);
  auto& staff = pop.add_column<std::uint32_t>("staff");
  EXPECT_EQ(revenue.size(), 1u);
  EXPECT_EQ(revenue[0], 1.5);
  const EntityId b = pop.add();
  staff[b] = 12;
  revenue[b] = 3.0;
  pop.remove(b);
  EXPECT_EQ(staff[b], 12u);
  EXPECT_EQ(revenue.size(), 2u);
  EXPECT_THROW(pop.add_column<int>("staff"), UsageError);
  EXPECT_GE(pop.memory_bytes(), 2 * (sizeof(double) + sizeof(std::uint32_t)));
}

TEST(Population, ForEachAliveVisitsAliveIdsInOrderAcrossWords) {
  Population pop;
  std::vector<EntityId> expected;
  for (EntityId i = 0; i < 200; ++i) pop.add();
  for (EntityId i = 0; i < 200; ++i) {
    if (i % 7 == 0 || i == 63 || i == 64)
      pop.remove(i);
    else
      expected.push_back(i);
  }
  std::vector<EntityId> seen;
  pop.for_each_alive([&](EntityId id) { seen.push_back(id); });
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pop.alive_count(), expected.size());
}

}  // namespace
}  // namespace leapsim
