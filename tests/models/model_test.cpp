// The innovation model run end to end on small scenarios: rules enforced on every event, the
// bookkeeping invariants, determinism and common random numbers.
#include "leapsim/innovation/model.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <map>
#include <random>
#include <utility>
#include <vector>

#include "event_recorder.hpp"
#include "test_parameters.hpp"

namespace leapsim::innovation {
namespace {

using testing::tiny_parameters;

using testing::Recorder;
using testing::same_events;

double metric(const RunResult& r, Metric m, int year) { return r.metrics.at(m, year); }

std::uint64_t initial_count(const Parameters& p) {
  std::uint64_t n = 0;
  for (const InitialGroup& g : p.initial) n += g.count;
  return n;
}

TEST(InnovationModel, IsAPureFunctionOfSeedAndReplication) {
  const Parameters p = tiny_parameters();
  const RunResult a = simulate(p, 5, 3);
  const RunResult b = simulate(p, 5, 3);
  EXPECT_EQ(a.metrics.years, b.metrics.years);
  EXPECT_EQ(a.events, b.events);
  const RunResult c = simulate(p, 5, 4);
  EXPECT_NE(a.metrics.years, c.metrics.years);
  ASSERT_EQ(a.metrics.years.size(), 7u);
  EXPECT_EQ(a.metrics.first_year, 2019);
}

TEST(InnovationModel, DeferredPatentEventsChangeNoResult) {
  // Without patent subsidies and without a sink, patent applications and decisions wait out of
  // the queue until their firm is next read; with a sink they go through the queue. Both runs
  // must give the same bits and the same number of events, with and without set-up shared.
  Parameters p = tiny_parameters();
  p.platform_builds.push_back(
      {year_start(2021) + 0.4, 3, Level::provincial});  // platforms attached mid-run read patent clocks
  for (std::uint32_t r = 0; r < 4; ++r) {
    Recorder rec;
    const RunResult queued = simulate(p, 12, r, &rec);
    const RunResult deferred = simulate(p, 12, r);
    ASSERT_GT(rec.count(FirmEventKind::patent_granted), 50u);
    EXPECT_EQ(queued.metrics.years, deferred.metrics.years) << "replication " << r;
    EXPECT_EQ(queued.events, deferred.events);
    const auto initial = draw_initial_population(p, 12, r);
    EXPECT_EQ(deferred.metrics.years, simulate(p, 12, r, nullptr, initial.get()).metrics.years);
  }
}

TEST(InnovationModel, EveryProcessHappens) {
  Recorder rec;
  const RunResult r = simulate(tiny_parameters(), 1, 0, &rec);
  for (const FirmEventKind k :
       {FirmEventKind::created, FirmEventKind::entered, FirmEventKind::reviewed, FirmEventKind::tech_sme_registered,
        FirmEventKind::hte_applied, FirmEventKind::hte_certified, FirmEventKind::hte_renewed, FirmEventKind::hte_lapsed,
        FirmEventKind::patent_applied, FirmEventKind::patent_granted, FirmEventKind::patent_refused,
        FirmEventKind::graduated, FirmEventKind::platform_attached, FirmEventKind::exited})
    EXPECT_GT(rec.count(k), 0u) << to_string(k);
  EXPECT_GT(metric(r, Metric::tech_smes, 2019), 0.0);
  EXPECT_GT(metric(r, Metric::htes, 2025), 0.0);
}

/// What the special fund paid in a year: every reward and subsidy but the province's share of the
/// HTE rewards, which is paid beside the fund.
double paid_from_fund(const RunResult& r, int y) {
  return metric(r, Metric::subsidies_paid, y) - metric(r, Metric::hte_new_rewards_province, y) -
         metric(r, Metric::hte_renewal_rewards_province, y);
}

TEST(InnovationModel, CountsAddUpOverRandomScenarios) {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int scenario = 0; scenario < 25; ++scenario) {
    Parameters p = tiny_parameters();
    p.entry.base_rate = 60.0 * unit(rng);
    p.entry.rate_per_free_slot = 2.0 * unit(rng);
    p.exit.hazards = {0.3 * unit(rng), 0.3 * unit(rng), 0.3 * unit(rng), 0.3 * unit(rng)};
    p.hte.pass_probability = unit(rng);
    p.hte.renew_probability = unit(rng);
    p.tech_sme.register_probability = Schedule::constant(unit(rng));
    p.policy.budget = Schedule::constant(2.0e6 * unit(rng));
    p.policy.rd_subsidy_rate = Schedule::constant(0.2 * unit(rng));
    p.policy.patent_subsidy_application = Schedule::constant(2.0e4 * unit(rng));
    p.policy.talent_firms_per_year = Schedule::constant(10.0 * unit(rng));
    p.policy.coaching_capacity = Schedule::constant(5.0 * unit(rng));
    const RunResult r = simulate(p, 99, static_cast<std::uint32_t>(scenario));
    double alive_before = static_cast<double>(initial_count(p));
    for (int y = 2019; y <= 2025; ++y) {
      SCOPED_TRACE("scenario " + std::to_string(scenario) + ", year " + std::to_string(y));
      for (std::size_t m = 0; m < kMetricCount; ++m)
        EXPECT_GE(r.metrics.years[static_cast<std::size_t>(y - 2019)][m], 0.0);
      const double alive = metric(r, Metric::firms_alive, y);
      EXPECT_EQ(alive - alive_before, metric(r, Metric::entries, y) - metric(r, Metric::exits, y));
      EXPECT_LE(metric(r, Metric::htes, y), alive);
      EXPECT_LE(metric(r, Metric::tech_smes, y), alive + metric(r, Metric::exits, y));
      EXPECT_LE(metric(r, Metric::carrier_occupancy, y), metric(r, Metric::carrier_capacity, y));
      EXPECT_LE(paid_from_fund(r, y), p.policy.budget.at(y) * (1 + 1e-12));
      EXPECT_NEAR(metric(r, Metric::budget_left, y), p.policy.budget.at(y) - paid_from_fund(r, y),
                  1e-6 * p.policy.budget.at(y) + 1e-6);
      alive_before = alive;
    }
  }
}

/// What the event log says of one firm, for replaying the mechanism counters.
struct ReplayedFirm {
  bool hte = false;
  bool entrant = false;
  int tech_sme_year = 0;
};

// The counters Results.explain splits a difference by close the stock identities exactly, in
// every replication and year, and each equals its replay from the event log.
TEST(InnovationModel, MechanismCountersCloseTheStockIdentities) {
  std::mt19937_64 rng(16);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::map<Metric, double> seen;  // each counter counts something somewhere, so the test can fail
  for (int scenario = 0; scenario < 12; ++scenario) {
    Parameters p = tiny_parameters();
    p.entry.base_rate = 40.0 * unit(rng);
    p.exit.hazards = {0.3 * unit(rng), 0.3 * unit(rng), 0.3 * unit(rng), 0.3 * unit(rng)};
    p.hte.pass_probability = unit(rng);
    p.hte.coached_pass_probability = unit(rng);
    p.hte.renew_probability = unit(rng);
    p.tech_sme.register_probability = Schedule::constant(unit(rng));
    p.tech_sme.renew_probability = unit(rng);
    p.policy.coaching_capacity = Schedule::constant(5.0 * unit(rng));
    Recorder rec;
    const RunResult r = simulate(p, 7, static_cast<std::uint32_t>(scenario), &rec);
    std::map<Metric, std::map<int, double>> replayed;
    std::map<EntityId, ReplayedFirm> firms;
    double htes_before = 0.0;
    for (const FirmEvent& e : rec.events) {
      const int year = year_of(e.time);
      ReplayedFirm& firm = firms[e.firm];
      switch (e.kind) {
        case FirmEventKind::created:
          firm = {e.detail == static_cast<double>(InitialStatus::hte), false,
                  e.detail == static_cast<double>(InitialStatus::latent) ? 0 : p.start_year - 1};
          htes_before += firm.hte;
          break;
        case FirmEventKind::entered:
          firm = {false, true, 0};
          break;
        case FirmEventKind::hte_certified:
          firm.hte = true;
          replayed[Metric::hte_new_entrants][year] += firm.entrant;
          break;
        case FirmEventKind::hte_rejected:
          replayed[firm.hte ? Metric::hte_renewal_rejected : Metric::hte_rejected][year] += 1.0;
          break;
        case FirmEventKind::hte_lapsed:
          firm.hte = false;
          break;
        case FirmEventKind::exited:
          replayed[Metric::hte_exits][year] += firm.hte;
          break;
        case FirmEventKind::tech_sme_registered:
          replayed[Metric::tech_sme_renewed][year] += firm.tech_sme_year == year - 1;
          firm.tech_sme_year = year;
          break;
        default:
          break;
      }
    }
    for (int y = 2019; y <= 2025; ++y) {
      SCOPED_TRACE("scenario " + std::to_string(scenario) + ", year " + std::to_string(y));
      const double htes = metric(r, Metric::htes, y);
      EXPECT_EQ(htes - htes_before,
                metric(r, Metric::hte_new, y) - metric(r, Metric::hte_lapsed, y) - metric(r, Metric::hte_exits, y));
      htes_before = htes;
      EXPECT_LE(metric(r, Metric::hte_renewal_rejected, y), metric(r, Metric::hte_lapsed, y));
      EXPECT_LE(metric(r, Metric::hte_new_entrants, y), metric(r, Metric::hte_new, y));
      EXPECT_LE(metric(r, Metric::tech_sme_renewed, y), metric(r, Metric::tech_smes, y));
      for (const Metric m : {Metric::hte_exits, Metric::hte_rejected, Metric::hte_renewal_rejected,
                             Metric::hte_new_entrants, Metric::tech_sme_renewed}) {
        EXPECT_EQ(metric(r, m, y), replayed[m][y]) << metric_infos()[static_cast<std::size_t>(m)].name;
        seen[m] += metric(r, m, y);
      }
    }
  }
  for (const Metric m : {Metric::hte_exits, Metric::hte_rejected, Metric::hte_renewal_rejected,
                         Metric::hte_new_entrants, Metric::tech_sme_renewed})
    EXPECT_GT(seen[m], 0.0) << metric_infos()[static_cast<std::size_t>(m)].name;
}

TEST(InnovationModel, FundNeverGoesNegativeAndRunsOut) {
  Parameters p = tiny_parameters();
  p.policy.budget = Schedule::constant(3.0e5);
  p.policy.rd_subsidy_rate = Schedule::constant(0.1);
  p.policy.patent_subsidy_application = Schedule::constant(5.0e3);
  const RunResult r = simulate(p, 8, 0);
  double unpaid = 0.0;
  for (int y = 2019; y <= 2025; ++y) {
    EXPECT_GE(metric(r, Metric::budget_left, y), 0.0);
    EXPECT_LE(paid_from_fund(r, y), 3.0e5);
    unpaid += metric(r, Metric::unpaid_claims, y);
  }
  EXPECT_GT(unpaid, 0.0) << "the fund never ran out, so the test proved nothing";
}

class UnpaidClaims : public ::testing::TestWithParam<double> {};

TEST_P(UnpaidClaims, HaveNoEffect) {
  // With a fund that cannot pay any claim in full (empty, or one yuan), every lever that pays
  // money must leave every firm's history unchanged.
  Parameters with_levers = tiny_parameters();
  with_levers.policy.budget = Schedule::constant(GetParam());
  with_levers.costs.province_hte_reward_new = Schedule::constant(0.0);  // every reward from the fund
  Parameters without = with_levers;
  const std::pair<Schedule PolicyLevers::*, double> paying_levers[] = {
      {&PolicyLevers::hte_reward_new, 5.0e5},       {&PolicyLevers::hte_reward_renewal, 2.0e5},
      {&PolicyLevers::rd_subsidy_rate, 0.2},        {&PolicyLevers::patent_subsidy_application, 2.0e4},
      {&PolicyLevers::patent_subsidy_grant, 3.0e4}, {&PolicyLevers::talent_firms_per_year, 20.0}};
  for (const auto& [lever, value] : paying_levers) {
    with_levers.policy.*lever = Schedule::constant(value);
    without.policy.*lever = Schedule::constant(0.0);
  }
  Recorder a, b;
  const RunResult ra = simulate(with_levers, 3, 1, &a);
  const RunResult rb = simulate(without, 3, 1, &b);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) ASSERT_TRUE(same_events(a.events[i], b.events[i])) << "event " << i;
  double unpaid = 0.0;
  for (int y = 2019; y <= 2025; ++y) {
    for (std::size_t m = 0; m < kMetricCount; ++m) {
      if (static_cast<Metric>(m) == Metric::unpaid_claims) continue;
      EXPECT_EQ(ra.metrics.years[static_cast<std::size_t>(y - 2019)][m],
                rb.metrics.years[static_cast<std::size_t>(y - 2019)][m])
          << metric_infos()[m].name << " " << y;
    }
    unpaid += metric(ra, Metric::unpaid_claims, y);
  }
  EXPECT_GT(unpaid, 0.0);
}

INSTANTIATE_TEST_SUITE_P(InnovationModel, UnpaidClaims, ::testing::Values(0.0, 1.0));

TEST(InnovationModel, EveryRefusedClaimIsCounted) {
  Parameters p = tiny_parameters();
  p.policy.budget = Schedule::constant(0.0);
  p.policy.hte_reward_new = Schedule::constant(0.0);
  p.policy.patent_subsidy_application = Schedule::constant(1.0e4);
  Recorder rec;
  const RunResult r = simulate(p, 2, 0, &rec);
  double inventions = 0.0, unpaid = 0.0;
  for (const FirmEvent& e : rec.events) inventions += e.kind == FirmEventKind::patent_applied && e.value == 1.0;
  for (int y = 2019; y <= 2025; ++y) unpaid += metric(r, Metric::unpaid_claims, y);
  EXPECT_GT(inventions, 10.0);
  EXPECT_EQ(unpaid, inventions) << "each invention application claims its subsidy and is refused";
}

TEST(InnovationModel, IncubatedEntrantsGraduateOnTheirThirdAnniversary) {
  // Founding times are floats; ages are compared in whole days so the anniversary counts.
  Parameters p = tiny_parameters();
  p.entry.rate_per_free_slot = 5.0;
  Recorder rec;
  simulate(p, 12, 0, &rec);
  std::map<EntityId, Time> incubated_entry;
  std::size_t checked = 0;
  for (const FirmEvent& e : rec.events) {
    if (e.kind == FirmEventKind::entered && e.value == 1.0) incubated_entry[e.firm] = e.time;
    if (e.kind == FirmEventKind::graduated && incubated_entry.count(e.firm) != 0) {
      EXPECT_NEAR(e.time - incubated_entry[e.firm], p.entry.residence_years, 1e-9) << "firm " << e.firm;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u);
}

TEST(InnovationModel, InitialCertificatesFollowTheValidityAndCanBeRenewedAtTheFirstRound) {
  // Certain renewal of firms far above every threshold: no initial certificate may lapse, even
  // for firms whose first review comes after the first round.
  Parameters p = tiny_parameters();
  InitialGroup& hte = p.initial[0];
  hte.count = 120;
  hte.attributes.rd_intensity_median = 0.2;
  hte.attributes.rd_intensity_log_sd = 0.1;
  hte.attributes.staff_share_median = 0.5;
  hte.attributes.staff_share_logit_sd = 0.1;
  hte.attributes.hitech_share_median = 0.95;
  hte.attributes.hitech_share_logit_sd = 0.1;
  hte.attributes.invention_patents_mean = 10.0;
  hte.attributes.revenue_log_sd = 0.3;
  p.hte.renew_probability = 1.0;
  p.hte.pass_probability = 1.0;
  p.growth.volatility = 0.0;
  for (const int validity : {3, 2}) {
    p.hte.validity_years = validity;
    Recorder rec;
    const RunResult r = simulate(p, 31, 0, &rec);
    EXPECT_EQ(rec.count(FirmEventKind::hte_lapsed), 0u) << "validity " << validity;
    EXPECT_GT(metric(r, Metric::hte_renewed, 2019), 10.0);
  }
}

TEST(InnovationModel, CertificatesLapseExactlyThreeYearsAfterTheirLatestIssue) {
  Parameters p = tiny_parameters();
  p.hte.renew_probability = 0.5;
  p.initial[0].count = 30;
  Recorder rec;
  simulate(p, 21, 0, &rec);
  std::map<EntityId, Time> issued;
  std::size_t lapses = 0, renewals = 0, held_to_the_end = 0;
  for (const FirmEvent& e : rec.events) {
    if (e.kind == FirmEventKind::hte_certified || e.kind == FirmEventKind::hte_renewed) {
      renewals += e.kind == FirmEventKind::hte_renewed;
      issued[e.firm] = e.time;
    } else if (e.kind == FirmEventKind::hte_lapsed) {
      ++lapses;
      const auto it = issued.find(e.firm);
      if (it == issued.end()) {  // an initial certificate, issued in one of the three rounds before the start
        EXPECT_LE(year_of(e.time), 2021);
        continue;
      }
      const Date d = to_date(it->second);
      EXPECT_EQ(e.time, to_time(Date{d.year + 3, d.month, d.day})) << "firm " << e.firm;
      issued.erase(it);
    } else if (e.kind == FirmEventKind::exited) {
      issued.erase(e.firm);
    }
  }
  for (const auto& [firm, t] : issued) held_to_the_end += t > 2022.9;
  EXPECT_GT(lapses, 5u);
  EXPECT_GT(renewals, 5u);
  EXPECT_EQ(held_to_the_end, issued.size()) << "a certificate older than three years survived";
}

TEST(InnovationModel, HteCountIsTheReplayOfItsEvents) {
  Recorder rec;
  Parameters p = tiny_parameters();
  const RunResult r = simulate(p, 4, 2, &rec);
  std::map<EntityId, bool> hte;
  std::int64_t count = 0;
  for (const FirmEvent& e : rec.events)
    if (e.kind == FirmEventKind::created && e.detail == static_cast<double>(InitialStatus::hte))
      hte[e.firm] = true, ++count;
  EXPECT_EQ(count, p.initial[0].count);
  int year = 2019;
  for (const FirmEvent& e : rec.events) {
    while (year_of(e.time) > year) {
      EXPECT_EQ(static_cast<double>(count), metric(r, Metric::htes, year)) << year;
      ++year;
    }
    if (e.kind == FirmEventKind::hte_certified) ++count, hte[e.firm] = true;
    if (e.kind == FirmEventKind::hte_lapsed) --count, hte[e.firm] = false;
    if (e.kind == FirmEventKind::exited && hte[e.firm]) --count, hte[e.firm] = false;
  }
  EXPECT_EQ(static_cast<double>(count), metric(r, Metric::htes, 2025));
}

TEST(InnovationModel, OnlyApplicantsAtOrAboveTheirRdTierAreCertified) {
  Recorder rec;
  simulate(tiny_parameters(), 6, 0, &rec);
  std::map<EntityId, bool> applied;
  std::size_t certified = 0;
  for (const FirmEvent& e : rec.events) {
    if (e.kind == FirmEventKind::hte_applied) {
      EXPECT_GE(e.value, e.detail) << "firm " << e.firm << " applied below its R&D tier";
      applied[e.firm] = true;
    } else if (e.kind == FirmEventKind::hte_certified || e.kind == FirmEventKind::hte_renewed) {
      EXPECT_TRUE(applied[e.firm]) << "firm " << e.firm << " certified without an application";
      applied[e.firm] = false;
      ++certified;
    } else if (e.kind == FirmEventKind::hte_rejected) {
      applied[e.firm] = false;
    }
  }
  EXPECT_GT(certified, 3u);
}

TEST(InnovationModel, LargeFirmsNeverRegisterAsTechSmes) {
  Parameters p = tiny_parameters();
  // Many firms straddle the limits: revenue around 200 M yuan and staff around 500.
  p.initial[2].attributes.revenue_median = 1.5e8;
  p.initial[2].attributes.employees_median = 300.0;
  p.initial[2].attributes.rd_intensity_median = 0.06;
  p.initial[2].attributes.staff_share_median = 0.3;
  p.initial[2].attributes.other_ip_mean = 4.0;
  p.initial[2].attributes.asset_ratio_log_sd = 0.1;
  p.tech_sme.register_probability = Schedule::constant(1.0);
  Recorder rec;
  simulate(p, 13, 0, &rec);
  std::size_t registered = 0, large_reviews = 0;
  const FirmEvent* last_review = nullptr;
  for (const FirmEvent& e : rec.events) {
    if (e.kind == FirmEventKind::reviewed) {
      last_review = &e;
      large_reviews += e.value > 2.0e8 || e.detail > 500.0;
    } else if (e.kind == FirmEventKind::tech_sme_registered) {
      ASSERT_NE(last_review, nullptr);
      ASSERT_EQ(last_review->firm, e.firm);
      EXPECT_LE(e.detail, 2.0e8);
      EXPECT_LE(last_review->value, 2.0e8);
      EXPECT_LE(last_review->detail, 500.0);
      ++registered;
    }
  }
  EXPECT_GT(registered, 20u);
  EXPECT_GT(large_reviews, 20u) << "no firm was large, so the test proved nothing";
}

TEST(InnovationModel, CommonRandomNumbersKeepUnaffectedFirmsIdentical) {
  // More base entrants cannot affect an initial firm when the fund is unlimited and nobody is
  // coached, and no platform is handed out to the largest R&D spender, so every initial firm lives
  // the same life in both scenarios.
  Parameters few = tiny_parameters();
  few.carriers.clear();
  few.platform_builds.clear();
  few.entry.base_rate = 10.0;
  Parameters many = few;
  many.entry.base_rate = 80.0;
  Recorder a, b;
  simulate(few, 17, 5, &a);
  simulate(many, 17, 5, &b);
  const EntityId initial = static_cast<EntityId>(initial_count(few));
  auto history = [initial](const Recorder& r) {
    std::vector<FirmEvent> h;
    for (const FirmEvent& e : r.events)
      if (e.firm < initial) h.push_back(e);
    return h;
  };
  const std::vector<FirmEvent> ha = history(a), hb = history(b);
  ASSERT_EQ(ha.size(), hb.size());
  for (std::size_t i = 0; i < ha.size(); ++i) ASSERT_TRUE(same_events(ha[i], hb[i])) << "event " << i;
  EXPECT_GT(b.count(FirmEventKind::entered), a.count(FirmEventKind::entered) + 100);
}

TEST(InnovationModel, CoachingRaisesCertifications) {
  // 40 replications each way; coaching 20 firms a year must raise mean new certifications. The
  // effect (applying with certainty, passing at 0.9 instead of 0.7) is several standard errors.
  Parameters base = tiny_parameters();
  base.initial[1].count = 200;
  Parameters coached = base;
  coached.policy.coaching_capacity = Schedule::constant(20.0);
  double sum_base = 0.0, sum_coached = 0.0;
  for (std::uint32_t rep = 0; rep < 40; ++rep) {
    const RunResult rb = simulate(base, 1, rep), rc = simulate(coached, 1, rep);
    for (int y = 2019; y <= 2025; ++y) {
      sum_base += rb.metrics.at(Metric::hte_new, y);
      sum_coached += rc.metrics.at(Metric::hte_new, y);
    }
  }
  EXPECT_GT(sum_coached, sum_base * 1.1);
}

}  // namespace
}  // namespace leapsim::innovation

namespace leapsim::innovation {
namespace {

// The push to register and to apply may change at dates: a step in either schedule changes
// nothing before its date (the same bits) and, raised to certainty, more firms register (apply)
// from then on.
TEST(InnovationModel, BehaviourSchedulesTakeEffectAtTheirDates) {
  Parameters p = tiny_parameters();
  for (InitialGroup& g : p.initial) g.count *= 10;
  const RunResult constant = simulate(p, 5, 0);
  Parameters pushed = p;
  pushed.tech_sme.register_probability.steps.push_back({2021.0, 1.0});
  pushed.hte.apply_probability.steps.push_back({2021.0, 1.0});
  const RunResult stepped = simulate(pushed, 5, 0);
  for (int year = p.start_year; year < 2021; ++year)
    EXPECT_EQ(stepped.metrics.years[static_cast<std::size_t>(year - p.start_year)],
              constant.metrics.years[static_cast<std::size_t>(year - p.start_year)])
        << year;
  EXPECT_GT(stepped.metrics.at(Metric::tech_smes, 2021), constant.metrics.at(Metric::tech_smes, 2021));
  EXPECT_GT(stepped.metrics.at(Metric::hte_new, 2021) + stepped.metrics.at(Metric::hte_new, 2022),
            constant.metrics.at(Metric::hte_new, 2021) + constant.metrics.at(Metric::hte_new, 2022));
}

TEST(InnovationModel, UpgradingOffKeepsTheBitsAndOnMovesFirmsAcrossThresholds) {
  Parameters p = tiny_parameters();
  for (InitialGroup& g : p.initial) g.count *= 10;
  const RunResult fixed = simulate(p, 5, 0);
  Parameters unused = p;
  unused.upgrade.margin = 0.5;  // read only when an upgrade happens, and none can
  EXPECT_EQ(simulate(unused, 5, 0).metrics.years, fixed.metrics.years);
  Parameters upgrading = p;
  upgrading.upgrade.probability = 0.5;
  const RunResult up = simulate(upgrading, 5, 0);
  double fixed_new = 0.0, up_new = 0.0;
  for (int year = p.start_year; year <= p.end_year; ++year)
    fixed_new += metric(fixed, Metric::hte_new, year), up_new += metric(up, Metric::hte_new, year);
  // Half the firms short of a threshold meet it each year: many more certify (not a close call).
  EXPECT_GT(up_new, 1.5 * fixed_new);
  EXPECT_GT(metric(up, Metric::htes, p.end_year), metric(fixed, Metric::htes, p.end_year));
}

TEST(InnovationModel, TheBaseEntryRateGrowsYearByYear) {
  Parameters p = tiny_parameters();
  p.entry.base_rate = 2000.0;
  p.entry.rate_per_free_slot = 0.0;
  p.entry.in_migration_rate = 0.0;
  const RunResult flat = simulate(p, 3, 0);
  Parameters zero = p;
  zero.entry.base_rate_growth = Schedule{{{-std::numeric_limits<Time>::infinity(), 0.0}, {2021.0, 0.0}}};
  EXPECT_EQ(simulate(zero, 3, 0).metrics.years, flat.metrics.years);  // no growth: the constant rate's bits
  Parameters growing = p;
  growing.entry.base_rate_growth = Schedule::constant(0.2);
  const RunResult grown = simulate(growing, 3, 0);
  EXPECT_EQ(grown.metrics.years.front(), flat.metrics.years.front());  // the start year runs at base_rate
  // Entries in year y are Poisson with mean 2000 * 1.2^(y - start): the ratio of the last year's
  // count to the first has a relative sd of about 2.6% (counts near 2,000 and 6,000), so 10% is
  // about four sd.
  const int years = p.end_year - p.start_year;
  const double ratio = metric(grown, Metric::entries, p.end_year) / metric(grown, Metric::entries, p.start_year);
  EXPECT_NEAR(ratio / std::pow(1.2, years), 1.0, 0.1);
}

TEST(InnovationModel, RegistrationWeighsTheExtraDeductionOnlyWhereItPays) {
  Parameters p = tiny_parameters();
  for (InitialGroup& g : p.initial) g.count *= 10;
  p.end_year = 2022;
  const RunResult unweighed = simulate(p, 4, 0);
  Parameters weighed = p;
  weighed.tech_sme.register_probability_per_10k = 1.0;
  const RunResult pulled = simulate(weighed, 4, 0);
  // 2019-2021: every firm's rate equals the tech SME's 75% (manufacturers 100% from 2021), so
  // registering is worth nothing and the bits are the unweighed ones.
  for (int year = p.start_year; year <= 2021; ++year)
    EXPECT_EQ(pulled.metrics.years[static_cast<std::size_t>(year - p.start_year)],
              unweighed.metrics.years[static_cast<std::size_t>(year - p.start_year)])
        << year;
  // 2022: tech SMEs deduct 100% against 75% for non-manufacturers, and more register.
  EXPECT_GT(metric(pulled, Metric::tech_smes, 2022), metric(unweighed, Metric::tech_smes, 2022));
}

}  // namespace
}  // namespace leapsim::innovation
