// The huge-page allocator: large blocks 2 MiB aligned, small ones ordinary, contents intact.
#include "leapsim/engine/huge_page_allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace leapsim {
namespace {

TEST(HugePageAllocator, AlignsLargeBlocksAndKeepsSmallOnesOrdinary) {
  HugePageAllocator<double> a;
  const std::size_t large = (std::size_t{3} << 20) / sizeof(double);  // 3 MiB
  double* p = a.allocate(large);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % HugePageAllocator<double>::kHugePage, 0u);
  p[0] = 1.0;
  p[large - 1] = 2.0;  // the whole block is usable
  EXPECT_EQ(p[0] + p[large - 1], 3.0);
  a.deallocate(p, large);
  double* q = a.allocate(10);
  q[9] = 4.0;
  EXPECT_EQ(q[9], 4.0);
  a.deallocate(q, 10);
}

TEST(HugePageAllocator, VectorsGrowAcrossTheThresholdWithTheirContents) {
  HugePageVector<std::uint32_t> v;
  for (std::uint32_t i = 0; i < (1u << 20); ++i) v.push_back(i);  // 4 MiB: crosses 2 MiB on the way
  for (std::uint32_t i = 0; i < v.size(); i += 4099) ASSERT_EQ(v[i], i);
  EXPECT_EQ(v.back(), (1u << 20) - 1);
}

}  // namespace
}  // namespace leapsim
