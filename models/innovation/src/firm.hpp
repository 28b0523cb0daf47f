#pragma once
// One firm of the innovation model (docs/model.md §2): its record, its flags and the laws that
// read and change it, as inline free functions over the record and a parameter section so each is
// testable on its own (tests/models/firm_test.cpp) and the hot path inlines them.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "leapsim/engine/event.hpp"
#include "leapsim/engine/time.hpp"
#include "leapsim/innovation/parameters.hpp"
#include "leapsim/innovation/rules.hpp"

namespace leapsim::innovation::model {

/// The carrier index of a firm in none.
inline constexpr std::uint16_t kNoCarrier = 0xFFFF;

/// Firm flag bits, read and written through has() and set().
enum class Flag : std::uint8_t {
  manufacturer = 1u << 0,
  platform = 1u << 1,
  hte = 1u << 2,            ///< holds a valid certificate
  subsidised = 1u << 3,     ///< was paid a reward or subsidy since its last review
  rd_subsidised = 1u << 4,  ///< its R&D subsidy claim was paid at its last review
  applied = 1u << 5,        ///< has an application waiting for the next HTE round
};

/// Exit-multiplier bits in force when a firm's exit event was drawn.
enum class ExitBit : std::uint8_t { hte = 1u << 0, incubated = 1u << 1, large = 1u << 2 };

/// True when a flag word has the flag.
constexpr bool has(std::uint8_t flags, Flag flag) noexcept { return (flags & static_cast<std::uint8_t>(flag)) != 0; }
/// The flag word with the flag set or cleared.
constexpr std::uint8_t with(std::uint8_t flags, Flag flag, bool on = true) noexcept {
  const auto bit = static_cast<std::uint8_t>(flag);
  return static_cast<std::uint8_t>(on ? flags | bit : flags & ~bit);
}
/// True when exit bits hold the bit.
constexpr bool has(std::uint8_t bits, ExitBit bit) noexcept { return (bits & static_cast<std::uint8_t>(bit)) != 0; }

class CaughtUpFirm;

/// The state of one firm. Every event of a firm reads most of it, so it is one record (two cache
/// lines, one page) rather than a column per field: at a million firms in random order each
/// separate column would cost its own cache and TLB miss. Floats keep it small; money and rates
/// are computed in double. The patent-owned fields are private: the patent processes may be
/// deferred (fired only when the firm is caught up), so they are reached only through a
/// CaughtUpFirm, which only catch_up_firm() and firing_patent_event() make.
class FirmState {
 public:
  float born{};             // founding time
  float last_review{};      // time revenue and R&D intensity were last brought up to date
  float log_revenue{};      // log yuan per year
  float employee_offset{};  // log employees minus elasticity * log revenue
  float log_asset_ratio{};  // log(total assets / revenue)
  float staff_share{};      // S&T staff share
  float rd_base{};          // R&D intensity under the reference user cost
  float rd_intensity{};     // current R&D / revenue
  float hitech_share{};     // high-tech product revenue share

 private:
  friend class CaughtUpFirm;
  float patent_rate_{};       // applications per year the pending application event was drawn at
  float base_patent_rate_{};  // applications per year without the subsidy effect

 public:
  std::array<float, 3> revenue_history{};  // yuan, latest accounting year first
  std::array<float, 3> rd_history{};       // yuan, latest accounting year first

 private:
  std::uint16_t inventions_{};  // invention patents held
  std::uint16_t other_ip_{};    // utility models and software copyrights held

 public:
  std::uint16_t carrier = kNoCarrier;  // carrier index or kNoCarrier
  std::int16_t tech_sme_year{};        // last year registered as tech SME
  std::int16_t expiry_year{};          // year of the round at which the certificate expires

 private:
  std::uint8_t pending_inventions_{};
  std::uint8_t pending_other_{};

 public:
  std::uint8_t history_length{};  // accounting years booked, up to 3
  std::uint8_t flags{};           // Flag bits
  std::uint8_t exit_bits{};       // ExitBit bits the pending exit was drawn under

  /// True when the firm has the flag.
  bool has(Flag flag) const noexcept { return model::has(flags, flag); }
  /// Sets or clears a flag.
  void set(Flag flag, bool on = true) noexcept { flags = with(flags, flag, on); }
};
static_assert(sizeof(FirmState) <= 84, "a firm record should stay within 84 bytes");

/// A firm whose deferred patent events up to now have fired: the only handle to its patent-owned
/// fields, so reading them without catching the firm up does not compile.
class CaughtUpFirm {
 public:
  FirmState& record;

  float& patent_rate() const noexcept { return record.patent_rate_; }
  float& base_patent_rate() const noexcept { return record.base_patent_rate_; }
  std::uint16_t& inventions() const noexcept { return record.inventions_; }
  std::uint16_t& other_ip() const noexcept { return record.other_ip_; }
  std::uint8_t& pending_inventions() const noexcept { return record.pending_inventions_; }
  std::uint8_t& pending_other() const noexcept { return record.pending_other_; }

 private:
  explicit CaughtUpFirm(FirmState& firm) noexcept : record(firm) {}
  template <class Simulation, class Firms>
  friend CaughtUpFirm catch_up_firm(Simulation& sim, Firms& firms, EntityId f);
  friend CaughtUpFirm firing_patent_event(FirmState& firm) noexcept;
};

/// Fires the firm's deferred patent events due before now and hands out the firm.
template <class Simulation, class Firms>
CaughtUpFirm catch_up_firm(Simulation& sim, Firms& firms, EntityId f) {
  sim.catch_up(f);
  return CaughtUpFirm(firms[f]);
}

/// The firm inside its own patent handler: the kernel fires a firm's events in order, so it is
/// caught up by construction (and catching up from inside a deferred handler would recurse).
inline CaughtUpFirm firing_patent_event(FirmState& firm) noexcept { return CaughtUpFirm(firm); }

/// Revenue in yuan per year.
inline double revenue(const FirmState& firm) noexcept { return std::exp(static_cast<double>(firm.log_revenue)); }

/// Employees, from revenue by the employment elasticity.
inline double employees(const FirmState& firm, const GrowthParameters& g) noexcept {
  return std::exp(firm.employee_offset + g.employment_elasticity * firm.log_revenue);
}

/// Age in whole days: founding times are floats, so an anniversary review would otherwise see an
/// age a few seconds short of a whole year and miss an age rule.
inline double age(const FirmState& firm, Time t) noexcept { return std::round((t - firm.born) * 365.0) / 365.0; }

/// What the certification rules read of a firm at time t.
inline FirmAccounts accounts(const CaughtUpFirm& caught_up, const GrowthParameters& g, Time t) noexcept {
  const FirmState& firm = caught_up.record;
  FirmAccounts a;
  a.age_years = age(firm, t);
  a.employees = employees(firm, g);
  a.revenue = firm.revenue_history[0];
  a.assets = std::exp(firm.log_asset_ratio + firm.log_revenue);
  a.staff_share = firm.staff_share;
  a.rd_spend = firm.rd_history[0];
  const int n = std::max<int>(1, firm.history_length);
  double rd = 0.0, rev = 0.0;
  for (int k = 0; k < n; ++k)
    rd += firm.rd_history[static_cast<std::size_t>(k)], rev += firm.revenue_history[static_cast<std::size_t>(k)];
  a.rd_ratio_3y = rev > 0.0 ? rd / rev : 0.0;
  const auto& revs = firm.revenue_history;
  a.revenue_growth = n == 3 ? std::sqrt(revs[0] / revs[2]) - 1.0 : n == 2 ? revs[0] / revs[1] - 1.0 : 0.0;
  a.hitech_share = firm.hitech_share;
  a.invention_patents = caught_up.inventions();
  a.other_ip = caught_up.other_ip();
  a.valid_hte = firm.has(Flag::hte);
  a.platform = firm.has(Flag::platform);
  return a;
}

/// The lever values the R&D target reads, in force at the time it is computed.
struct RdLevers {
  double deduction_manufacturing;
  double deduction_other;
  double rd_subsidy_rate;
};

/// Target R&D intensity (§4.2): the firm's own level scaled by the user cost of R&D relative to
/// the regime its level was observed under (super-deduction times tax rate, minus the subsidy).
inline double rd_target(const FirmState& firm, const RdParameters& r, const RdLevers& levers) noexcept {
  const double deduction = firm.has(Flag::manufacturer) ? levers.deduction_manufacturing : levers.deduction_other;
  const double tax = firm.has(Flag::hte) ? r.hte_tax_rate : r.tax_rate;
  const double subsidy = firm.has(Flag::rd_subsidised) ? levers.rd_subsidy_rate : 0.0;
  const double reference_cost = 1.0 - r.reference_deduction * r.tax_rate;
  const double cost = std::max(0.05, 1.0 - deduction * tax - subsidy);
  const double platform = firm.has(Flag::platform) ? r.platform_multiplier : 1.0;
  const double relative = reference_cost / cost;
  const double response = r.cost_elasticity == 1.0 ? relative : std::pow(relative, r.cost_elasticity);
  return std::min(0.5, firm.rd_base * response * platform);
}

/// The chance a year that a firm short of an HTE threshold upgrades (docs/model.md §4.2): a base
/// chance, more in a carrier, and the chance of not upgrading shrinking with the reward in reach.
inline double upgrade_probability(const UpgradeParameters& u, bool in_carrier, double reward) noexcept {
  const double p0 = std::min(1.0, u.probability + (in_carrier ? u.in_carrier_probability : 0.0));
  const double pull = u.probability_per_100k * reward;
  if (pull == 0.0) return p0;  // exp(-0) is exactly 1: the same value without the call
  return p0 + (1.0 - p0) * (1.0 - std::exp(-pull / 1.0e5));
}

/// An upgrade: each HTE threshold the firm falls short of (S&T staff share, high-tech revenue
/// share, R&D intensity for its revenue tier, any IP at all) is met with `margin` to spare. The
/// R&D ratio the rules read is a three-year one, so a raised intensity qualifies only as it works
/// through the firm's accounts. Returns whether anything changed.
inline bool upgrade_to_thresholds(FirmState& firm, std::uint16_t& other_ip, int inventions, double revenue,
                                  const HteParameters& h, double margin) noexcept {
  bool changed = false;
  auto raise = [&changed, margin](float& value, double threshold) {
    if (value >= threshold) return;
    value = static_cast<float>(std::min(1.0, threshold * (1.0 + margin)));
    changed = true;
  };
  raise(firm.staff_share, h.min_staff_share);
  raise(firm.hitech_share, h.min_hitech_share);
  raise(firm.rd_base, hte_required_rd_ratio(revenue, h));
  if (inventions == 0 && other_ip == 0) other_ip = 1, changed = true;
  return changed;
}

/// Revenue by its GBM law over the time since the last review, and R&D intensity relaxed toward
/// `target` over the same time (exact for a target constant in between). `z` is the review's
/// standard normal draw; `decay_one_year` is exp(-adjustment rate), computed once per run.
inline void grow(FirmState& firm, const GrowthParameters& g, double adjustment_rate, double decay_one_year,
                 double target, Time t, double z) noexcept {
  // Whole days, like ages: consecutive reviews are then exactly one year apart, and the one-year
  // decay and square root need no exp and sqrt.
  const double dt = std::round((t - firm.last_review) * 365.0) / 365.0;
  const bool one_year = dt == 1.0;
  const double mu = g.drift + (firm.has(Flag::hte) ? g.hte_drift_bonus : 0.0) +
                    (firm.has(Flag::subsidised) ? g.subsidised_drift_bonus : 0.0);
  firm.log_revenue = static_cast<float>(firm.log_revenue + (mu - 0.5 * g.volatility * g.volatility) * dt +
                                        g.volatility * (one_year ? 1.0 : std::sqrt(dt)) * z);
  firm.rd_intensity = static_cast<float>(target + (firm.rd_intensity - target) *
                                                      (one_year ? decay_one_year : std::exp(-adjustment_rate * dt)));
  firm.last_review = static_cast<float>(t);
  firm.set(Flag::subsidised, false);
}

/// Books the accounting year that ends at a review; returns its R&D spend in yuan.
inline double close_accounts(FirmState& firm) noexcept {
  const double rev = revenue(firm);
  const double rd = rev * firm.rd_intensity;
  auto& revs = firm.revenue_history;
  auto& rds = firm.rd_history;
  revs = {static_cast<float>(rev), revs[0], revs[1]};
  rds = {static_cast<float>(rd), rds[0], rds[1]};
  firm.history_length = static_cast<std::uint8_t>(std::min(3, firm.history_length + 1));
  return rd;
}

/// Patent applications per year without the subsidy effect (§4.4), from the latest year's R&D
/// spend.
inline double base_patent_rate(const FirmState& firm, const PatentParameters& pp) noexcept {
  const double rd_millions = firm.rd_history[0] / 1.0e6;
  // exp(e log x) rather than pow: glibc's pow is exact to the last bit and several times slower,
  // and this runs at every review.
  const double scaled = rd_millions > 0.0 ? std::exp(pp.rd_elasticity * std::log(rd_millions)) : 0.0;
  const double rate = pp.base_rate + pp.rate_per_million_rd * scaled;
  return rate * (firm.has(Flag::platform) ? pp.platform_multiplier : 1.0);
}

/// Decisions per year on the firm's pending applications (§4.5): each is decided independently
/// after an exponential delay.
inline double decision_rate(const CaughtUpFirm& firm, const PatentParameters& pp) noexcept {
  return firm.pending_inventions() / pp.invention_delay_mean + firm.pending_other() / pp.other_delay_mean;
}

/// The exit-multiplier bits a firm has now (§4.6), given its employees.
inline std::uint8_t exit_bits(const FirmState& firm, double staff, const ExitParameters& e) noexcept {
  std::uint8_t bits = 0;
  if (firm.has(Flag::hte)) bits |= static_cast<std::uint8_t>(ExitBit::hte);
  if (firm.carrier != kNoCarrier) bits |= static_cast<std::uint8_t>(ExitBit::incubated);
  if (staff > e.large_employees) bits |= static_cast<std::uint8_t>(ExitBit::large);
  return bits;
}

/// The exit hazard's multiplier under the given bits.
inline double exit_multiplier(std::uint8_t bits, const ExitParameters& e) noexcept {
  return (has(bits, ExitBit::hte) ? e.hte_multiplier : 1.0) *
         (has(bits, ExitBit::incubated) ? e.incubated_multiplier : 1.0) *
         (has(bits, ExitBit::large) ? e.large_multiplier : 1.0);
}

}  // namespace leapsim::innovation::model
