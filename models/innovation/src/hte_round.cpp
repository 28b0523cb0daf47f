// The HTE round (docs/model.md §4.3): the year's applications decided, new certificates and
// renewals booked and rewarded, and the certificates that expire unrenewed lapsed.
#include <cmath>
#include <vector>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

void InnovationModel::hte_round(EntityId) {
  const Time t = sim_.now();
  const int year = year_of(t);
  for (const Application& app : region_.applications) {
    const EntityId f = app.firm;
    if (!sim_.population().alive(f)) continue;
    firms_[f].set(Flag::applied, false);
    const double pass = app.coached ? p_.hte.coached_pass_probability : p_.hte.pass_probability;
    if (app.pass_draw >= pass) {
      region_.year[firms_[f].has(Flag::hte) ? Metric::hte_renewal_rejected : Metric::hte_rejected] += 1.0;
      emit(t, f, FirmEventKind::hte_rejected, 0.0);
      continue;
    }
    certify(f, t, year);
  }
  region_.applications.clear();
  for (const EntityId f : cohort(year - validity_years())) {
    FirmState& firm = firms_[f];
    if (!sim_.population().alive(f) || !firm.has(Flag::hte) || firm.expiry_year != year) continue;
    firm.set(Flag::hte, false);
    --region_.htes;
    region_.year[Metric::hte_lapsed] += 1.0;
    emit(t, f, FirmEventKind::hte_lapsed, 0.0);
    refresh_exit(f);
  }
  std::vector<EntityId>().swap(cohort(year - validity_years()));
  sim_.schedule(hte_round_, round_time(year + 1));
}

void InnovationModel::certify(EntityId f, Time t, int year) {
  FirmState& firm = firms_[f];
  const bool renewal = firm.has(Flag::hte);
  firm.expiry_year = static_cast<std::int16_t>(year + validity_years());
  cohort(year).push_back(f);
  const double paid = pay_reward(renewal, t);
  if (paid > 0.0) firm.set(Flag::subsidised);
  if (renewal) {
    region_.year[Metric::hte_renewed] += 1.0;
  } else {
    firm.set(Flag::hte);
    ++region_.htes;
    region_.year[Metric::hte_new] += 1.0;
    if (firm.born >= static_cast<float>(year_start(p_.start_year))) region_.year[Metric::hte_new_entrants] += 1.0;
    refresh_exit(f);
  }
  emit(t, f, renewal ? FirmEventKind::hte_renewed : FirmEventKind::hte_certified, paid);
}

/// Pays a certificate's reward: the province's share always, the fund's share when the fund can.
/// Returns the yuan paid.
double InnovationModel::pay_reward(bool renewal, Time t) {
  const RewardShares shares = reward_shares(renewal, levers_.at(t));
  double paid = 0.0;
  if (shares.province > 0.0) {
    region_.year[renewal ? Metric::hte_renewal_rewards_province : Metric::hte_new_rewards_province] += shares.province;
    paid += shares.province;
  }
  if (shares.fund > 0.0 && pay(renewal ? Metric::hte_renewal_rewards_fund : Metric::hte_new_rewards_fund, shares.fund))
    paid += shares.fund;
  region_.year[Metric::hte_rewards_paid] += paid;
  return paid;
}

int InnovationModel::validity_years() const noexcept { return certificate_years(p_.hte); }

Time InnovationModel::round_time(int year) const {
  return to_time(Date{year, p_.hte.round_date.month, p_.hte.round_date.day});
}

int InnovationModel::next_round_year(Time t) const { return t < round_time(year_of(t)) ? year_of(t) : year_of(t) + 1; }

std::vector<EntityId>& InnovationModel::cohort(int year) {
  return region_.cohorts.at(static_cast<std::size_t>(year - (p_.start_year - validity_years() - 1)));
}

}  // namespace leapsim::innovation::model
