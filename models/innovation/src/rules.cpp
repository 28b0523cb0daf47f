#include "leapsim/innovation/rules.hpp"

#include <algorithm>
#include <limits>

namespace leapsim::innovation {
namespace {

/// Points of the first band whose lower bound the value reaches; bounds and points are in
/// decreasing order. The bounds reached are a tail of the list, so the points of the first one
/// reached are the sum of the steps from there down: no branch for the predictor to miss, as
/// scores are taken at every review.
template <std::size_t N>
int banded(double value, const std::array<double, N>& lower_bounds, const std::array<int, N>& points) noexcept {
  int sum = 0;
  for (std::size_t i = 0; i < N; ++i)
    sum += static_cast<int>(value >= lower_bounds[i]) * (points[i] - (i + 1 < N ? points[i + 1] : 0));
  return sum;
}

}  // namespace

TechSmeScore tech_sme_score(const FirmAccounts& f) noexcept {
  // Annex of Guokefazheng [2017] No. 115: six bands per indicator, A to F.
  TechSmeScore s;
  s.staff = banded<5>(f.staff_share, {0.30, 0.25, 0.20, 0.15, 0.10}, {20, 16, 12, 8, 4});
  // R&D is scored twice, against revenue and against total costs and expenses, and the better
  // score counts. Costs are not modelled; taking them equal to revenue is an assumption.
  const double ratio = f.revenue > 0.0 ? f.rd_spend / f.revenue : 0.0;
  const int by_revenue = banded<5>(ratio, {0.06, 0.05, 0.04, 0.03, 0.02}, {50, 40, 30, 20, 10});
  const int by_costs = banded<5>(ratio, {0.30, 0.25, 0.20, 0.15, 0.10}, {50, 40, 30, 20, 10});
  s.rd = std::max(by_revenue, by_costs);
  if (f.invention_patents >= 1)
    s.ip = 30;
  else
    s.ip = banded<4>(static_cast<double>(f.other_ip), {4.0, 3.0, 2.0, 1.0}, {24, 18, 12, 6});
  return s;
}

bool within_tech_sme_size(const FirmAccounts& f, const TechSmeParameters& p) noexcept {
  return f.employees <= p.max_employees && f.revenue <= p.max_revenue && f.assets <= p.max_assets;
}

bool tech_sme_eligible(const FirmAccounts& f, const TechSmeParameters& p) noexcept {
  if (!within_tech_sme_size(f, p)) return false;
  if (f.valid_hte || f.platform) return true;
  if (f.staff_share < 0.10) return false;  // a zero staff score disqualifies whatever the rest
  const TechSmeScore s = tech_sme_score(f);
  return s.staff > 0 && s.total() >= p.pass_score;
}

double hte_required_rd_ratio(double revenue, const HteParameters& p) noexcept {
  if (revenue <= p.tier_small_revenue) return p.rd_ratio_small;
  if (revenue <= p.tier_medium_revenue) return p.rd_ratio_medium;
  return p.rd_ratio_large;
}

double hte_innovation_score(const FirmAccounts& f, const HteParameters& p) noexcept {
  // Assumption: IP points saturate at two invention patents (or seven other IP items).
  const double ip_points = 10.0 * f.invention_patents + 3.0 * f.other_ip;
  const double ip = 30.0 * std::min(1.0, ip_points / 20.0);
  // Assumption: transformation of results is read off the high-tech revenue share.
  const double transformation = 30.0 * std::min(1.0, f.hitech_share / 0.8);
  // Assumption: R&D organisation is half R&D effort, half S&T staff.
  const double required = hte_required_rd_ratio(f.revenue, p);
  const double organisation =
      20.0 * (0.5 * std::min(1.0, f.rd_ratio_3y / (required + 0.02)) + 0.5 * std::min(1.0, f.staff_share / 0.3));
  // Published growth bands (net assets and revenue, 10 points each); both read off revenue growth.
  const int growth_band =
      f.revenue_growth > 0.0 ? banded<5>(f.revenue_growth, {0.35, 0.25, 0.15, 0.05, 0.0}, {10, 8, 6, 4, 2}) : 0;
  return ip + transformation + organisation + 2.0 * growth_band;
}

bool hte_eligible(const FirmAccounts& f, const HteParameters& p) noexcept {
  return f.age_years >= p.min_age_years && (f.invention_patents + f.other_ip) >= 1 &&
         f.staff_share >= p.min_staff_share && f.rd_ratio_3y >= hte_required_rd_ratio(f.revenue, p) &&
         f.hitech_share >= p.min_hitech_share && hte_innovation_score(f, p) >= p.min_score;
}

AgeHazard::AgeHazard(const ExitParameters& p) noexcept {
  start_ = {0.0, p.age_breaks[0], p.age_breaks[1], p.age_breaks[2]};
  rate_ = p.hazards;
  base_[0] = 0.0;
  for (std::size_t i = 1; i < 4; ++i) base_[i] = base_[i - 1] + rate_[i - 1] * (start_[i] - start_[i - 1]);
}

double AgeHazard::rate(double age) const noexcept {
  std::size_t i = 3;
  while (i > 0 && age < start_[i]) --i;
  return rate_[i];
}

double AgeHazard::cumulative(double age) const noexcept {
  if (age <= 0.0) return 0.0;
  std::size_t i = 3;
  while (i > 0 && age < start_[i]) --i;
  return base_[i] + rate_[i] * (age - start_[i]);
}

double AgeHazard::inverse(double h) const noexcept {
  std::size_t i = 3;
  while (i > 0 && h < base_[i]) --i;
  if (rate_[i] <= 0.0) {
    // A zero-hazard band: the next band with a positive rate, or never.
    for (std::size_t j = i + 1; j < 4; ++j)
      if (rate_[j] > 0.0) return start_[j] + (h - base_[j]) / rate_[j];
    return std::numeric_limits<double>::infinity();
  }
  return start_[i] + (h - base_[i]) / rate_[i];
}

}  // namespace leapsim::innovation
