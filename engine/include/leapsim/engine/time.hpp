#pragma once
// Simulation time: a double counting years, so 2019.0 is 00:00 on 1 January 2019.
#include <cmath>

namespace leapsim {

/// A point in simulated time, in years (2019.5 is about 2 July 2019).
using Time = double;

/// A calendar date (proleptic Gregorian).
struct Date {
  int year;
  int month;  ///< 1..12
  int day;    ///< 1..31
  friend bool operator==(const Date&, const Date&) = default;
};

/// True for Gregorian leap years.
bool is_leap_year(int year) noexcept;

/// Number of days in the given year (365 or 366).
int days_in_year(int year) noexcept;

/// Time of 00:00 on the given date; a day is 1/days_in_year of its year, so dates map exactly
/// onto the same fraction in every year and 1 January is always a whole number.
Time to_time(const Date& date);

/// The date on which the given time falls.
Date to_date(Time time);

/// Time of 00:00 on 1 January of the given year.
constexpr Time year_start(int year) noexcept { return static_cast<Time>(year); }

/// The calendar year in which the given time falls.
inline int year_of(Time time) noexcept { return static_cast<int>(std::floor(time)); }

}  // namespace leapsim
