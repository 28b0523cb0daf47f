// Patent applications and decisions (docs/model.md §4.4-4.5). Without patent subsidies and
// without a sink these processes are deferred: they touch only their firm, and fire when it is
// next caught up (CaughtUpFirm).
#include <algorithm>
#include <cmath>

#include "innovation_model.hpp"

namespace leapsim::innovation::model {

/// Whether any patent subsidy is ever above zero: claims the fund pays in time order.
bool InnovationModel::pays_patent_subsidies(const Parameters& p) {
  for (const Schedule* lever : {&p.policy.patent_subsidy_application, &p.policy.patent_subsidy_grant})
    for (const Schedule::Step& step : lever->steps)
      if (step.value > 0.0) return true;
  return false;
}

/// The subsidy raises patenting only while the fund can pay a claim in full.
bool InnovationModel::patent_subsidy_payable(Time t) const {
  const double claim = std::max(levers_.at(t).patent_subsidy_application, levers_.at(t).patent_subsidy_grant);
  return claim > 0.0 && region_.budget_left >= claim;
}

double InnovationModel::subsidy_boost(Time t) const {
  const double expected = levers_.at(t).patent_subsidy_application +
                          p_.patents.invention_grant_probability * levers_.at(t).patent_subsidy_grant;
  return 1.0 + p_.patents.subsidy_effect_per_10k * p_.patents.invention_share * expected / 1.0e4;
}

/// Applications per year now, the subsidy effect included while the fund can pay it.
double InnovationModel::patent_rate_now(const CaughtUpFirm& firm) const {
  return firm.base_patent_rate() * (patent_subsidy_payable(sim_.now()) ? subsidy_boost(sim_.now()) : 1.0);
}

/// Keeps the pending application valid for the firm's new rate. A lower rate keeps the event: it
/// was drawn from a dominating process and is thinned when it fires. A higher rate moves it by a
/// random time change, so the unused part of its exponential clock carries over.
void InnovationModel::refresh_patent_rate(const CaughtUpFirm& firm, EntityId f) {
  firm.base_patent_rate() = static_cast<float>(base_patent_rate(firm.record, p_.patents));
  const double rate = patent_rate_now(firm);
  const double old = firm.patent_rate();
  if (rate <= old && sim_.is_pending(patent_, f)) return;
  firm.patent_rate() = static_cast<float>(rate);
  time_change(patent_, f, old, firm.patent_rate());
}

void InnovationModel::time_change(ProcessId process, EntityId f, double old_rate, double new_rate) {
  const Time now = sim_.now();
  const Time pending = sim_.pending_time(process, f);
  if (new_rate <= 0.0) {
    sim_.cancel(process, f);
  } else if (pending == pending && old_rate > 0.0) {
    sim_.schedule(process, f, now + (pending - now) * (old_rate / new_rate));
  } else {
    RandomStream s = sim_.stream(process, f);
    sim_.schedule(process, f, now + s.exponential(new_rate));
  }
}

void InnovationModel::apply_patent(EntityId f) {
  const CaughtUpFirm firm = firing_patent_event(firms_[f]);
  const Time t = sim_.now();
  RandomStream s = sim_.stream(patent_, f);
  const double thin_draw = s.uniform32();
  const double type_draw = s.uniform32();
  const double scheduled_rate = firm.patent_rate();
  // Thinning: the event came at the rate it was drawn at, which bounds the rate now in force
  // (lower after a bad year, or without a payable subsidy, so unpaid subsidies have no effect).
  const double effective = patent_rate_now(firm);
  firm.patent_rate() = static_cast<float>(effective);
  if (effective > 0.0) sim_.schedule(patent_, f, t + s.exponential(firm.patent_rate()));
  if (thin_draw * scheduled_rate >= effective) return;
  const double subsidy = levers_.at(t).patent_subsidy_application;
  const bool invention = type_draw < p_.patents.invention_share;
  const double old_rate = decision_rate(firm, p_.patents);
  if (invention) {
    if (firm.pending_inventions() < 0xFF) ++firm.pending_inventions();
    if (subsidy > 0.0) pay(Metric::patent_subsidies_paid, subsidy);
  } else if (firm.pending_other() < 0xFF) {
    ++firm.pending_other();
  }
  emit(t, f, FirmEventKind::patent_applied, invention ? 1.0 : 0.0);
  time_change(decision_, f, old_rate, decision_rate(firm, p_.patents));
}

void InnovationModel::decide_patent(EntityId f) {
  const CaughtUpFirm firm = firing_patent_event(firms_[f]);
  const Time t = sim_.now();
  RandomStream s = sim_.stream(decision_, f);
  const double which = s.uniform32();
  const double grant = s.uniform32();
  const PatentParameters& pp = p_.patents;
  const double rate = decision_rate(firm, pp);
  const bool invention = which * rate < firm.pending_inventions() / pp.invention_delay_mean;
  bool granted;
  if (invention) {
    --firm.pending_inventions();
    granted = grant < pp.invention_grant_probability;
    if (granted) {
      if (firm.inventions() < 0xFFFF) {
        ++firm.inventions();
        ++region_.patents_held;
      }
      const double subsidy = levers_.at(t).patent_subsidy_grant;
      if (subsidy > 0.0) pay(Metric::patent_subsidies_paid, subsidy);
    }
  } else {
    --firm.pending_other();
    granted = grant < pp.other_grant_probability;
    if (granted && firm.other_ip() < 0xFFFF) ++firm.other_ip();
  }
  emit(t, f, granted ? FirmEventKind::patent_granted : FirmEventKind::patent_refused, invention ? 1.0 : 0.0);
  const double next = decision_rate(firm, pp);
  if (next > 0.0) sim_.schedule(decision_, f, t + s.exponential(next));
}

}  // namespace leapsim::innovation::model
