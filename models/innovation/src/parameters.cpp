#include "leapsim/innovation/parameters.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/parameter_schema.hpp"

namespace leapsim::innovation {
namespace schema {
namespace {

constexpr Time kNegativeInfinity = -std::numeric_limits<Time>::infinity();

/// Collects issues with the horizon at hand, since date checks need it.
class IssueList {
 public:
  explicit IssueList(const Parameters& p) : start_(p.start_year), end_(p.end_year) {}

  void add(const std::string& path, const std::string& message) { issues_.push_back({path, path + " " + message}); }

  void check_number(const std::string& path, double x, const Field& field) {
    const Range range = field.range;
    if (range == Range::date || range == Range::date_or_before) return check_date(path, x, range);
    if (!std::isfinite(x)) return add(path, "must be a finite number, got " + format_number(x));
    if (const std::optional<std::string> bound = violated_bound(x, range))
      return add(path, "must be " + *bound + ", got " + format_number(x));
    check_bounds(path, x, field, format_number(x));
  }

  /// The bounds beside the range: a run holds only so many firms, events and yuan.
  void check_bounds(const std::string& path, double x, const Field& field, const std::string& written) {
    if (x > field.max) add(path, "must be at most " + format_number(field.max) + ", got " + written);
    if (x < field.min) add(path, "must be at least " + format_number(field.min) + ", got " + written);
  }

  void check_date(const std::string& path, Time t, Range range) {
    if (range == Range::date_or_before && t == kNegativeInfinity) return;
    if (!std::isfinite(t)) return add(path, "must be a date, got " + format_number(t));
    if (t < year_start(start_) || t >= year_start(end_) + 1.0)  // not year_of(): t may not fit an int
      add(path, format_time(t) + " is outside the horizon " + std::to_string(start_) + "-" + std::to_string(end_));
  }

  /// Policy schedules are the bureau's decisions, so each step must fall in the horizon; other
  /// schedules follow outside law (the 2021 and 2023 super-deduction changes) and may be dated
  /// beyond a short horizon.
  void check_schedule(const std::string& path, const Schedule& s, const Field& range) {
    const bool within_horizon = path.starts_with("policy.");
    if (s.steps.empty()) return add(path, "must have at least one step");
    if (s.steps.size() == 1 && s.steps.front().from == kNegativeInfinity)
      return check_number(path, s.steps.front().value, range);  // a constant, written as one number
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
      const std::string step = element_path(path, i);
      const Time from = s.steps[i].from;
      check_number(step + ".value", s.steps[i].value, range);
      if (std::isnan(from) || from == std::numeric_limits<Time>::infinity() || (i > 0 && !std::isfinite(from)))
        add(step + ".from", "must be a date, got " + format_number(from));
      else if (i > 0 && !(from > s.steps[i - 1].from))
        add(step + ".from",
            "must be later than the step before (" + format_time(s.steps[i - 1].from) + "), got " + format_time(from));
      else if (within_horizon && std::isfinite(from))
        check_date(step + ".from", from, Range::date);
    }
  }

  template <std::size_t N>
  void check_array(const std::string& path, const std::array<double, N>& a, const Field& range) {
    if constexpr (square_side(N) * square_side(N) == N)
      if (range == Range::correlation) return check_correlation(path, a);
    for (std::size_t i = 0; i < N; ++i) check_number(element_path(path, i), a[i], range);
  }

  void check_month_day(const std::string& path, const Date& d) {
    try {
      (void)to_time(Date{2019, d.month, d.day});  // a non-leap year: the date must exist every year
    } catch (const UsageError&) {
      add(path, "must be a day of every year (MM-DD), got " + std::to_string(d.month) + "-" + std::to_string(d.day));
    }
  }

  void check_increasing(const std::string& path, std::span<const double> xs) {
    for (std::size_t i = 1; i < xs.size(); ++i)
      if (!(xs[i] > xs[i - 1]))
        add(element_path(path, i),
            "must be greater than the one before (" + format_number(xs[i - 1]) + "), got " + format_number(xs[i]));
  }

  std::vector<Issue> take() { return std::move(issues_); }

 private:
  /// The words of a range the value breaks ("in [0, 1]"), or nothing when it keeps it.
  static std::optional<std::string> violated_bound(double x, Range range) {
    bool kept = true;
    switch (range) {
      case Range::non_negative:
        kept = x >= 0;
        break;
      case Range::positive:
        kept = x > 0;
        break;
      case Range::whole_positive:
        kept = x >= 1 && x == std::floor(x);
        break;
      case Range::probability:
        kept = x >= 0 && x <= 1;
        break;
      case Range::open_unit:
        kept = x > 0 && x < 1;
        break;
      default:
        break;
    }
    if (kept) return std::nullopt;
    const bool interval = range == Range::probability || range == Range::open_unit;
    return std::string(interval ? "in " : "") + std::string(range_words(range));
  }

  template <std::size_t N>
  void check_correlation(const std::string& path, const std::array<double, N>& a) {
    constexpr auto n = static_cast<Eigen::Index>(square_side(N));
    const Eigen::Map<const Eigen::Matrix<double, n, n, Eigen::RowMajor>> m(a.data());
    const std::size_t before = issues_.size();
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < n; ++j) {
        const std::string cell =
            element_path(element_path(path, static_cast<std::size_t>(i)), static_cast<std::size_t>(j));
        if (!std::isfinite(m(i, j)))
          add(cell, "must be a finite number, got " + format_number(m(i, j)));
        else if (i == j && m(i, j) != 1.0)
          add(cell, "is on the diagonal and must be 1, got " + format_number(m(i, j)));
        else if (j > i && m(i, j) != m(j, i))  // one report per mirrored pair
          add(cell, "must equal its mirror [" + std::to_string(j) + "][" + std::to_string(i) + "] (" +
                        format_number(m(j, i)) + ") for the matrix to be symmetric, got " + format_number(m(i, j)));
        else if (m(i, j) < -1.0 || m(i, j) > 1.0)
          add(cell, "must be in [-1, 1], got " + format_number(m(i, j)));
      }
    }
    if (issues_.size() == before && Eigen::LLT<Eigen::MatrixXd>(m).info() != Eigen::Success)
      add(path, "must be positive definite (no variable may be an exact combination of the others)");
  }

  int start_;
  int end_;
  std::vector<Issue> issues_;
};

/// Range checks of every leaf field, from the schema.
void check_fields(const Parameters& p, IssueList& issues) {
  walk(p, "", [&](const std::string& path, const auto& member, const Field& range) {
    using M = std::remove_cvref_t<decltype(member)>;
    if constexpr (std::is_same_v<M, double>) {
      issues.check_number(path, member, range);
    } else if constexpr (std::is_integral_v<M>) {
      issues.check_bounds(path, static_cast<double>(member), range, std::to_string(member));
    } else if constexpr (std::is_same_v<M, Schedule>) {
      issues.check_schedule(path, member, range);
    } else if constexpr (std::is_same_v<M, Date>) {
      issues.check_month_day(path, member);
    } else if constexpr (FixedArray<M>) {
      issues.check_array(path, member, range);
    }
  });
}

/// Checks across fields that a typed struct cannot express.
void check_consistency(const Parameters& p, IssueList& issues) {
  if (p.end_year < p.start_year)
    issues.add("end_year",
               "must be >= start_year (" + std::to_string(p.start_year) + "), got " + std::to_string(p.end_year));
  else if (static_cast<long long>(p.end_year) - p.start_year >= 100)
    issues.add("end_year", "must be less than 100 years after start_year (" + std::to_string(p.start_year) + "), got " +
                               std::to_string(p.end_year));
  issues.check_increasing("exit.age_breaks", p.exit.age_breaks);
  if (!(p.hte.tier_medium_revenue > p.hte.tier_small_revenue))
    issues.add("hte.tier_medium_revenue", "must be greater than hte.tier_small_revenue (" +
                                              format_number(p.hte.tier_small_revenue) + "), got " +
                                              format_number(p.hte.tier_medium_revenue));
}

}  // namespace

std::vector<Issue> find_issues(const Parameters& p) {
  IssueList issues(p);
  check_consistency(p, issues);
  check_fields(p, issues);
  return issues.take();
}

std::string format_number(double x) {
  if (std::isnan(x)) return ".nan";
  if (std::isinf(x)) return x > 0 ? ".inf" : "-.inf";
  // Fixed notation reads better ("0.7", "8000000"); scientific only where it is much shorter.
  std::array<char, 400> fixed{};
  std::array<char, 40> scientific{};
  const auto f = std::to_chars(fixed.data(), fixed.data() + fixed.size(), x, std::chars_format::fixed);
  const auto s =
      std::to_chars(scientific.data(), scientific.data() + scientific.size(), x, std::chars_format::scientific);
  const auto fixed_length = f.ptr - fixed.data();
  const auto scientific_length = s.ptr - scientific.data();
  if (f.ec == std::errc{} && fixed_length <= scientific_length + 4) return std::string(fixed.data(), f.ptr);
  return std::string(scientific.data(), s.ptr);
}

std::string format_time(Time t) {
  constexpr Time kLastDatedYear = 1.0e6;  // beyond this, years do not fit the Date fields
  if (!(std::abs(t) < kLastDatedYear)) return format_number(t);
  const Date d = to_date(t);
  if (to_time(d) != t) return format_number(t);
  std::array<char, 32> text{};
  const int n = std::snprintf(text.data(), text.size(), "%04d-%02d-%02d", d.year, d.month, d.day);
  return std::string(text.data(), static_cast<std::size_t>(n));
}

}  // namespace schema

void validate(const Parameters& p) {
  const std::vector<schema::Issue> issues = schema::find_issues(p);
  if (issues.empty()) return;
  std::string message;
  for (const schema::Issue& issue : issues) {
    if (!message.empty()) message += '\n';
    message += issue.message;
  }
  throw UsageError(message);
}

std::uint32_t default_capacity(CarrierKind kind, Level level) noexcept {
  // Typical slot counts of Hebei carriers by level (assumption, to be replaced by the carrier list).
  static constexpr std::array<std::uint32_t, 3> kIncubator{60, 40, 25};
  static constexpr std::array<std::uint32_t, 3> kMakerSpace{40, 30, 15};
  const auto index = static_cast<std::size_t>(level);
  return kind == CarrierKind::incubator ? kIncubator.at(index) : kMakerSpace.at(index);
}

}  // namespace leapsim::innovation
