// The annual review (docs/model.md §4.2): a firm's accounts for the year, its R&D subsidy claim,
// carrier graduation, tech-SME registration and its HTE application.
#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <cmath>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

void InnovationModel::review(EntityId f) {
  const Time t = sim_.now();
  const int year = year_of(t);
  RandomStream s = sim_.stream(review_, f);
  // A fixed set of draws per review keeps a firm's stream aligned across scenarios. They come
  // first: the catch-up below uses other streams, and the processor can work on both at once.
  boost::random::normal_distribution<double> normal;
  const double z = normal(s);
  const auto [register_draw, apply_draw, pass_draw] = s.uniforms21();
  const double upgrade_draw =
      upgrades_on_ ? s.uniform() : 1.0;      // drawn only when firms may upgrade: old bits otherwise
  const CaughtUpFirm caught = caught_up(f);  // patents granted before now count in this review
  FirmState& firm = caught.record;

  const LeversInForce::Values& levers = levers_.at(t);
  const double target =
      rd_target(firm, p_.rd, {levers.deduction_manufacturing, levers.deduction_other, levers.rd_subsidy_rate});
  grow(firm, p_.growth, p_.rd.adjustment_rate, rd_decay_one_year_, target, t, z);
  const double rd = close_accounts(firm);
  region_.year[Metric::rd_spend] += rd;
  if (firm.has(Flag::hte)) region_.hte_rd += rd;
  if (sink_ != nullptr) emit(t, f, FirmEventKind::reviewed, revenue(firm), employees(firm, p_.growth));
  claim_rd_subsidy(firm, f, t, levers);
  if (firm.carrier != kNoCarrier && age(firm, t) >= p_.entry.residence_years) graduate(f, t);
  const FirmAccounts a = accounts(caught, p_.growth, t);
  evaluate_tech_sme(firm, f, a, year, register_draw, t, levers);
  consider_hte(firm, f, a, t, apply_draw, pass_draw, levers);
  if (upgrades_on_ && !firm.has(Flag::hte)) consider_upgrade(caught, a, levers, upgrade_draw);
  book_tax_foregone(firm, rd, a.revenue, year, levers);
  sim_.schedule(review_, f, t + 1.0);
  refresh_patent_rate(caught, f);
  refresh_exit(f, a.employees);
}

void InnovationModel::claim_rd_subsidy(FirmState& firm, EntityId f, Time t, const LeversInForce::Values& levers) {
  const double rate = levers.rd_subsidy_rate;
  firm.set(Flag::rd_subsidised, false);
  if (rate <= 0.0) return;
  const double amount = std::min(rate * firm.rd_history[0], levers.rd_subsidy_cap);
  if (amount > 0.0 && pay(Metric::rd_subsidies_paid, amount)) {
    firm.set(Flag::rd_subsidised);
    firm.set(Flag::subsidised);
    emit(t, f, FirmEventKind::rd_subsidy_paid, amount);
  }
}

void InnovationModel::evaluate_tech_sme(FirmState& firm, EntityId f, const FirmAccounts& a, int year, double draw,
                                        Time t, const LeversInForce::Values& levers) {
  if (!tech_sme_eligible(a, p_.tech_sme)) return;
  const bool renewing = firm.tech_sme_year == year - 1;
  double p = renewing ? p_.tech_sme.renew_probability
                      : std::min(1.0, p_.tech_sme.register_probability.at(t) + levers.outreach);
  if (!renewing && p_.tech_sme.register_probability_per_10k > 0.0) p += (1.0 - p) * registration_pull(firm, a, levers);
  if (firm.tech_sme_year == year) return;
  constexpr double kPoints = 100.0;  // outreach is a probability, its price per percentage point
  if (!renewing && levers.outreach > 0.0)
    region_.year[Metric::outreach_cost] += kPoints * levers.outreach * levers.outreach_per_firm_point;
  if (draw >= p) return;
  firm.tech_sme_year = static_cast<std::int16_t>(year);
  region_.year[Metric::tech_smes] += 1.0;
  if (renewing) region_.year[Metric::tech_sme_renewed] += 1.0;
  if (sink_ != nullptr) emit(t, f, FirmEventKind::tech_sme_registered, tech_sme_score(a).total(), a.revenue);
}

/// The super-deduction rate for a firm's own R&D without a tech-SME registration.
static double general_deduction(const FirmState& firm, const LeversInForce::Values& levers) {
  return firm.has(Flag::manufacturer) ? levers.deduction_manufacturing : levers.deduction_other;
}

/// The share of the chance of not registering that the benefit removes: the tax the tech SME's
/// extra super-deduction saves on last year's R&D, weighed as the HTE reward is for applying.
double InnovationModel::registration_pull(const FirmState& firm, const FirmAccounts& a,
                                          const LeversInForce::Values& levers) const {
  const double extra = std::max(0.0, levers.tech_sme_deduction - general_deduction(firm, levers));
  const double benefit = extra * a.rd_spend * p_.rd.tax_rate;
  if (benefit == 0.0) return 0.0;  // no extra deduction (2019-2021): exp(-0) is exactly 1, no call needed
  return 1.0 - std::exp(-p_.tech_sme.register_probability_per_10k * benefit / 1.0e4);
}

RewardShares InnovationModel::reward_shares(bool renewal, const LeversInForce::Values& levers) const {
  const double total = renewal ? levers.hte_reward_renewal : levers.hte_reward_new;
  const double province =
      std::min(total, renewal ? levers.province_hte_reward_renewal : levers.province_hte_reward_new);
  return {province, total - province};
}

/// The reward a firm can count on: the province's share, and the fund's share while the fund can
/// pay it (firms learn when it cannot).
double InnovationModel::reward_in_reach(bool renewal, const LeversInForce::Values& levers) const {
  const RewardShares shares = reward_shares(renewal, levers);
  return shares.province + (region_.budget_left >= shares.fund ? shares.fund : 0.0);
}

/// A firm short of a threshold may upgrade to meet it; the reward it would earn as a new HTE pulls.
void InnovationModel::consider_upgrade(const CaughtUpFirm& caught, const FirmAccounts& a,
                                       const LeversInForce::Values& levers, double draw) {
  FirmState& firm = caught.record;
  const double reward = reward_in_reach(false, levers);
  if (draw >= upgrade_probability(p_.upgrade, firm.carrier != kNoCarrier, reward)) return;
  upgrade_to_thresholds(firm, caught.other_ip(), caught.inventions(), a.revenue, p_.hte, p_.upgrade.margin);
}

void InnovationModel::consider_hte(FirmState& firm, EntityId f, const FirmAccounts& a, Time t, double apply_draw,
                                   double pass_draw, const LeversInForce::Values& levers) {
  if (firm.has(Flag::applied)) return;
  const bool renewal = firm.has(Flag::hte);
  if (renewal && firm.expiry_year != next_round_year(t)) return;  // not yet in its renewal window
  if (!hte_eligible(a, p_.hte)) return;
  const HteParameters& h = p_.hte;
  const double reward = reward_in_reach(renewal, levers);
  const double p0 = renewal ? h.renew_probability : h.apply_probability.at(t);
  const double p = p0 + (1.0 - p0) * (1.0 - std::exp(-h.apply_probability_per_100k * reward / 1.0e5));
  const bool coached = region_.coaching_left >= 1.0;
  if (!coached && apply_draw >= p) return;
  if (coached) {
    region_.coaching_left -= 1.0;
    region_.year[Metric::coaching_cost] += levers.coaching_per_firm;
  }
  region_.applications.push_back({f, pass_draw, coached});
  firm.set(Flag::applied);
  emit(t, f, FirmEventKind::hte_applied, a.rd_ratio_3y, hte_required_rd_ratio(a.revenue, p_.hte));
}

/// The income tax a firm does not pay on the year just reviewed: its super-deduction (the tech
/// SME's rate if registered this year) at its own tax rate, and for an HTE the 10 points off its
/// rate on a profit of profit_margin times revenue. Both assume a taxable profit (docs/model.md §4.11).
void InnovationModel::book_tax_foregone(const FirmState& firm, double rd, double revenue, int year,
                                        const LeversInForce::Values& levers) {
  const bool hte = firm.has(Flag::hte);
  const double registered = firm.tech_sme_year == year ? levers.tech_sme_deduction : 0.0;
  const double deduction = std::max(general_deduction(firm, levers), registered);
  region_.year[Metric::rd_deduction_foregone] += deduction * rd * (hte ? p_.rd.hte_tax_rate : p_.rd.tax_rate);
  if (hte)
    region_.year[Metric::hte_rate_foregone] += (p_.rd.tax_rate - p_.rd.hte_tax_rate) * p_.costs.profit_margin * revenue;
}

/// A certificate expiring at the first round belongs to a firm whose renewal review fell before
/// the start when its first review comes after that round; it decides on renewal at the start.
void InnovationModel::renew_before_first_review(EntityId f, RandomStream& s) {
  const CaughtUpFirm firm = caught_up(f);
  if (!firm.record.has(Flag::hte) || firm.record.expiry_year != p_.start_year) return;
  const Time start = year_start(p_.start_year);
  const double apply_draw = s.uniform32();
  const double pass_draw = s.uniform32();
  consider_hte(firm.record, f, accounts(firm, p_.growth, start), start, apply_draw, pass_draw, levers_.at(start));
}

}  // namespace leapsim::innovation::model
