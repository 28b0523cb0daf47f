#include "leapsim/innovation/model.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "leapsim/engine/simulation.hpp"
#include "leapsim/innovation/rules.hpp"

namespace leapsim::innovation {

std::string_view to_string(FirmEventKind kind) noexcept {
  static constexpr std::array<std::string_view, 16> names{
      "created",         "entered",        "reviewed",          "tech_sme_registered",
      "hte_applied",     "hte_certified",  "hte_renewed",       "hte_rejected",
      "hte_lapsed",      "patent_applied", "patent_granted",    "patent_refused",
      "rd_subsidy_paid", "graduated",      "platform_attached", "exited"};
  return names[static_cast<std::size_t>(kind)];
}

namespace {

constexpr std::uint16_t kNoCarrier = 0xFFFF;

/// Firm flag bits.
enum Flag : std::uint8_t {
  kManufacturer = 1u << 0,
  kPlatform = 1u << 1,
  kHte = 1u << 2,           // holds a valid certificate
  kSubsidised = 1u << 3,    // was paid a reward or subsidy since its last review
  kRdSubsidised = 1u << 4,  // its R&D subsidy claim was paid at its last review
  kApplied = 1u << 5,       // has an application waiting for the next HTE round
};
/// Exit-multiplier bits in force when the exit event was drawn.
enum ExitBits : std::uint8_t { kExitHte = 1u << 0, kExitIncubated = 1u << 1, kExitLarge = 1u << 2 };

/// The state of one firm. Every event of a firm reads most of it, so it is one record (two cache
/// lines, one page) rather than a column per field: at a million firms in random order each
/// separate column would cost its own cache and TLB miss. Floats keep it small; money and rates
/// are computed in double.
struct FirmState {
  float born{};                            // founding time
  float last_review{};                     // time revenue and R&D intensity were last brought up to date
  float log_revenue{};                     // log yuan per year
  float employee_offset{};                 // log employees minus elasticity * log revenue
  float log_asset_ratio{};                 // log(total assets / revenue)
  float staff_share{};                     // S&T staff share
  float rd_base{};                         // R&D intensity under the reference user cost
  float rd_intensity{};                    // current R&D / revenue
  float hitech_share{};                    // high-tech product revenue share
  float patent_rate{};                     // applications per year the pending application event was drawn at
  float base_patent_rate{};                // applications per year without the subsidy effect
  std::array<float, 3> revenue_history{};  // yuan, latest accounting year first
  std::array<float, 3> rd_history{};       // yuan, latest accounting year first
  std::uint16_t inventions{};              // invention patents held
  std::uint16_t other_ip{};                // utility models and software copyrights held
  std::uint16_t carrier = kNoCarrier;      // carrier index or kNoCarrier
  std::int16_t tech_sme_year{};            // last year registered as tech SME
  std::int16_t expiry_year{};              // year of the round at which the certificate expires
  std::uint8_t pending_inventions{};
  std::uint8_t pending_other{};
  std::uint8_t history_length{};  // accounting years booked, up to 3
  std::uint8_t flags{};           // Flag bits
  std::uint8_t exit_bits{};       // ExitBits the pending exit was drawn under
};
static_assert(sizeof(FirmState) <= 84, "a firm record should stay within 84 bytes");

double logistic(double x) noexcept { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double p) noexcept { return std::log(p / (1.0 - p)); }

/// Lower Cholesky factor of a distribution's correlation, computed once per distribution.
struct AttributeSampler {
  const AttributeDistribution* d = nullptr;
  Eigen::Matrix4d lower;
  // Location terms on the scale each attribute is drawn on, computed once: set-up draws
  // thousands of firms per replication, several times each when a status must be met.
  double log_revenue_median, log_employees_median, log_rd_median, logit_staff_median, logit_hitech_median,
      log_asset_ratio_median;
  boost::random::poisson_distribution<int, double> inventions{1.0}, other_ip{1.0};

  explicit AttributeSampler(const AttributeDistribution& dist)
      : d(&dist),
        log_revenue_median(std::log(dist.revenue_median)),
        log_employees_median(std::log(dist.employees_median)),
        log_rd_median(std::log(dist.rd_intensity_median)),
        logit_staff_median(logit(dist.staff_share_median)),
        logit_hitech_median(logit(dist.hitech_share_median)),
        log_asset_ratio_median(std::log(dist.asset_ratio_median)) {
    const Eigen::Matrix4d c = Eigen::Map<const Eigen::Matrix<double, 4, 4, Eigen::RowMajor>>(dist.correlation.data());
    Eigen::LLT<Eigen::Matrix4d> llt(c);
    if (llt.info() != Eigen::Success) throw UsageError("attribute correlation matrix is not positive definite");
    lower = llt.matrixL();
    if (dist.invention_patents_mean > 0.0) inventions = decltype(inventions)(dist.invention_patents_mean);
    if (dist.other_ip_mean > 0.0) other_ip = decltype(other_ip)(dist.other_ip_mean);
  }
};

/// One application waiting for the HTE round.
struct Application {
  EntityId firm;
  double pass_draw;  // a double: a float could round a draw just under 1 up to 1
  bool coached;
};

/// The talent-lever dates, at which a policy-change event refreshes the entry rate.
std::vector<Time> entry_policy_dates(const PolicyLevers& p) {
  std::vector<Time> dates;
  for (const Schedule* lever : {&p.talent_firms_per_year, &p.talent_cost_per_firm})
    for (const Schedule::Step& s : lever->steps) dates.push_back(s.from);
  return dates;
}

/// Carrier state during a run.
struct CarrierState {
  std::uint32_t capacity;
  std::uint32_t occupied;
  bool open;
};

/// Bureau payment kinds, each a metric column.
constexpr Metric kPayKinds[] = {Metric::hte_rewards_paid, Metric::rd_subsidies_paid, Metric::patent_subsidies_paid,
                                Metric::talent_paid};

/// The value of every lever a handler reads, in force over a window of time: handlers read a
/// field instead of walking each schedule's steps (several times per event), and the window
/// moves when the time leaves it. The values are those of Schedule::at.
class LeversInForce {
 public:
  struct Values {
    double hte_reward_new, hte_reward_renewal, rd_subsidy_rate, rd_subsidy_cap, patent_subsidy_application,
        patent_subsidy_grant, outreach, talent_firms_per_year, talent_cost_per_firm, deduction_manufacturing,
        deduction_other;
  };

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
                   {&p.rd.deduction_other, &Values::deduction_other}} {}

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

}  // namespace

/// The records of the initial firms and where each one's review stream stands after its draws.
/// (The stream that interleaves the groups serves the drawing only, so it is not carried over.)
struct InitialPopulation {
  std::vector<FirmState> firms;
  std::vector<std::uint32_t> review_blocks;
};

namespace {

class InnovationModel {
 public:
  InnovationModel(const Parameters& p, std::uint64_t seed, std::uint32_t replication, EventSink* sink)
      : p_(p),
        sink_(sink),
        sim_(seed, replication, year_start(p.start_year)),
        hazard_(p.exit),
        rd_decay_one_year_(std::exp(-p.rd.adjustment_rate)),
        firms_(sim_.population().add_column<FirmState>("firm")),
        levers_(p) {
    review_ = sim_.add_process("review", Scope::entity, 4, [this](EntityId f) { review(f); });
    exit_ = sim_.add_process("exit", Scope::entity, 5, [this](EntityId f) { exit(f); });
    patent_ = sim_.add_process("patent_application", Scope::entity, 6, [this](EntityId f) { apply_patent(f); });
    decision_ = sim_.add_process("patent_decision", Scope::entity, 7, [this](EntityId f) { decide_patent(f); });
    new_year_ = sim_.add_process("new_year", Scope::global, 0, [this](EntityId) { new_year(); });
    carrier_opening_ = sim_.add_process("carrier_opening", Scope::global, 1, [this](EntityId) { open_carriers(); });
    policy_change_ = sim_.add_process("policy_change", Scope::global, 1, [this](EntityId) { change_policy(); });
    hte_round_ = sim_.add_process("hte_round", Scope::global, 2, [this](EntityId) { hte_round(); });
    platform_build_ = sim_.add_process("platform_build", Scope::global, 3, [this](EntityId) { build_platforms(); });
    entry_ = sim_.add_process("entry", Scope::global, 8, [this](EntityId) { enter(); });
    initial_order_ = sim_.add_process("initial_order", Scope::global, 9);  // a stream only
    sim_.set_in_order(review_);  // every review is followed by the next one a year later
    // Without patent subsidies a firm's patent events touch only the firm (the patents held are
    // a sum, read at year end), so they wait out of the queue until the firm is next read. A
    // subsidy is paid from the fund in time order, and a sink expects events in time order.
    if (sink_ == nullptr && !pays_patent_subsidies(p)) {
      sim_.set_deferred(patent_);
      sim_.set_deferred(decision_);
    }
    for (const ProcessId firm_process : {review_, exit_, patent_, decision_})
      sim_.set_prefetch(firm_process, [this](EntityId f) { prefetch_firm(f); });
    samplers_.reserve(p.initial.size() + 1);
    for (const InitialGroup& g : p.initial) samplers_.emplace_back(g.attributes);
    samplers_.emplace_back(p.entry.attributes);
  }

  /// Draws the initial firms only, as setup would, and hands them over.
  std::shared_ptr<const InitialPopulation> draw_initial() {
    const std::size_t initial = initial_firm_count();
    sim_.reserve(initial);
    begin_setup();
    create_initial_population(initial);
    auto drawn = std::make_shared<InitialPopulation>();
    drawn->firms.reserve(initial);
    drawn->review_blocks.reserve(initial);
    for (EntityId f = 0; f < initial; ++f) {
      drawn->firms.push_back(firms_[f]);
      drawn->review_blocks.push_back(sim_.stream_position(review_, f));
    }
    return drawn;
  }

  /// Runs the replication, from initial firms drawn by another run if given (null: draws them).
  RunResult run(const InitialPopulation* initial) {
    setup(initial);
    return finish();
  }

  /// Runs the replication up to (not including) `until` and leaves it there.
  void pause(const InitialPopulation* initial, Time until) {
    setup(initial);
    sim_.run_until(until);
  }

  /// Takes over a run that another model paused, under these parameters, and runs it to the end.
  /// The two parameter sets agree on everything before the pause (shared_until), so the state
  /// carries over as it is, except what is kept per parameter set: the carriers (those opening
  /// after the pause may differ) and the dated events from the pause on.
  RunResult resume(const InnovationModel& paused) {
    sim_.reserve(paused.sim_.population().issued() + expected_entries() + 1024);  // room the copy keeps
    sim_.continue_from(paused.sim_);
    const Time start = year_start(p_.start_year);
    carriers_.reserve(p_.carriers.size());
    for (std::size_t c = 0; c < p_.carriers.size(); ++c)
      carriers_.push_back(c < paused.carriers_.size()
                              ? paused.carriers_[c]
                              : CarrierState{p_.carriers[c].capacity, 0, p_.carriers[c].opens <= start});
    district_ = paused.district_;
    schedule_dated_events(true);  // this scenario's, replacing the paused run's
    return finish();
  }

  /// Heap bytes of the kernel and the firm records.
  std::size_t memory_bytes() const { return sim_.kernel_memory_bytes() + sim_.population().memory_bytes(); }

 private:
  /// Runs to the end and reports.
  RunResult finish() {
    sim_.run_until(year_start(p_.end_year + 1));
    close_year(p_.end_year);
    RunResult r;
    r.metrics = std::move(district_.table);
    r.events = sim_.events_fired();
    r.firms_created = sim_.population().issued();
    r.memory_bytes = memory_bytes();
    return r;
  }

  /// Whether any patent subsidy is ever above zero: claims the fund pays in time order.
  static bool pays_patent_subsidies(const Parameters& p) {
    for (const Schedule* lever : {&p.policy.patent_subsidy_application, &p.policy.patent_subsidy_grant})
      for (const Schedule::Step& step : lever->steps)
        if (step.value > 0.0) return true;
    return false;
  }

  // ---- set-up --------------------------------------------------------------------------------

  std::size_t initial_firm_count() const {
    std::size_t initial = 0;
    for (const InitialGroup& g : p_.initial) initial += g.count;
    return initial;
  }

  /// What the initial firms are drawn into: the first year's books and the certificate cohorts.
  void begin_setup() {
    district_.table.first_year = p_.start_year;
    district_.cohorts.assign(static_cast<std::size_t>(p_.end_year - p_.start_year + 2 * validity_years() + 2), {});
    begin_year(p_.start_year);
  }

  void setup(const InitialPopulation* drawn) {
    const Time start = year_start(p_.start_year);
    const std::size_t initial = initial_firm_count();
    sim_.reserve(initial + expected_entries() + 1024);
    carriers_.reserve(p_.carriers.size());
    for (const Carrier& c : p_.carriers) carriers_.push_back({c.capacity, 0, c.opens <= start});
    begin_setup();
    if (drawn != nullptr)
      adopt_initial_population(*drawn);
    else
      create_initial_population(initial);
    fill_initial_carriers();
    std::uint32_t platforms = p_.initial_platforms + p_.initial_workstations;
    for (const PlatformBuild& b : p_.platform_builds)
      if (b.date <= start) platforms += b.count;
    attach_platforms(platforms, start);
    // Accounting anniversaries are stratified over the year in id order: firm f reviews in the
    // f-th slice. Groups are interleaved at random, so the order carries no information, and the
    // yearly reviews then sweep the firm records in memory order instead of jumping at random.
    const double slice = 1.0 / static_cast<double>(std::max<std::size_t>(initial, 1));
    for (EntityId f = 0; f < sim_.population().issued(); ++f) {
      RandomStream s = sim_.stream(review_, f);
      sim_.schedule(review_, f, start + (f + s.uniform()) * slice);
      schedule_exit(f);
      refresh_patent_rate(f);
      if (sim_.pending_time(review_, f) > round_time(p_.start_year)) renew_before_first_review(f, s);
    }
    sim_.schedule(new_year_, year_start(p_.start_year + 1));
    sim_.schedule(hte_round_, round_time(p_.start_year));
    schedule_dated_events(false);
    refresh_entry_rate();
  }

  /// Entrants over the run at the starting entry rate (the highest talent rate), plus four
  /// standard deviations: room reserved up front, since growing by doubling would strand up to
  /// half of every per-firm array.
  std::size_t expected_entries() const {
    const EntryParameters& e = p_.entry;
    double slots = 0.0, talent = 0.0;  // free at the start, or when the carrier opens
    for (const Carrier& c : p_.carriers)
      slots += c.capacity * (c.opens <= year_start(p_.start_year) ? 1.0 - c.initial_occupancy : 1.0);
    for (const Schedule::Step& step : p_.policy.talent_firms_per_year.steps) talent = std::max(talent, step.value);
    const double years = p_.end_year - p_.start_year + 1;
    const double mean = (e.base_rate + e.rate_per_free_slot * slots + e.in_migration_rate + talent) * years;
    return static_cast<std::size_t>(mean + 4.0 * std::sqrt(mean));
  }

  /// Creates the initial firms with their groups interleaved at random (a draw from the remaining
  /// counts for each id), so that no group clusters in id order.
  void create_initial_population(std::size_t total) {
    std::vector<std::uint64_t> left;
    for (const InitialGroup& g : p_.initial) left.push_back(g.count);
    RandomStream s = sim_.stream(initial_order_);
    for (std::size_t remaining = total; remaining > 0; --remaining) {
      auto pick = static_cast<std::uint64_t>(s.uniform() * static_cast<double>(remaining));
      std::size_t g = 0;
      while (pick >= left[g]) pick -= left[g++];
      --left[g];
      create_initial_firm(g);
    }
  }

  /// Draws a firm's attributes until they meet the rules of its initial status.
  void create_initial_firm(std::size_t group) {
    const InitialGroup& g = p_.initial[group];
    const EntityId f = sim_.add_entity();
    const Time start = year_start(p_.start_year);
    constexpr int kMaxDraws = 1000;
    for (int attempt = 0;; ++attempt) {
      RandomStream s = sim_.stream(review_, f);
      const double age = s.exponential(1.0 / std::max(g.age_mean, 1e-9));
      draw_attributes(f, samplers_[group], s);
      firms_[f].born = static_cast<float>(start - age);
      backfill_history(f);
      if (meets_initial_status(f, g.status, start)) break;
      if (attempt + 1 == kMaxDraws)
        throw SimulationError("initial group " + std::to_string(group + 1) +
                              ": no firm met the rules of its status in " + std::to_string(kMaxDraws) +
                              " draws; widen its attribute distribution");
    }
    firms_[f].last_review = static_cast<float>(start);
    if (g.status == InitialStatus::hte) {
      RandomStream s = sim_.stream(review_, f);
      const int validity = validity_years();  // certified in one of the rounds before the start
      const int issued = p_.start_year - validity + static_cast<int>(s.uniform() * validity);
      firms_[f].flags |= kHte;
      firms_[f].expiry_year = static_cast<std::int16_t>(issued + validity_years());
    }
    if (g.status != InitialStatus::latent) firms_[f].tech_sme_year = static_cast<std::int16_t>(p_.start_year - 1);
    count_initial_firm(f);
  }

  /// Takes in initial firms drawn by another run with the same key and same-drawing parameters:
  /// their records, and their review streams where the draws left them.
  void adopt_initial_population(const InitialPopulation& drawn) {
    for (std::size_t k = 0; k < drawn.firms.size(); ++k) {
      const EntityId f = sim_.add_entity();
      firms_[f] = drawn.firms[k];
      sim_.set_stream_position(review_, f, drawn.review_blocks[k]);
      count_initial_firm(f);
    }
  }

  /// Books a complete initial firm record: counts, its certificate cohort, its creation event.
  void count_initial_firm(EntityId f) {
    FirmState& firm = firms_[f];
    const bool hte = (firm.flags & kHte) != 0;
    if (hte) {
      cohort(firm.expiry_year - validity_years()).push_back(f);
      ++district_.htes;
    }
    ++district_.alive;
    district_.patents_held += firm.inventions;
    if (sink_ != nullptr) {
      const InitialStatus status = hte                                       ? InitialStatus::hte
                                   : firm.tech_sme_year == p_.start_year - 1 ? InitialStatus::tech_sme
                                                                             : InitialStatus::latent;
      emit(year_start(p_.start_year), f, FirmEventKind::created, revenue(f), static_cast<double>(status));
    }
  }

  bool meets_initial_status(EntityId f, InitialStatus status, Time t) const {
    const FirmAccounts a = accounts(f, t);
    switch (status) {
      case InitialStatus::hte:
        return hte_eligible(a, p_.hte);
      case InitialStatus::tech_sme:
        return tech_sme_eligible(a, p_.tech_sme);
      case InitialStatus::latent:
        return true;
    }
    return true;
  }

  void draw_attributes(EntityId f, AttributeSampler& sampler, RandomStream& s) {
    FirmState& firm = firms_[f];
    const AttributeDistribution& d = *sampler.d;
    boost::random::normal_distribution<double> normal;
    Eigen::Vector4d z;
    for (int i = 0; i < 4; ++i) z[i] = normal(s);
    const Eigen::Vector4d x = sampler.lower * z;
    const double log_rev = sampler.log_revenue_median + d.revenue_log_sd * x[0];
    const double log_emp = sampler.log_employees_median + d.employees_log_sd * x[1];
    const double rd = std::min(0.5, std::exp(sampler.log_rd_median + d.rd_intensity_log_sd * x[2]));
    firm.log_revenue = static_cast<float>(log_rev);
    firm.employee_offset = static_cast<float>(log_emp - p_.growth.employment_elasticity * log_rev);
    firm.rd_base = firm.rd_intensity = static_cast<float>(rd);
    firm.staff_share = static_cast<float>(logistic(sampler.logit_staff_median + d.staff_share_logit_sd * x[3]));
    firm.hitech_share = static_cast<float>(logistic(sampler.logit_hitech_median + d.hitech_share_logit_sd * normal(s)));
    firm.log_asset_ratio = static_cast<float>(sampler.log_asset_ratio_median + d.asset_ratio_log_sd * normal(s));
    firm.flags = s.uniform() < d.manufacturing_share ? kManufacturer : 0;
    firm.inventions = d.invention_patents_mean > 0.0 ? capped(sampler.inventions(s)) : 0;
    firm.other_ip = d.other_ip_mean > 0.0 ? capped(sampler.other_ip(s)) : 0;
  }

  static std::uint16_t capped(int count) { return static_cast<std::uint16_t>(std::min(count, 0xFFFF)); }

  /// An initial firm's last three years of accounts, grown back from today at the base drift.
  void backfill_history(EntityId f) {
    FirmState& firm = firms_[f];
    const double rev = revenue(f);
    const double age = year_start(p_.start_year) - firm.born;
    const auto years = static_cast<std::uint8_t>(std::clamp(std::floor(age), 1.0, 3.0));
    for (std::size_t k = 0; k < 3; ++k) {
      const double r = rev * std::exp(-p_.growth.drift * static_cast<double>(k));
      firm.revenue_history[k] = static_cast<float>(r);
      firm.rd_history[k] = static_cast<float>(r * firm.rd_intensity);
    }
    firm.history_length = years;
  }

  /// Puts the youngest initial firms into the carriers open at the start.
  void fill_initial_carriers() {
    std::size_t slots = 0;
    for (std::size_t c = 0; c < carriers_.size(); ++c)
      if (carriers_[c].open)
        slots += static_cast<std::size_t>(std::lround(p_.carriers[c].initial_occupancy * carriers_[c].capacity));
    std::vector<EntityId> by_age(sim_.population().issued());
    for (EntityId f = 0; f < by_age.size(); ++f) by_age[f] = f;
    const auto younger = [this](EntityId a, EntityId b) {
      return firms_[a].born != firms_[b].born ? firms_[a].born > firms_[b].born : a < b;
    };
    const std::size_t needed = std::min(slots, by_age.size());
    std::partial_sort(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(needed), by_age.end(), younger);
    std::size_t next = 0;
    for (std::size_t c = 0; c < carriers_.size(); ++c) {
      if (!carriers_[c].open) continue;
      const auto want =
          static_cast<std::uint32_t>(std::lround(p_.carriers[c].initial_occupancy * carriers_[c].capacity));
      while (carriers_[c].occupied < want && next < by_age.size()) {
        firms_[by_age[next++]].carrier = static_cast<std::uint16_t>(c);
        ++carriers_[c].occupied;
      }
    }
  }

  // ---- the annual review ---------------------------------------------------------------------

  void review(EntityId f) {
    const Time t = sim_.now();
    const int year = year_of(t);
    RandomStream s = sim_.stream(review_, f);
    // A fixed set of draws per review keeps a firm's stream aligned across scenarios. They come
    // first: the catch-up below uses other streams, and the processor can work on both at once.
    boost::random::normal_distribution<double> normal;
    const double z = normal(s);
    const auto [register_draw, apply_draw, pass_draw] = s.uniforms21();
    sim_.catch_up(f);  // patents granted before now count in this review

    grow(f, t, z);
    close_accounts(f);
    if (sink_ != nullptr) emit(t, f, FirmEventKind::reviewed, revenue(f), employees(f));
    claim_rd_subsidy(f, t);
    if (firms_[f].carrier != kNoCarrier && age(f, t) >= p_.entry.residence_years) graduate(f, t);
    const FirmAccounts a = accounts(f, t);
    evaluate_tech_sme(f, a, year, register_draw, t);
    consider_hte(f, a, t, apply_draw, pass_draw);
    sim_.schedule(review_, f, t + 1.0);
    refresh_patent_rate(f);
    refresh_exit(f, a.employees);
  }

  /// Revenue by its GBM law over the time since the last review, and R&D intensity relaxed toward
  /// its target over the same time (exact for a target constant in between).
  void grow(EntityId f, Time t, double z) {
    FirmState& firm = firms_[f];
    const GrowthParameters& g = p_.growth;
    // Whole days, like ages: consecutive reviews are then exactly one year apart, and the
    // one-year decay and square root come from the constructor instead of exp and sqrt.
    const double dt = std::round((t - firm.last_review) * 365.0) / 365.0;
    const bool one_year = dt == 1.0;
    const std::uint8_t flags = firm.flags;
    const double mu = g.drift + ((flags & kHte) != 0 ? g.hte_drift_bonus : 0.0) +
                      ((flags & kSubsidised) != 0 ? g.subsidised_drift_bonus : 0.0);
    firm.log_revenue = static_cast<float>(firm.log_revenue + (mu - 0.5 * g.volatility * g.volatility) * dt +
                                          g.volatility * (one_year ? 1.0 : std::sqrt(dt)) * z);
    const double target = rd_target(f, t);
    firm.rd_intensity =
        static_cast<float>(target + (firm.rd_intensity - target) *
                                        (one_year ? rd_decay_one_year_ : std::exp(-p_.rd.adjustment_rate * dt)));
    firm.last_review = static_cast<float>(t);
    firm.flags = static_cast<std::uint8_t>(flags & ~kSubsidised);
  }

  /// Target R&D intensity: the firm's own level scaled by the user cost of R&D relative to the
  /// regime its level was observed under (super-deduction times tax rate, minus the subsidy).
  double rd_target(EntityId f, Time t) const {
    const FirmState& firm = firms_[f];
    const RdParameters& r = p_.rd;
    const std::uint8_t flags = firm.flags;
    const double deduction =
        (flags & kManufacturer) != 0 ? levers_.at(t).deduction_manufacturing : levers_.at(t).deduction_other;
    const double tax = (flags & kHte) != 0 ? r.hte_tax_rate : r.tax_rate;
    const double subsidy = (flags & kRdSubsidised) != 0 ? levers_.at(t).rd_subsidy_rate : 0.0;
    const double reference_cost = 1.0 - r.reference_deduction * r.tax_rate;
    const double cost = std::max(0.05, 1.0 - deduction * tax - subsidy);
    const double platform = (flags & kPlatform) != 0 ? r.platform_multiplier : 1.0;
    const double relative = reference_cost / cost;
    const double response = r.cost_elasticity == 1.0 ? relative : std::pow(relative, r.cost_elasticity);
    return std::min(0.5, firm.rd_base * response * platform);
  }

  /// Books the accounting year that ends at this review.
  void close_accounts(EntityId f) {
    FirmState& firm = firms_[f];
    const double rev = revenue(f);
    const double rd = rev * firm.rd_intensity;
    auto& revs = firm.revenue_history;
    auto& rds = firm.rd_history;
    revs = {static_cast<float>(rev), revs[0], revs[1]};
    rds = {static_cast<float>(rd), rds[0], rds[1]};
    firm.history_length = static_cast<std::uint8_t>(std::min(3, firm.history_length + 1));
    district_.year[Metric::rd_spend] += rd;
    if ((firm.flags & kHte) != 0) district_.hte_rd += rd;
  }

  void claim_rd_subsidy(EntityId f, Time t) {
    FirmState& firm = firms_[f];
    const double rate = levers_.at(t).rd_subsidy_rate;
    firm.flags = static_cast<std::uint8_t>(firm.flags & ~kRdSubsidised);
    if (rate <= 0.0) return;
    const double amount = std::min(rate * firm.rd_history[0], levers_.at(t).rd_subsidy_cap);
    if (amount > 0.0 && pay(Metric::rd_subsidies_paid, amount)) {
      firm.flags |= kRdSubsidised | kSubsidised;
      emit(t, f, FirmEventKind::rd_subsidy_paid, amount);
    }
  }

  void evaluate_tech_sme(EntityId f, const FirmAccounts& a, int year, double draw, Time t) {
    FirmState& firm = firms_[f];
    if (!tech_sme_eligible(a, p_.tech_sme)) return;
    const bool renewing = firm.tech_sme_year == year - 1;
    const double p = renewing ? p_.tech_sme.renew_probability
                              : std::min(1.0, p_.tech_sme.register_probability + levers_.at(t).outreach);
    if (firm.tech_sme_year == year || draw >= p) return;
    firm.tech_sme_year = static_cast<std::int16_t>(year);
    district_.year[Metric::tech_smes] += 1.0;
    if (sink_ != nullptr) emit(t, f, FirmEventKind::tech_sme_registered, tech_sme_score(a).total(), a.revenue);
  }

  void consider_hte(EntityId f, const FirmAccounts& a, Time t, double apply_draw, double pass_draw) {
    FirmState& firm = firms_[f];
    const std::uint8_t flags = firm.flags;
    if ((flags & kApplied) != 0) return;
    const bool renewal = (flags & kHte) != 0;
    if (renewal && firm.expiry_year != next_round_year(t)) return;  // not yet in its renewal window
    if (!hte_eligible(a, p_.hte)) return;
    const HteParameters& h = p_.hte;
    const double promised = renewal ? levers_.at(t).hte_reward_renewal : levers_.at(t).hte_reward_new;
    const double reward = district_.budget_left >= promised ? promised : 0.0;  // firms learn when the fund cannot pay
    const double p0 = renewal ? h.renew_probability : h.apply_probability;
    const double p = p0 + (1.0 - p0) * (1.0 - std::exp(-h.apply_probability_per_100k * reward / 1.0e5));
    const bool coached = district_.coaching_left >= 1.0;
    if (!coached && apply_draw >= p) return;
    if (coached) district_.coaching_left -= 1.0;
    district_.applications.push_back({f, pass_draw, coached});
    firm.flags = static_cast<std::uint8_t>(flags | kApplied);
    emit(t, f, FirmEventKind::hte_applied, a.rd_ratio_3y, hte_required_rd_ratio(a.revenue, p_.hte));
  }

  /// A certificate expiring at the first round belongs to a firm whose renewal review fell before
  /// the start when its first review comes after that round; it decides on renewal at the start.
  void renew_before_first_review(EntityId f, RandomStream& s) {
    FirmState& firm = firms_[f];
    if ((firm.flags & kHte) == 0 || firm.expiry_year != p_.start_year) return;
    const Time start = year_start(p_.start_year);
    const double apply_draw = s.uniform32();
    const double pass_draw = s.uniform32();
    consider_hte(f, accounts(f, start), start, apply_draw, pass_draw);
  }

  // ---- the HTE round -------------------------------------------------------------------------

  void hte_round() {
    const Time t = sim_.now();
    const int year = year_of(t);
    for (const Application& app : district_.applications) {
      const EntityId f = app.firm;
      if (!sim_.population().alive(f)) continue;
      firms_[f].flags = static_cast<std::uint8_t>(firms_[f].flags & ~kApplied);
      const double pass = app.coached ? p_.hte.coached_pass_probability : p_.hte.pass_probability;
      if (app.pass_draw >= pass) {
        emit(t, f, FirmEventKind::hte_rejected, 0.0);
        continue;
      }
      certify(f, t, year);
    }
    district_.applications.clear();
    for (const EntityId f : cohort(year - validity_years())) {
      FirmState& firm = firms_[f];
      if (!sim_.population().alive(f) || (firm.flags & kHte) == 0 || firm.expiry_year != year) continue;
      firm.flags = static_cast<std::uint8_t>(firm.flags & ~kHte);
      --district_.htes;
      district_.year[Metric::hte_lapsed] += 1.0;
      emit(t, f, FirmEventKind::hte_lapsed, 0.0);
      refresh_exit(f);
    }
    std::vector<EntityId>().swap(cohort(year - validity_years()));
    sim_.schedule(hte_round_, round_time(year + 1));
  }

  void certify(EntityId f, Time t, int year) {
    FirmState& firm = firms_[f];
    const bool renewal = (firm.flags & kHte) != 0;
    firm.expiry_year = static_cast<std::int16_t>(year + validity_years());
    cohort(year).push_back(f);
    const double reward = renewal ? levers_.at(t).hte_reward_renewal : levers_.at(t).hte_reward_new;
    const bool paid = reward > 0.0 && pay(Metric::hte_rewards_paid, reward);
    if (paid) firm.flags |= kSubsidised;
    if (renewal) {
      district_.year[Metric::hte_renewed] += 1.0;
    } else {
      firm.flags |= kHte;
      ++district_.htes;
      district_.year[Metric::hte_new] += 1.0;
      refresh_exit(f);
    }
    emit(t, f, renewal ? FirmEventKind::hte_renewed : FirmEventKind::hte_certified, paid ? reward : 0.0);
  }

  int validity_years() const noexcept { return static_cast<int>(std::lround(p_.hte.validity_years)); }
  Time round_time(int year) const { return to_time(Date{year, p_.hte.round_date.month, p_.hte.round_date.day}); }
  int next_round_year(Time t) const { return t < round_time(year_of(t)) ? year_of(t) : year_of(t) + 1; }
  std::vector<EntityId>& cohort(int year) {
    return district_.cohorts.at(static_cast<std::size_t>(year - (p_.start_year - validity_years() - 1)));
  }

  // ---- patents -------------------------------------------------------------------------------

  /// Applications per year without the subsidy effect, from the latest year's R&D spend; kept in
  /// the firm's record by refresh_patent_rate, the one place its inputs change.
  double base_patent_rate(EntityId f) const {
    const FirmState& firm = firms_[f];
    const PatentParameters& pp = p_.patents;
    const double rd_millions = firm.rd_history[0] / 1.0e6;
    // exp(e log x) rather than pow: glibc's pow is exact to the last bit and several times
    // slower, and this runs at every review.
    const double scaled = rd_millions > 0.0 ? std::exp(pp.rd_elasticity * std::log(rd_millions)) : 0.0;
    const double rate = pp.base_rate + pp.rate_per_million_rd * scaled;
    return rate * ((firm.flags & kPlatform) != 0 ? pp.platform_multiplier : 1.0);
  }

  /// The subsidy raises patenting only while the fund can pay a claim in full.
  bool patent_subsidy_payable(Time t) const {
    const double claim = std::max(levers_.at(t).patent_subsidy_application, levers_.at(t).patent_subsidy_grant);
    return claim > 0.0 && district_.budget_left >= claim;
  }

  double subsidy_boost(Time t) const {
    const double expected = levers_.at(t).patent_subsidy_application +
                            p_.patents.invention_grant_probability * levers_.at(t).patent_subsidy_grant;
    return 1.0 + p_.patents.subsidy_effect_per_10k * p_.patents.invention_share * expected / 1.0e4;
  }

  /// Applications per year now, the subsidy effect included while the fund can pay it.
  double patent_rate_now(EntityId f) const {
    return firms_[f].base_patent_rate * (patent_subsidy_payable(sim_.now()) ? subsidy_boost(sim_.now()) : 1.0);
  }

  /// Keeps the pending application valid for the firm's new rate. A lower rate keeps the event:
  /// it was drawn from a dominating process and is thinned when it fires. A higher rate moves it
  /// by a random time change, so the unused part of its exponential clock carries over.
  void refresh_patent_rate(EntityId f) {
    FirmState& firm = firms_[f];
    firm.base_patent_rate = static_cast<float>(base_patent_rate(f));
    const double rate = patent_rate_now(f);
    const double old = firm.patent_rate;
    if (rate <= old && sim_.is_pending(patent_, f)) return;
    firm.patent_rate = static_cast<float>(rate);
    time_change(patent_, f, old, firm.patent_rate);
  }

  void time_change(ProcessId process, EntityId f, double old_rate, double new_rate) {
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

  void apply_patent(EntityId f) {
    FirmState& firm = firms_[f];
    const Time t = sim_.now();
    RandomStream s = sim_.stream(patent_, f);
    const double thin_draw = s.uniform32();
    const double type_draw = s.uniform32();
    const double scheduled_rate = firm.patent_rate;
    // Thinning: the event came at the rate it was drawn at, which bounds the rate now in force
    // (lower after a bad year, or without a payable subsidy, so unpaid subsidies have no effect).
    const double effective = patent_rate_now(f);
    firm.patent_rate = static_cast<float>(effective);
    if (effective > 0.0) sim_.schedule(patent_, f, t + s.exponential(firm.patent_rate));
    if (thin_draw * scheduled_rate >= effective) return;
    const double subsidy = levers_.at(t).patent_subsidy_application;
    const bool invention = type_draw < p_.patents.invention_share;
    const double old_rate = decision_rate(f);
    if (invention) {
      if (firm.pending_inventions < 0xFF) ++firm.pending_inventions;
      if (subsidy > 0.0) pay(Metric::patent_subsidies_paid, subsidy);
    } else if (firm.pending_other < 0xFF) {
      ++firm.pending_other;
    }
    emit(t, f, FirmEventKind::patent_applied, invention ? 1.0 : 0.0);
    time_change(decision_, f, old_rate, decision_rate(f));
  }

  /// Pending applications are decided independently after exponential delays.
  double decision_rate(EntityId f) const {
    const FirmState& firm = firms_[f];
    return firm.pending_inventions / p_.patents.invention_delay_mean + firm.pending_other / p_.patents.other_delay_mean;
  }

  void decide_patent(EntityId f) {
    FirmState& firm = firms_[f];
    const Time t = sim_.now();
    RandomStream s = sim_.stream(decision_, f);
    const double which = s.uniform32();
    const double grant = s.uniform32();
    const double rate = decision_rate(f);
    const bool invention = which * rate < firm.pending_inventions / p_.patents.invention_delay_mean;
    const PatentParameters& pp = p_.patents;
    bool granted;
    if (invention) {
      --firm.pending_inventions;
      granted = grant < pp.invention_grant_probability;
      if (granted) {
        if (firm.inventions < 0xFFFF) {
          ++firm.inventions;
          ++district_.patents_held;
        }
        const double subsidy = levers_.at(t).patent_subsidy_grant;
        if (subsidy > 0.0) pay(Metric::patent_subsidies_paid, subsidy);
      }
    } else {
      --firm.pending_other;
      granted = grant < pp.other_grant_probability;
      if (granted && firm.other_ip < 0xFFFF) ++firm.other_ip;
    }
    emit(t, f, granted ? FirmEventKind::patent_granted : FirmEventKind::patent_refused, invention ? 1.0 : 0.0);
    const double next = decision_rate(f);
    if (next > 0.0) sim_.schedule(decision_, f, t + s.exponential(next));
  }

  // ---- exit ----------------------------------------------------------------------------------

  std::uint8_t current_exit_bits(EntityId f, double staff) const {
    const FirmState& firm = firms_[f];
    std::uint8_t bits = 0;
    if ((firm.flags & kHte) != 0) bits |= kExitHte;
    if (firm.carrier != kNoCarrier) bits |= kExitIncubated;
    if (staff > p_.exit.large_employees) bits |= kExitLarge;
    return bits;
  }

  double exit_multiplier(std::uint8_t bits) const {
    const ExitParameters& e = p_.exit;
    return ((bits & kExitHte) != 0 ? e.hte_multiplier : 1.0) *
           ((bits & kExitIncubated) != 0 ? e.incubated_multiplier : 1.0) *
           ((bits & kExitLarge) != 0 ? e.large_multiplier : 1.0);
  }

  /// Draws the exit time by inverting the integrated age hazard.
  void schedule_exit(EntityId f) {
    FirmState& firm = firms_[f];
    firm.exit_bits = current_exit_bits(f, employees(f));
    RandomStream s = sim_.stream(exit_, f);
    move_exit(f, s.exponential(1.0), exit_multiplier(firm.exit_bits));
  }

  /// Schedules exit where the integrated hazard from now, times the multiplier, reaches `budget`.
  void move_exit(EntityId f, double budget, double multiplier) {
    FirmState& firm = firms_[f];
    const double age = sim_.now() - firm.born;
    const double target = hazard_.cumulative(age) + budget / multiplier;
    const double exit_age = hazard_.inverse(target);
    if (std::isfinite(exit_age))
      sim_.schedule(exit_, f, std::max(sim_.now(), static_cast<double>(firm.born) + exit_age));
    else
      sim_.cancel(exit_, f);
  }

  /// When the multiplier changes, the hazard still owed carries over (a random time change).
  void refresh_exit(EntityId f) { refresh_exit(f, employees(f)); }
  /// The same, with the firm's employees already at hand (the review has them).
  void refresh_exit(EntityId f, double staff) {
    FirmState& firm = firms_[f];
    const std::uint8_t bits = current_exit_bits(f, staff);
    if (bits == firm.exit_bits) return;
    const double old_multiplier = exit_multiplier(firm.exit_bits);
    firm.exit_bits = bits;
    const Time pending = sim_.pending_time(exit_, f);
    if (!(pending == pending)) return;
    const double age = sim_.now() - firm.born;
    const double owed = (hazard_.cumulative(pending - firm.born) - hazard_.cumulative(age)) * old_multiplier;
    move_exit(f, owed, exit_multiplier(bits));
  }

  void exit(EntityId f) {
    sim_.catch_up(f);
    const Time t = sim_.now();
    if ((firms_[f].flags & kHte) != 0) --district_.htes;
    district_.patents_held -= firms_[f].inventions;
    if (firms_[f].carrier != kNoCarrier) leave_carrier(f);
    --district_.alive;
    district_.year[Metric::exits] += 1.0;
    emit(t, f, FirmEventKind::exited, t - firms_[f].born);
    sim_.remove_entity(f);
  }

  // ---- entry and carriers --------------------------------------------------------------------

  /// Entry rate parts: base, incubated (per free slot), in-migration, talent programme.
  std::array<double, 4> entry_rates() const {
    const EntryParameters& e = p_.entry;
    const Time t = sim_.now();
    const bool payable = district_.budget_left >= levers_.at(t).talent_cost_per_firm;  // thinned again on arrival
    return {e.base_rate, e.rate_per_free_slot * static_cast<double>(free_slots()), e.in_migration_rate,
            payable ? levers_.at(t).talent_firms_per_year : 0.0};
  }

  void refresh_entry_rate() {
    const std::array<double, 4> parts = entry_rates();
    const double rate = parts[0] + parts[1] + parts[2] + parts[3];
    time_change(entry_, kNoEntity, district_.entry_rate, rate);
    district_.entry_rate = rate;
  }

  /// A dated lever change. The entry rate holds lever values, so it is refreshed now; firms'
  /// patent clocks hold the patent subsidies too and pick a change up at their next review or
  /// application; every other lever is read when used.
  void change_policy() {
    refresh_entry_rate();
    schedule_next_dated(policy_change_, entry_policy_dates());
  }

  void enter() {
    const Time t = sim_.now();
    RandomStream s = sim_.stream(entry_);
    // Every change of a rate part refreshes the schedule except the talent part falling away
    // when the fund runs low; the parts now in force never exceed the rate the event was drawn
    // at, and the shortfall is thinned out.
    const std::array<double, 4> parts = entry_rates();
    double u = s.uniform() * district_.entry_rate;
    std::size_t kind = 0;
    while (kind < 4 && u >= parts[kind]) u -= parts[kind++];
    district_.entry_rate = 0.0;  // nothing is pending now: the refresh below draws a fresh gap
    if (kind == 4 || (kind == 3 && !pay(Metric::talent_paid, levers_.at(t).talent_cost_per_firm))) {
      refresh_entry_rate();
      return;
    }
    const EntityId f = sim_.add_entity();
    RandomStream fs = sim_.stream(review_, f);
    draw_attributes(f, samplers_.back(), fs);
    firms_[f].born = firms_[f].last_review = static_cast<float>(t);
    const double rev = revenue(f);
    firms_[f].revenue_history = {static_cast<float>(rev), 0.0F, 0.0F};
    firms_[f].rd_history = {static_cast<float>(rev * firms_[f].rd_intensity), 0.0F, 0.0F};
    firms_[f].history_length = 0;
    if (kind == 1) take_slot(f);
    ++district_.alive;
    district_.patents_held += firms_[f].inventions;
    district_.year[Metric::entries] += 1.0;
    emit(t, f, FirmEventKind::entered, static_cast<double>(kind));
    sim_.schedule(review_, f, t + 1.0);
    schedule_exit(f);
    refresh_patent_rate(f);
    refresh_entry_rate();
  }

  std::uint64_t free_slots() const {
    std::uint64_t free = 0;
    for (const CarrierState& c : carriers_)
      if (c.open) free += c.capacity - c.occupied;
    return free;
  }

  /// An incubated entrant takes a slot in the open carrier with the most free slots.
  void take_slot(EntityId f) {
    std::size_t best = carriers_.size();
    std::uint32_t most = 0;
    for (std::size_t c = 0; c < carriers_.size(); ++c) {
      const std::uint32_t free = carriers_[c].open ? carriers_[c].capacity - carriers_[c].occupied : 0;
      if (free > most) most = free, best = c;
    }
    if (best == carriers_.size()) return;
    ++carriers_[best].occupied;
    firms_[f].carrier = static_cast<std::uint16_t>(best);
  }

  void leave_carrier(EntityId f) {
    FirmState& firm = firms_[f];
    --carriers_[firm.carrier].occupied;
    firm.carrier = kNoCarrier;
    refresh_entry_rate();
  }

  void graduate(EntityId f, Time t) {
    leave_carrier(f);
    emit(t, f, FirmEventKind::graduated, 0.0);
  }

  void open_carriers() {
    const Time t = sim_.now();
    for (std::size_t c = 0; c < carriers_.size(); ++c)
      if (p_.carriers[c].opens == t) carriers_[c].open = true;
    refresh_entry_rate();
    schedule_next_dated(carrier_opening_, carrier_dates());
  }

  // ---- platforms -----------------------------------------------------------------------------

  void build_platforms() {
    const Time t = sim_.now();
    std::uint32_t count = 0;
    for (const PlatformBuild& b : p_.platform_builds)
      if (b.date == t) count += b.count;
    attach_platforms(count, t);
    schedule_next_dated(platform_build_, platform_dates());
  }

  /// Attaches platforms to the alive firms with the largest R&D spend that have none.
  void attach_platforms(std::uint32_t count, Time t) {
    std::vector<EntityId> candidates;
    sim_.population().for_each_alive([&](EntityId f) {
      if ((firms_[f].flags & kPlatform) == 0) candidates.push_back(f);
    });
    const std::size_t n = std::min<std::size_t>(count, candidates.size());
    auto larger = [this](EntityId a, EntityId b) {
      const double ra = firms_[a].rd_history[0], rb = firms_[b].rd_history[0];
      return ra != rb ? ra > rb : a < b;
    };
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n), candidates.end(),
                      larger);
    for (std::size_t i = 0; i < n; ++i) {
      sim_.catch_up(candidates[i]);  // its patent clock changes below
      firms_[candidates[i]].flags |= kPlatform;
      emit(t, candidates[i], FirmEventKind::platform_attached, 0.0);
      if (t > year_start(p_.start_year)) refresh_patent_rate(candidates[i]);
    }
  }

  // ---- dated global events -------------------------------------------------------------------

  std::vector<Time> carrier_dates() const {
    std::vector<Time> d;
    for (const Carrier& c : p_.carriers) d.push_back(c.opens);
    return d;
  }
  std::vector<Time> platform_dates() const {
    std::vector<Time> d;
    for (const PlatformBuild& b : p_.platform_builds) d.push_back(b.date);
    return d;
  }
  std::vector<Time> entry_policy_dates() const { return innovation::entry_policy_dates(p_.policy); }

  /// Schedules the next carrier opening, platform build and entry-policy change (see below).
  void schedule_dated_events(bool including_now) {
    schedule_next_dated(carrier_opening_, carrier_dates(), including_now);
    schedule_next_dated(platform_build_, platform_dates(), including_now);
    schedule_next_dated(policy_change_, entry_policy_dates(), including_now);
  }

  /// Schedules a global process at the earliest of the dates strictly ahead, if any; what is
  /// dated on or before the start is part of the initial state. A resumed run, where nothing at
  /// the current time has happened yet, counts the current time as ahead.
  void schedule_next_dated(ProcessId process, const std::vector<Time>& dates, bool including_now = false) {
    const Time now = sim_.now();
    Time next = std::numeric_limits<Time>::infinity();
    for (const Time d : dates)
      if ((d > now || (including_now && d == now)) && d < next) next = d;
    if (std::isfinite(next))
      sim_.schedule(process, next);
    else
      sim_.cancel(process);  // none ahead: a resumed run drops the paused run's
  }

  // ---- money and years -----------------------------------------------------------------------

  /// Pays a claim in full from the special fund, or refuses it when the fund cannot cover it.
  bool pay(Metric kind, double amount) {
    if (amount > district_.budget_left) {
      district_.year[Metric::unpaid_claims] += 1.0;
      return false;
    }
    district_.budget_left -= amount;
    district_.year[kind] += amount;
    return true;
  }

  void begin_year(int year) {
    district_.year.fill(0.0);
    district_.hte_rd = 0.0;
    const Time t = year_start(year);
    district_.budget_left = std::max(0.0, p_.policy.budget.at(t));
    district_.coaching_left = std::max(0.0, p_.policy.coaching_capacity.at(t));
  }

  void new_year() {
    const int year = year_of(sim_.now());
    sim_.catch_up_all();  // the year's report counts the patents held on 31 December
    close_year(year - 1);
    begin_year(year);
    refresh_entry_rate();  // the talent part depends on the new fund
    sim_.schedule(new_year_, year_start(year + 1));
  }

  /// The year-end report: flows of the year plus stocks on 31 December.
  void close_year(int year) {
    if (sink_ != nullptr && sink_->wants_snapshots()) snapshot_firms(year);
    YearMetrics m{};
    for (std::size_t i = 0; i < kMetricCount; ++i) m[i] = district_.year.values[i];
    auto set = [&m](Metric k, double v) { m[static_cast<std::size_t>(k)] = v; };
    set(Metric::htes, static_cast<double>(district_.htes));
    set(Metric::firms_alive, static_cast<double>(district_.alive));
    set(Metric::invention_patents, static_cast<double>(district_.patents_held));
    set(Metric::invention_patents_per_10k, static_cast<double>(district_.patents_held) / p_.region.residents * 1.0e4);
    double subsidies = 0.0;
    for (const Metric k : kPayKinds) subsidies += m[static_cast<std::size_t>(k)];
    set(Metric::subsidies_paid, subsidies);
    set(Metric::budget_left, district_.budget_left);
    std::uint64_t occupied = 0, capacity = 0;
    for (const CarrierState& c : carriers_)
      if (c.open) occupied += c.occupied, capacity += c.capacity;
    set(Metric::carrier_occupancy, static_cast<double>(occupied));
    set(Metric::carrier_capacity, static_cast<double>(capacity));
    std::uint64_t platforms = 0;
    sim_.population().for_each_alive([&](EntityId f) { platforms += (firms_[f].flags & kPlatform) != 0; });
    set(Metric::platforms, static_cast<double>(platforms));
    set(Metric::tech_contract_turnover,
        p_.turnover.per_yuan_hte_rd * district_.hte_rd + p_.turnover.per_platform * static_cast<double>(platforms));
    district_.table.years.push_back(m);
  }

  /// Every alive firm as it stands at the end of the year.
  void snapshot_firms(int year) {
    const Time t = year_start(year + 1);
    sim_.population().for_each_alive([&](EntityId f) {
      const FirmState& firm = firms_[f];
      FirmSnapshot snap;
      snap.year = year;
      snap.firm = f;
      snap.age = age(f, t);
      snap.revenue = firm.revenue_history[0];
      snap.employees = employees(f);
      snap.rd_intensity = firm.rd_intensity;
      snap.staff_share = firm.staff_share;
      snap.hitech_share = firm.hitech_share;
      snap.invention_patents = firm.inventions;
      snap.other_ip = firm.other_ip;
      snap.tech_sme = firm.tech_sme_year == year;
      snap.hte = (firm.flags & kHte) != 0;
      snap.platform = (firm.flags & kPlatform) != 0;
      snap.incubated = firm.carrier != kNoCarrier;
      sink_->on_snapshot(snap);
    });
  }

  // ---- small helpers -------------------------------------------------------------------------

  /// Firms come up in random order, so a firm's record is a cache miss; the kernel calls this a
  /// few events ahead so its lines are on their way when the handler runs.
  void prefetch_firm(EntityId f) const noexcept {
    const char* record = reinterpret_cast<const char*>(&firms_[f]);
    __builtin_prefetch(record);
    __builtin_prefetch(record + sizeof(FirmState) - 1);
  }

  double revenue(EntityId f) const { return std::exp(static_cast<double>(firms_[f].log_revenue)); }
  /// Age in whole days: founding times are floats, so an anniversary review would otherwise see
  /// an age a few seconds short of a whole year and miss an age rule.
  double age(EntityId f, Time t) const { return std::round((t - firms_[f].born) * 365.0) / 365.0; }
  double employees(EntityId f) const {
    const FirmState& firm = firms_[f];
    return std::exp(firm.employee_offset + p_.growth.employment_elasticity * firm.log_revenue);
  }

  FirmAccounts accounts(EntityId f, Time t) const {
    const FirmState& firm = firms_[f];
    FirmAccounts a;
    a.age_years = age(f, t);
    a.employees = employees(f);
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
    a.invention_patents = firm.inventions;
    a.other_ip = firm.other_ip;
    a.valid_hte = (firm.flags & kHte) != 0;
    a.platform = (firm.flags & kPlatform) != 0;
    return a;
  }

  void emit(Time t, EntityId f, FirmEventKind kind, double value, double detail = 0.0) {
    if (sink_ != nullptr) sink_->on_event(FirmEvent{t, f, kind, value, detail});
  }

  /// Flow metrics of the current year, indexed by Metric.
  struct YearFlows {
    std::array<double, kMetricCount> values{};
    double& operator[](Metric m) noexcept { return values[static_cast<std::size_t>(m)]; }
    void fill(double v) noexcept { values.fill(v); }
  };

  const Parameters& p_;
  EventSink* sink_;
  Simulation sim_;
  AgeHazard hazard_;
  double rd_decay_one_year_;                // exp(-adjustment rate): R&D relaxation over one year
  std::vector<AttributeSampler> samplers_;  // one per initial group, then the entrants'
  Column<FirmState>& firms_;
  mutable LeversInForce levers_;  // a cache, so const readers may move its window
  ProcessId review_{}, exit_{}, patent_{}, decision_{}, new_year_{}, carrier_opening_{}, policy_change_{}, hte_round_{},
      platform_build_{}, entry_{}, initial_order_{};
  /// The district's state besides the firms and the carriers: what a paused run hands on whole.
  struct DistrictState {
    std::vector<Application> applications;
    std::vector<std::vector<EntityId>> cohorts;  // certificates issued per round year
    MetricTable table;
    YearFlows year;
    double hte_rd = 0.0;
    double budget_left = 0.0;
    double coaching_left = 0.0;
    double entry_rate = 0.0;
    std::uint64_t htes = 0;
    std::uint64_t alive = 0;
    std::uint64_t patents_held = 0;
  };

  std::vector<CarrierState> carriers_;
  DistrictState district_;
};

}  // namespace

/// A replication paused by pause_run, with the parameters it ran under.
struct PausedRun {
  Parameters parameters;
  std::uint64_t seed;
  std::uint32_t replication;
  Time until;
  std::unique_ptr<InnovationModel> model;  // runs under `parameters` above
};

namespace {

constexpr Time kNever = std::numeric_limits<Time>::infinity();

/// The earliest time at which two schedules are in force with different values (kNever if none).
Time first_difference(const Schedule& a, const Schedule& b) {
  if (a.at(-kNever) != b.at(-kNever)) return -kNever;
  std::vector<Time> dates;
  for (const Schedule* s : {&a, &b})
    for (const Schedule::Step& step : s->steps) dates.push_back(step.from);
  std::sort(dates.begin(), dates.end());
  for (const Time d : dates)
    if (a.at(d) != b.at(d)) return d;
  return kNever;
}

/// The earliest date in one list and not the other: a dated event one run has and the other not.
Time first_unshared_date(std::vector<Time> a, std::vector<Time> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<Time> unshared;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(unshared));
  return unshared.empty() ? kNever : unshared.front();
}

/// The earliest time at which two dated lists (carriers by opening, builds by date) part: an
/// entry in one list only, or different in the two, matters from its earliest date.
template <class Item, class DateOf>
Time first_dated_difference(const std::vector<Item>& a, const std::vector<Item>& b, DateOf date_of) {
  Time first = kNever;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    if (i < a.size() && i < b.size() && a[i] == b[i]) continue;
    if (i < a.size()) first = std::min(first, date_of(a[i]));
    if (i < b.size()) first = std::min(first, date_of(b[i]));
  }
  return first;
}

}  // namespace

Time shared_until(const Parameters& a, const Parameters& b) {
  const Time start = year_start(a.start_year);
  // The levers compared by their values over time. One left off this list stays among the
  // undated inputs below, so any difference in it parts the runs from the start: safe, if slower.
  static constexpr std::array kDatedLevers{&PolicyLevers::hte_reward_new,
                                           &PolicyLevers::hte_reward_renewal,
                                           &PolicyLevers::rd_subsidy_rate,
                                           &PolicyLevers::rd_subsidy_cap,
                                           &PolicyLevers::patent_subsidy_application,
                                           &PolicyLevers::patent_subsidy_grant,
                                           &PolicyLevers::coaching_capacity,
                                           &PolicyLevers::outreach,
                                           &PolicyLevers::talent_firms_per_year,
                                           &PolicyLevers::talent_cost_per_firm,
                                           &PolicyLevers::budget};
  // Everything undated must agree: compare copies with the dated parts blanked.
  Parameters undated_a = a, undated_b = b;
  for (Parameters* p : {&undated_a, &undated_b}) {
    for (const auto lever : kDatedLevers) p->policy.*lever = {};
    p->rd.deduction_manufacturing = p->rd.deduction_other = {};
    p->carriers.clear();
    p->platform_builds.clear();
  }
  if (!(undated_a == undated_b)) return start;
  Time until = kNever;
  for (const auto lever : kDatedLevers) until = std::min(until, first_difference(a.policy.*lever, b.policy.*lever));
  until = std::min(until, first_difference(a.rd.deduction_manufacturing, b.rd.deduction_manufacturing));
  until = std::min(until, first_difference(a.rd.deduction_other, b.rd.deduction_other));
  until = std::min(until, first_unshared_date(entry_policy_dates(a.policy), entry_policy_dates(b.policy)));
  until = std::min(until, first_dated_difference(a.carriers, b.carriers, [](const Carrier& c) { return c.opens; }));
  until = std::min(until, first_dated_difference(a.platform_builds, b.platform_builds,
                                                 [](const PlatformBuild& build) { return build.date; }));
  return std::clamp(until, start, year_start(a.end_year + 1));
}

std::shared_ptr<const PausedRun> pause_run(const Parameters& parameters, std::uint64_t seed, std::uint32_t replication,
                                           Time until, const InitialPopulation* initial) {
  if (!(until >= year_start(parameters.start_year) && until <= year_start(parameters.end_year + 1)))
    throw UsageError("a run pauses within its years, not at " + std::to_string(until));
  auto paused = std::make_shared<PausedRun>(PausedRun{parameters, seed, replication, until, nullptr});
  paused->model = std::make_unique<InnovationModel>(paused->parameters, seed, replication, nullptr);
  paused->model->pause(initial, until);
  return paused;
}

RunResult resume(const Parameters& parameters, const PausedRun& paused) {
  if (shared_until(paused.parameters, parameters) < paused.until)
    throw UsageError("these parameters part from the paused run's before its pause; simulate them from the start");
  return InnovationModel(parameters, paused.seed, paused.replication, nullptr).resume(*paused.model);
}

std::size_t memory_bytes(const PausedRun& paused) { return paused.model->memory_bytes(); }

std::size_t memory_bytes(const InitialPopulation& initial) {
  return initial.firms.capacity() * sizeof(FirmState) + initial.review_blocks.capacity() * sizeof(std::uint32_t);
}

bool same_initial_population(const Parameters& a, const Parameters& b) {
  return a.initial == b.initial && a.start_year == b.start_year && a.growth == b.growth && a.tech_sme == b.tech_sme &&
         a.hte == b.hte;
}

std::shared_ptr<const InitialPopulation> draw_initial_population(const Parameters& parameters, std::uint64_t seed,
                                                                 std::uint32_t replication) {
  return InnovationModel(parameters, seed, replication, nullptr).draw_initial();
}

RunResult simulate(const Parameters& parameters, std::uint64_t seed, std::uint32_t replication, EventSink* sink,
                   const InitialPopulation* initial) {
  return InnovationModel(parameters, seed, replication, sink).run(initial);
}

}  // namespace leapsim::innovation
