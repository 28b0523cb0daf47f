#pragma once
// Typed parameters of the innovation-firm model. Every default is a published figure (source in
// the comment) or marked "assumption": a starting value for calibration. docs/model.md lists them
// with units; the scenario layer fills these structs from YAML and validates ranges before a run.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "leapsim/engine/time.hpp"

namespace leapsim::innovation {

/// A policy value that may change at dates: the value in force at t is that of the last step whose
/// `from` is <= t (the first step applies before its date too).
struct Schedule {
  /// One dated value.
  struct Step {
    Time from = -std::numeric_limits<Time>::infinity();
    double value = 0.0;
    friend bool operator==(const Step&, const Step&) = default;
  };
  std::vector<Step> steps{Step{}};

  /// A schedule holding one value for the whole run.
  static Schedule constant(double value) { return Schedule{{Step{-std::numeric_limits<Time>::infinity(), value}}}; }
  /// The value in force at time t.
  double at(Time t) const noexcept {
    double v = steps.front().value;
    for (const Step& s : steps) {
      if (s.from > t) break;
      v = s.value;
    }
    return v;
  }
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

/// The district or province simulated.
struct Region {
  std::string name = "Congtai district, Handan, Hebei";
  double residents = 1.0e6;  // assumption (model.md: until a yearbook figure is found)
  friend bool operator==(const Region&, const Region&) = default;
};

/// Joint distribution of a firm's attributes at birth. (log revenue, log employees, log R&D
/// intensity, logit S&T-staff share) are multivariate normal with the given correlation; the rest
/// are independent.
struct AttributeDistribution {
  double revenue_median = 8.0e6;       // yuan; assumption
  double revenue_log_sd = 1.2;         // assumption
  double employees_median = 25.0;      // persons; assumption
  double employees_log_sd = 0.9;       // assumption
  double rd_intensity_median = 0.025;  // R&D / revenue; assumption
  double rd_intensity_log_sd = 0.8;    // assumption
  double staff_share_median = 0.15;    // S&T staff / all staff; assumption
  double staff_share_logit_sd = 0.8;   // assumption
  /// Correlation of (log revenue, log employees, log R&D intensity, logit staff share), row-major.
  std::array<double, 16> correlation{1.0,  0.7,  -0.2, -0.1,  //
                                     0.7,  1.0,  -0.1, -0.1,  //
                                     -0.2, -0.1, 1.0,  0.4,   //
                                     -0.1, -0.1, 0.4,  1.0};  // assumption
  double hitech_share_median = 0.45;                          // share of revenue from high-tech products; assumption
  double hitech_share_logit_sd = 1.2;                         // assumption
  double asset_ratio_median = 1.0;                            // total assets / revenue; assumption
  double asset_ratio_log_sd = 0.5;                            // assumption
  double manufacturing_share = 0.6;                           // probability a firm is a manufacturer; assumption
  double invention_patents_mean = 0.0;  // Poisson mean of invention patents held at birth; assumption
  double other_ip_mean = 0.5;           // Poisson mean of utility models / software copyrights; assumption
  friend bool operator==(const AttributeDistribution&, const AttributeDistribution&) = default;
};

/// Status of a group of firms in the initial population.
enum class InitialStatus : std::uint8_t {
  hte,       ///< holds a valid HTE certificate (and, automatically, a tech-SME registration)
  tech_sme,  ///< registered tech SME in the year before the start
  latent,    ///< not registered: could qualify but has not, or may become a technology firm
};

/// A group of firms present at the start, drawn until each meets the rules of its status.
struct InitialGroup {
  InitialStatus status = InitialStatus::latent;
  std::uint32_t count = 0;
  AttributeDistribution attributes;
  double age_mean = 6.0;  // years; ages drawn exponential with this mean; assumption
  friend bool operator==(const InitialGroup&, const InitialGroup&) = default;
};

/// Level of a carrier or platform.
enum class Level : std::uint8_t { national, provincial, municipal };
/// Kind of carrier.
enum class CarrierKind : std::uint8_t { incubator, maker_space };

/// An incubator or maker space: a capacity of firm slots from its opening date.
struct Carrier {
  std::string name;
  CarrierKind kind = CarrierKind::incubator;
  Level level = Level::municipal;
  std::uint32_t capacity = 30;                          // firm slots; assumption (YAML: by kind and level)
  Time opens = -std::numeric_limits<Time>::infinity();  // open before the start unless dated
  double initial_occupancy = 0.7;                       // share of slots filled at the start; assumption
  friend bool operator==(const Carrier&, const Carrier&) = default;
};

/// Default slot capacity of a carrier by kind and level (assumption: typical sizes in Hebei).
std::uint32_t default_capacity(CarrierKind kind, Level level) noexcept;

/// R&D platforms built at a date: attached to the firms with the largest R&D spend that have none.
struct PlatformBuild {
  Time date = 0.0;
  std::uint32_t count = 1;
  Level level = Level::provincial;
  friend bool operator==(const PlatformBuild&, const PlatformBuild&) = default;
};

/// New firms: a Poisson stream whose rate has a base, an incubated and an in-migration part.
struct EntryParameters {
  double base_rate = 60.0;          // firms/year; assumption (calibrate)
  double rate_per_free_slot = 0.5;  // incubated entries per free carrier slot per year; assumption
  double in_migration_rate = 5.0;   // firms/year attracted from outside; assumption
  double residence_years = 3.0;     // years a firm stays in its carrier; assumption
  /// Yearly growth of the base rate, following the region's enterprise stock: the base rate in
  /// year y is base_rate times the product of (1 + growth) over the years from start_year to y - 1,
  /// each year's growth the value in force on its 1 January; assumption (0: a constant rate).
  Schedule base_rate_growth = Schedule::constant(0.0);
  AttributeDistribution attributes;  // entrants' attributes
  friend bool operator==(const EntryParameters&, const EntryParameters&) = default;
};

/// Firms that upgrade (docs/model.md §4.2): a yearly chance that a firm short of the HTE
/// thresholds invests to meet them, raised by a carrier stay and by the reward in reach.
struct UpgradeParameters {
  double probability = 0.0;  // per year, for a firm short of a threshold; assumption (0: attributes fixed at birth)
  double in_carrier_probability = 0.0;  // added while the firm sits in an incubator or maker space; assumption
  double probability_per_100k = 0.0;    // the chance of not upgrading shrinks by exp(-k reward/100k); assumption
  double margin = 0.1;                  // an upgrade lands this far above each threshold it fell short of; assumption
  friend bool operator==(const UpgradeParameters&, const UpgradeParameters&) = default;
};

/// Revenue growth: geometric Brownian motion with drift by status.
struct GrowthParameters {
  double drift = 0.05;                   // per year; assumption
  double hte_drift_bonus = 0.04;         // added for HTEs; assumption
  double subsidised_drift_bonus = 0.02;  // added over the review year in which a reward or subsidy was paid; assumption
  double volatility = 0.25;              // per sqrt(year); assumption
  double employment_elasticity = 0.6;    // d log employees / d log revenue; assumption
  friend bool operator==(const GrowthParameters&, const GrowthParameters&) = default;
};

/// R&D intensity relaxes toward a target raised by the super-deduction and the R&D subsidy.
struct RdParameters {
  double adjustment_rate = 0.7;  // per year: speed of relaxation toward the target; assumption
  double cost_elasticity = 1.0;  // elasticity of R&D to its user cost; assumption
  double tax_rate = 0.25;        // corporate income tax (Enterprise Income Tax Law, art. 4)
  double hte_tax_rate = 0.15;    // HTE preferential rate (Enterprise Income Tax Law, art. 28)
  double reference_deduction =
      0.75;  // super-deduction when birth intensities were observed (the 2018 rate, MOF/STA 2018 No. 99)
  /// Super-deduction rate for manufacturers: 50% to 2017 (Enterprise Income Tax Law Implementing
  /// Regulations, art. 95), 75% from 2018 (Caishui [2018] No. 99), 100% from 2021 (MOF/STA 2021 No. 13).
  Schedule deduction_manufacturing{{{-std::numeric_limits<Time>::infinity(), 0.5}, {2018.0, 0.75}, {2021.0, 1.0}}};
  /// Super-deduction rate for other firms: 50% to 2017, 75% from 2018, 100% for all from 2023
  /// (MOF/STA 2023 No. 7).
  Schedule deduction_other{{{-std::numeric_limits<Time>::infinity(), 0.5}, {2018.0, 0.75}, {2023.0, 1.0}}};
  double platform_multiplier = 1.3;  // target multiplier with an R&D platform; assumption
  friend bool operator==(const RdParameters&, const RdParameters&) = default;
};

/// Patent applications and their decisions.
struct PatentParameters {
  double rate_per_million_rd = 0.6;          // applications/year per (million yuan R&D)^elasticity; assumption
  double rd_elasticity = 0.7;                // assumption
  double base_rate = 0.05;                   // applications/year without R&D; assumption
  double invention_share = 0.3;              // share of applications that are inventions; assumption
  double invention_delay_mean = 2.5;         // years to a decision; assumption (model.md: about 2-3)
  double invention_grant_probability = 0.5;  // assumption (model.md: ~0.5)
  double other_delay_mean = 0.75;            // utility models, software copyrights; assumption
  double other_grant_probability = 0.9;      // assumption
  double platform_multiplier = 1.5;          // rate multiplier with an R&D platform; assumption
  double subsidy_effect_per_10k = 0.1;       // rate rises by this share per 10,000 yuan subsidy; assumption
  friend bool operator==(const PatentParameters&, const PatentParameters&) = default;
};

/// The yearly tech-SME evaluation (Guokefazheng [2017] No. 115).
struct TechSmeParameters {
  double max_employees = 500.0;  // published rule
  double max_revenue = 2.0e8;    // yuan; published rule
  double max_assets = 2.0e8;     // yuan; published rule
  double pass_score = 60.0;      // published rule
  Schedule register_probability =
      Schedule::constant(0.35);    // eligible unregistered firm registers this year; assumption
  double renew_probability = 0.9;  // registered firm renews; assumption
  /// The R&D super-deduction rate a registered tech SME may claim: 75% from 2017 (Caishui [2017]
  /// No. 34), 100% from 2022 (MOF/STA/MOST 2022 No. 16). Registering is worth the excess over the
  /// rate the firm gets anyway (`rd.deduction_*`).
  Schedule deduction{{{-std::numeric_limits<Time>::infinity(), 0.5}, {2017.0, 0.75}, {2022.0, 1.0}}};
  /// The chance of not registering shrinks by exp(-k benefit / 10,000 yuan), the benefit being the
  /// tax the excess deduction saves on last year's R&D; assumption (0: registering is not weighed).
  double register_probability_per_10k = 0.0;
  friend bool operator==(const TechSmeParameters&, const TechSmeParameters&) = default;
};

/// The yearly HTE certification round (Guokefahuo [2016] No. 32).
struct HteParameters {
  Date round_date{2019, 11, 30};       // certificates dated here each year (year ignored); assumption
  double min_age_years = 1.0;          // published rule: registered at least one year
  double min_staff_share = 0.10;       // published rule
  double min_hitech_share = 0.60;      // published rule
  double min_score = 71.0;             // published rule
  double tier_small_revenue = 5.0e7;   // yuan; published rule
  double tier_medium_revenue = 2.0e8;  // yuan; published rule
  double rd_ratio_small = 0.05;        // published rule
  double rd_ratio_medium = 0.04;       // published rule
  double rd_ratio_large = 0.03;        // published rule
  double validity_years = 3.0;         // published rule
  Schedule apply_probability = Schedule::constant(0.35);  // eligible firm applies without a reward; assumption
  double apply_probability_per_100k = 0.15;  // chance of not applying shrinks by exp(-k reward/100k); assumption
  double renew_probability = 0.8;            // eligible holder applies to renew; assumption
  double pass_probability = 0.7;             // model.md: assumption ~0.7 (provincial review is the filter)
  double coached_pass_probability = 0.9;     // with one-enterprise-one-policy coaching; assumption
  friend bool operator==(const HteParameters&, const HteParameters&) = default;
};

/// Exit hazard: piecewise constant by age, multiplied down for some firms.
struct ExitParameters {
  std::array<double, 3> age_breaks{1.0, 3.0, 7.0};  // years; SAIC 2013 (exits peak at ages 3-7)
  // Per year by age band; assumption: highest at ages 3-7 (SAIC 2013) and integrating to ln 2 at
  // age 10.7, the median SME lifespan (China Economic Review 2025): 0.04 + 0.12 + 0.32 + 3.7 * 0.058.
  std::array<double, 4> hazards{0.04, 0.06, 0.08, 0.058};
  double hte_multiplier = 0.5;        // assumption
  double incubated_multiplier = 0.6;  // assumption
  double large_multiplier = 0.7;      // assumption
  double large_employees = 100.0;     // "large" threshold; assumption
  friend bool operator==(const ExitParameters&, const ExitParameters&) = default;
};

/// Technology-contract turnover: proportional to HTE and platform R&D activity.
struct TurnoverParameters {
  double per_yuan_hte_rd = 4.0;  // turnover per yuan of HTE R&D; assumption (calibrate)
  double per_platform = 3.0e7;   // yuan per platform per year; assumption (calibrate)
  friend bool operator==(const TurnoverParameters&, const TurnoverParameters&) = default;
};

/// The policy levers a bureau turns; each may change at dates.
struct PolicyLevers {
  Schedule hte_reward_new = Schedule::constant(1.0e5);            // yuan; Hebei province reward, 100,000
  Schedule hte_reward_renewal = Schedule::constant(0.0);          // yuan
  Schedule rd_subsidy_rate = Schedule::constant(0.0);             // share of R&D spend
  Schedule rd_subsidy_cap = Schedule::constant(5.0e5);            // yuan per firm per year; assumption
  Schedule patent_subsidy_application = Schedule::constant(0.0);  // yuan per invention application
  Schedule patent_subsidy_grant = Schedule::constant(0.0);        // yuan per invention granted
  Schedule coaching_capacity = Schedule::constant(0.0);           // firms coached per year
  Schedule outreach = Schedule::constant(0.0);                    // added to the tech-SME register probability
  Schedule talent_firms_per_year = Schedule::constant(0.0);       // extra in-migrating firms per year
  Schedule talent_cost_per_firm = Schedule::constant(5.0e5);      // yuan per attracted firm; assumption
  Schedule budget = Schedule::constant(1.0e7);                    // special fund, yuan per year; assumption
  friend bool operator==(const PolicyLevers&, const PolicyLevers&) = default;
};

/// Who pays a programme cost: the district or county (its special fund and budget) or the province.
enum class Payer : std::uint8_t { county, province };

/// What the levers cost and who pays (docs/model.md §4.11). Transfers (rewards, subsidies, the
/// talent programme) are paid from the special fund, which belongs to `fund_payer`; the province's
/// share of the HTE rewards is paid beside it and never refused. Programme costs are booked to
/// their payer and do not draw on the fund. Tax expenditures are booked to the tax authorities.
struct CostParameters {
  Payer fund_payer = Payer::county;                              // whose special fund policy.budget is
  Schedule province_hte_reward_new = Schedule::constant(1.0e5);  // yuan of policy.hte_reward_new; Hebei province reward
  Schedule province_hte_reward_renewal = Schedule::constant(0.0);  // yuan of policy.hte_reward_renewal; assumption
  Schedule coaching_per_firm = Schedule::constant(2.0e4);          // yuan per firm coached; assumption
  Payer coaching_payer = Payer::county;
  Schedule outreach_per_firm_point = Schedule::constant(100.0);  // yuan per firm reached per point; assumption
  Payer outreach_payer = Payer::county;
  double carrier_build_per_slot = 5.0e4;      // yuan per slot of a carrier opening during the run; assumption
  double carrier_operation_per_slot = 5.0e3;  // yuan per open slot per year; assumption
  Payer carrier_payer = Payer::county;
  double platform_build = 1.0e6;  // yuan per R&D platform built during the run; assumption
  Payer platform_payer = Payer::county;
  double profit_margin = 0.0586;  // taxable profit / revenue; NBS: industrial enterprises' margin in 2019
  friend bool operator==(const CostParameters&, const CostParameters&) = default;
};

/// Everything one replication needs besides its seed.
struct Parameters {
  Region region;
  int start_year = 2019;  // simulation starts 1 January of this year
  int end_year = 2025;    // last year reported (runs to 31 December)
  std::vector<InitialGroup> initial;
  std::vector<Carrier> carriers;
  std::uint32_t initial_platforms = 8;     // provincial-or-higher platforms at the start (Handan Daily)
  std::uint32_t initial_workstations = 5;  // academician workstations at the start (Handan Daily)
  std::vector<PlatformBuild> platform_builds;
  EntryParameters entry;
  GrowthParameters growth;
  RdParameters rd;
  PatentParameters patents;
  TechSmeParameters tech_sme;
  HteParameters hte;
  UpgradeParameters upgrade;
  ExitParameters exit;
  TurnoverParameters turnover;
  PolicyLevers policy;
  CostParameters costs;
  friend bool operator==(const Parameters&, const Parameters&) = default;
};

/// Throws leapsim::UsageError listing every parameter out of range, one per line, each by its path.
void validate(const Parameters& p);

}  // namespace leapsim::innovation
