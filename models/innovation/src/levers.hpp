#pragma once
// The lever values in force over a window of time (docs/model.md §4.8): handlers read a field
// instead of walking each schedule's steps, several times per event.
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "leapsim/engine/time.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation::model {

/// The value of every lever a handler reads, cached over the window of time in which no schedule
/// steps; the window moves when the time leaves it. The values are those of Schedule::at.
class LeversInForce {
 public:
  /// One value per schedule read while the model runs.
  struct Values {
    double hte_reward_new, hte_reward_renewal, rd_subsidy_rate, rd_subsidy_cap, patent_subsidy_application,
        patent_subsidy_grant, outreach, talent_firms_per_year, talent_cost_per_firm, deduction_manufacturing,
        deduction_other, tech_sme_deduction, province_hte_reward_new, province_hte_reward_renewal, coaching_per_firm,
        outreach_per_firm_point;
  };

  /// The cache over the schedules of these parameters.
  explicit LeversInForce(const Parameters& p)
      : schedules_{{&p.policy.hte_reward_new, &Values::hte_reward_new},
                   {&p.policy.hte_reward_renewal, &Values::hte_reward_renewal},
                   {&p.policy.rd_subsidy_rate, &Values::rd_subsidy_rate},
                   {&p.policy.rd_subsidy_cap, &Values::rd_subsidy_cap},
                   {&p.policy.patent_subsidy_application, &Values::patent_subsidy_application},
                   {&p.policy.patent_subsidy_grant, &Values::patent_subsidy_grant},
                   {&p.policy.outreach, &Values::outreach},
                   {&p.policy.talent_firms_per_year, &Values::talent_firms_per_year},
                   {&p.policy.talent_cost_per_firm, &Values::talent_cost_per_firm},
                   {&p.rd.deduction_manufacturing, &Values::deduction_manufacturing},
                   {&p.rd.deduction_other, &Values::deduction_other},
                   {&p.tech_sme.deduction, &Values::tech_sme_deduction},
                   {&p.costs.province_hte_reward_new, &Values::province_hte_reward_new},
                   {&p.costs.province_hte_reward_renewal, &Values::province_hte_reward_renewal},
                   {&p.costs.coaching_per_firm, &Values::coaching_per_firm},
                   {&p.costs.outreach_per_firm_point, &Values::outreach_per_firm_point}} {}

  /// The values in force at time t.
  const Values& at(Time t) {
    if (!(t >= from_ && t < until_)) refresh(t);
    return values_;
  }

 private:
  /// Values at t, and the window around t in which no schedule steps.
  void refresh(Time t) {
    from_ = -std::numeric_limits<Time>::infinity();
    until_ = std::numeric_limits<Time>::infinity();
    for (const auto& [schedule, field] : schedules_) {
      values_.*field = schedule->at(t);
      for (const Schedule::Step& step : schedule->steps)
        if (step.from <= t)
          from_ = std::max(from_, step.from);
        else
          until_ = std::min(until_, step.from);
    }
  }

  std::vector<std::pair<const Schedule*, double Values::*>> schedules_;
  Values values_{};
  Time from_ = std::numeric_limits<Time>::infinity();  // an empty window until the first read
  Time until_ = -std::numeric_limits<Time>::infinity();
};

}  // namespace leapsim::innovation::model
