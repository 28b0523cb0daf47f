#include "leapsim/engine/time.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "leapsim/engine/errors.hpp"

namespace leapsim {
namespace {

TEST(Time, FirstOfJanuaryIsAWholeYear) {
  EXPECT_EQ(to_time({2019, 1, 1}), 2019.0);
  EXPECT_EQ(year_start(2025), 2025.0);
  EXPECT_EQ(year_of(2019.999), 2019);
  EXPECT_EQ(year_of(2020.0), 2020);
}

TEST(Time, LeapYears) {
  EXPECT_TRUE(is_leap_year(2020));
  EXPECT_FALSE(is_leap_year(2019));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_EQ(days_in_year(2024), 366);
}

TEST(Time, EveryDateRoundTripsAndIsIncreasing) {
  Time previous = -1;
  for (int y = 1999; y <= 2031; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= 31; ++d) {
        Time t = 0;
        try {
          t = to_time({y, m, d});
        } catch (const UsageError&) {
          EXPECT_GE(d, 28) << y << "-" << m << "-" << d;  // only month ends can be invalid
          continue;
        }
        EXPECT_GT(t, previous);
        previous = t;
        EXPECT_EQ(to_date(t), (Date{y, m, d}));
        EXPECT_EQ(to_date(t + 0.5 / days_in_year(y)), (Date{y, m, d}));  // noon of the same day
      }
    }
  }
}

TEST(Time, LastInstantOfTheYearIsThirtyFirstDecember) {
  EXPECT_EQ(to_date(std::nextafter(2020.0, 0.0)), (Date{2019, 12, 31}));
  EXPECT_EQ(to_time({2019, 12, 31}), 2019.0 + 364.0 / 365.0);
}

TEST(Time, InvalidDatesAreRejected) {
  EXPECT_THROW(to_time({2019, 2, 29}), UsageError);
  EXPECT_THROW(to_time({2019, 13, 1}), UsageError);
  EXPECT_THROW(to_time({2019, 4, 31}), UsageError);
  EXPECT_NO_THROW(to_time({2020, 2, 29}));
}

}  // namespace
}  // namespace leapsim
