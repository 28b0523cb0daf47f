#pragma once
// The certification rules as pure functions of a firm's accounts, so each rule is testable on its
// own and the model only gathers the inputs. Thresholds come from the parameters (published
// defaults); scoring tables are the published ones where the rules publish them.
#include <array>
#include <cmath>

#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// What the rules look at: a firm's accounts at its annual review.
struct FirmAccounts {
  double age_years = 0.0;
  double employees = 0.0;
  double revenue = 0.0;         // yuan, latest year
  double assets = 0.0;          // yuan
  double staff_share = 0.0;     // S&T staff / all staff
  double rd_spend = 0.0;        // yuan, latest year
  double rd_ratio_3y = 0.0;     // R&D / revenue over the last (up to) three years
  double revenue_growth = 0.0;  // mean yearly revenue growth over the history, e.g. 0.1 = 10%
  double hitech_share = 0.0;    // high-tech product revenue / revenue
  int invention_patents = 0;
  int other_ip = 0;        // utility models, software copyrights
  bool valid_hte = false;  // holds a valid HTE certificate
  bool platform = false;   // has a provincial-or-higher R&D platform
};

/// Tech-SME score by part (Guokefazheng [2017] No. 115, annex: S&T staff 20, R&D 50, IP 30).
struct TechSmeScore {
  int staff = 0;
  int rd = 0;
  int ip = 0;
  /// Sum of the parts, out of 100.
  int total() const noexcept { return staff + rd + ip; }
};

/// Scores a firm on the tech-SME scale.
TechSmeScore tech_sme_score(const FirmAccounts& f) noexcept;
/// True when the firm is within the tech-SME size limits (staff, revenue, assets).
bool within_tech_sme_size(const FirmAccounts& f, const TechSmeParameters& p) noexcept;
/// True when the firm may register as a tech SME this year: size limits, then score >= pass
/// score with a non-zero staff score, or automatically with an HTE certificate or a platform.
bool tech_sme_eligible(const FirmAccounts& f, const TechSmeParameters& p) noexcept;

/// Whole years a certificate is valid (the parameter is a number validated as a whole one).
inline int certificate_years(const HteParameters& p) noexcept {
  return static_cast<int>(std::lround(p.validity_years));
}

/// Minimum three-year R&D ratio for the firm's revenue tier (5%, 4%, 3% by default).
double hte_required_rd_ratio(double revenue, const HteParameters& p) noexcept;
/// Innovation-capacity score out of 100: IP 30, transformation 30, R&D organisation 20,
/// growth 20. The published rules leave the first three to expert judgement; their mapping here
/// is an assumption documented in docs/model.md. Growth uses the published growth-rate bands.
double hte_innovation_score(const FirmAccounts& f, const HteParameters& p) noexcept;
/// True when the firm meets every HTE rule: age, core IP, staff share, R&D tier, high-tech share,
/// innovation score.
bool hte_eligible(const FirmAccounts& f, const HteParameters& p) noexcept;

/// Exit hazard as a piecewise-constant function of age, with exact cumulative and inverse.
class AgeHazard {
 public:
  /// Hazard bands from the exit parameters.
  explicit AgeHazard(const ExitParameters& p) noexcept;
  /// Hazard per year at an age.
  double rate(double age) const noexcept;
  /// Integrated hazard from age 0 to an age.
  double cumulative(double age) const noexcept;
  /// The age at which the integrated hazard reaches h (+inf if never).
  double inverse(double h) const noexcept;

 private:
  std::array<double, 4> start_{};  // band start ages
  std::array<double, 4> rate_{};   // hazards
  std::array<double, 4> base_{};   // cumulative hazard at band start
};

}  // namespace leapsim::innovation
