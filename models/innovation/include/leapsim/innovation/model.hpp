#pragma once
// The innovation-firm model: a population of technology firms under the certification rules and
// the policy levers of its Parameters, run on the kernel for one replication.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "leapsim/engine/event.hpp"
#include "leapsim/engine/time.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// What happened to a firm; the vocabulary of event logs.
enum class FirmEventKind : std::uint8_t {
  created,              ///< initial firm; value: revenue (yuan); detail: InitialStatus (0 HTE, 1 tech SME, 2 latent)
  entered,              ///< entrant; value: 0 base, 1 incubated, 2 in-migrant, 3 talent programme
  reviewed,             ///< annual review; value: revenue (yuan); detail: employees
  tech_sme_registered,  ///< registered as tech SME; value: score; detail: revenue (yuan)
  hte_applied,          ///< applied for (re)certification; value: 3-year R&D ratio; detail: its tier
  hte_certified,        ///< first certificate; value: reward paid (yuan)
  hte_renewed,          ///< certificate renewed; value: reward paid (yuan)
  hte_rejected,         ///< application failed the review
  hte_lapsed,           ///< certificate expired unrenewed
  patent_applied,       ///< application filed; value: 1 invention, 0 other IP
  patent_granted,       ///< application granted; value: 1 invention, 0 other IP
  patent_refused,       ///< application refused; value: 1 invention, 0 other IP
  rd_subsidy_paid,      ///< value: yuan
  graduated,            ///< left its incubator or maker space
  platform_attached,    ///< received an R&D platform
  exited,               ///< left the population; value: age (years)
};

/// Number of event kinds (the names of to_string are checked against it when they are compiled).
inline constexpr std::size_t kFirmEventKindCount = static_cast<std::size_t>(FirmEventKind::exited) + 1;

/// Name of an event kind, as written to event logs.
std::string_view to_string(FirmEventKind kind) noexcept;

/// One event of one firm.
struct FirmEvent {
  Time time = 0.0;
  EntityId firm = 0;
  FirmEventKind kind = FirmEventKind::created;
  double value = 0.0;
  double detail = 0.0;  // a second figure where one helps an audit, see FirmEventKind
};

/// One firm as it stands on 31 December (year-end snapshots).
struct FirmSnapshot {
  int year = 0;
  EntityId firm = 0;
  double age = 0.0;      // years
  double revenue = 0.0;  // yuan, latest accounting year
  double employees = 0.0;
  double rd_intensity = 0.0;  // R&D / revenue now
  double staff_share = 0.0;
  double hitech_share = 0.0;
  int invention_patents = 0;
  int other_ip = 0;
  bool tech_sme = false;  // registered this year
  bool hte = false;       // holds a valid certificate
  bool platform = false;
  bool incubated = false;
};

/// Receives firm events as they happen (event logs, tests). Implementations must be cheap.
class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Called once per firm event, in simulation order.
  virtual void on_event(const FirmEvent& event) = 0;
  /// Whether on_firm should be called for every alive firm at each year end (costly).
  virtual bool wants_firms() const { return false; }
  /// Called for every alive firm, in id order, after each year's report.
  virtual void on_firm(const FirmSnapshot& /*snapshot*/) {}
};

/// The outcome of one replication.
struct RunResult {
  MetricTable metrics;
  std::uint64_t events = 0;         // kernel events fired
  std::uint64_t firms_created = 0;  // initial firms plus entrants
  std::size_t memory_bytes = 0;     // kernel and firm state at the end of the run
};

/// Exactly the parameters the initial firms are drawn from: the drawing code is handed this
/// struct and nothing else, so two parameter sets draw the same firms when these are equal.
struct InitialDrawInputs {
  std::vector<InitialGroup> initial;
  int start_year = 0;
  GrowthParameters growth;     // the employment elasticity and the drift of back-filled accounts
  TechSmeParameters tech_sme;  // the rules a tech-SME group's firms must meet
  HteParameters hte;           // the rules an HTE group's firms must meet, and certificate validity
  /// The inputs of a parameter set.
  static InitialDrawInputs of(const Parameters& p);
  friend bool operator==(const InitialDrawInputs&, const InitialDrawInputs&) = default;
};

/// The initial firms of one replication as drawn before its run starts. Scenarios whose
/// parameters draw the same population (same_initial_population) share it, so a study draws it
/// once per replication instead of once per scenario.
struct InitialPopulation;

/// True when two parameter sets draw the same initial firms from the same seed and replication:
/// their InitialDrawInputs are equal. Policy levers, carriers, entry and everything after the
/// start may differ.
bool same_initial_population(const Parameters& a, const Parameters& b);

/// Heap bytes the drawn initial firms hold.
std::size_t memory_bytes(const InitialPopulation& initial);

/// Draws the initial firms of one replication (the first part of simulate).
std::shared_ptr<const InitialPopulation> draw_initial_population(const Parameters& parameters, std::uint64_t seed,
                                                                 std::uint32_t replication);

/// A replication paused at a time: the whole state of its run, firms and pending events, before
/// anything at that time has happened. Scenarios that run alike until then continue from it, so
/// a study simulates the years its scenarios share once per replication instead of once each.
struct PausedRun;

/// The time until which two parameter sets run alike from the same seed and replication: every
/// lever and dated input (schedules, carrier openings, platform builds) agrees before it, and
/// every undated parameter agrees. The start of the run when they differ in an undated parameter
/// or from the start; the end of the run when they do not differ at all.
Time shared_until(const Parameters& a, const Parameters& b);

/// Runs one replication up to (not including) time `until`, which must lie within the run, and
/// pauses it there; from the given initial population if any (as simulate).
std::shared_ptr<const PausedRun> pause_run(const Parameters& parameters, std::uint64_t seed, std::uint32_t replication,
                                           Time until, const InitialPopulation* initial = nullptr,
                                           const std::atomic<bool>* interrupt = nullptr);

/// Heap bytes a paused run holds (kernel and firm records).
std::size_t memory_bytes(const PausedRun& paused);

/// Runs one replication: a pure function of (parameters, seed, replication). Given the initial
/// population drawn for parameters that same_initial_population accepts, with the same seed and
/// replication, it starts from it and returns the same bits as drawing it afresh. When the
/// `interrupt` flag is raised the run throws Cancelled within 65,536 events.
RunResult simulate(const Parameters& parameters, std::uint64_t seed, std::uint32_t replication,
                   EventSink* sink = nullptr, const InitialPopulation* initial = nullptr,
                   const std::atomic<bool>* interrupt = nullptr);

/// Continues a paused replication under these parameters, which must run alike with the paused
/// run's until its pause (shared_until); the same bits as simulating them from the start. No
/// sink: the events before the pause were not recorded.
RunResult resume(const Parameters& parameters, const PausedRun& paused, const std::atomic<bool>* interrupt = nullptr);

}  // namespace leapsim::innovation
