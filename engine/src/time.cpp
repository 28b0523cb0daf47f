#include "leapsim/engine/time.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "leapsim/engine/errors.hpp"

namespace leapsim {
namespace {

constexpr std::array<int, 12> kMonthDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int days_in_month(int year, int month) noexcept {
  return month == 2 && is_leap_year(year) ? 29 : kMonthDays[static_cast<std::size_t>(month - 1)];
}

}  // namespace

bool is_leap_year(int year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_year(int year) noexcept { return is_leap_year(year) ? 366 : 365; }

Time to_time(const Date& date) {
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > days_in_month(date.year, date.month))
    throw UsageError("invalid date " + std::to_string(date.year) + "-" + std::to_string(date.month) + "-" +
                     std::to_string(date.day));
  int day_of_year = date.day - 1;
  for (int m = 1; m < date.month; ++m) day_of_year += days_in_month(date.year, m);
  return date.year + static_cast<double>(day_of_year) / days_in_year(date.year);
}

Date to_date(Time time) {
  const int year = year_of(time);
  // Round to the nearest millionth of a day first, so to_date(to_time(d)) == d despite rounding.
  const double fraction = (time - year) * days_in_year(year);
  int day_of_year = std::min(static_cast<int>(std::floor(fraction + 1e-6)), days_in_year(year) - 1);
  int month = 1;
  while (day_of_year >= days_in_month(year, month)) day_of_year -= days_in_month(year, month++);
  return {year, month, day_of_year + 1};
}

}  // namespace leapsim
