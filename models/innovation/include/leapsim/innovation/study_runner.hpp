#pragma once
// Runs every scenario of a study for R replications on a thread pool. Replication r of every
// scenario uses the same (seed, r) streams: common random numbers, so differences between
// scenarios come from policy, not noise. Results never depend on the thread count.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/model.hpp"
#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// The yearly metrics of every replication of one scenario.
struct ScenarioResults {
  std::string name;
  std::vector<MetricTable> replications;           // by replication index
  std::vector<std::vector<FirmEvent>> event_logs;  // firm events of the first recorded replications
  std::vector<std::vector<FirmSnapshot>> firms;    // year-end firms of the first recorded replications
  std::uint64_t events = 0;                        // kernel events over all replications
};

/// The results of a study run, base first, then the alternatives in file order.
struct StudyResults {
  std::vector<ScenarioResults> scenarios;
  std::uint32_t replications = 0;
  std::uint64_t seed = 0;
  double seconds = 0.0;  // wall time of the run
  /// With a posterior: the particle each replication drew (the same in every scenario); else empty.
  std::vector<std::uint32_t> particles;
};

/// What to keep beyond the yearly metrics, for the first `replications` of every scenario.
struct RecordRequest {
  bool events = false;  // every firm event
  bool firms = false;   // every alive firm at each year end
  std::uint32_t replications = 1;
};

/// What one replication of one scenario leaves behind: one work item of a study run.
struct ReplicationOutcome {
  MetricTable metrics;
  std::uint64_t events = 0;
  std::vector<FirmEvent> event_log;  // when recorded
  std::vector<FirmSnapshot> firms;   // when recorded
};

/// Encodes an outcome as bytes, so a work item computed in another process comes back unchanged.
std::string encode(const ReplicationOutcome& outcome);
/// Decodes what encode wrote; throws SimulationError on a truncated record.
ReplicationOutcome decode_outcome(std::string_view bytes);

/// Drawn parameter sets a StudyRun keeps for the run rather than making them again for each item
/// (setting a path walks the schema); a few kilobytes each.
inline constexpr std::size_t kMaxDrawnKept = 4096;

/// A study run as independent work items, so any executor (threads, MPI ranks) can run them.
/// The items of one replication (one per scenario) sit together, except that each replication's
/// first item comes `lookahead` replications early: it makes the start its scenarios share
/// (the initial firms, or the years they run alike), so that with that many workers taking
/// items in order, none waits for another to make it. Results depend only on the items, never
/// on who ran them or in what order.
class StudyRun {
 public:
  /// The study's scenarios for `replications` keyed by `seed`, keeping what `record` asks for;
  /// the lookahead is cut to the replications and to what the shared starts may hold in memory.
  /// With a posterior, the parameter sets drawn (particles drawn x scenarios) are kept for the run
  /// when there are at most `max_drawn_kept`, else made again for each item: the same bits either way.
  StudyRun(const Study& study, std::uint32_t replications, std::uint64_t seed, const RecordRequest& record = {},
           std::size_t lookahead = 1, std::size_t max_drawn_kept = kMaxDrawnKept);

  /// Number of work items: scenarios times replications.
  std::size_t items() const noexcept { return scenarios_.size() * replications_; }
  /// The replication and scenario of work item i.
  std::pair<std::uint32_t, std::size_t> item_at(std::size_t item) const noexcept;
  /// Number of scenarios, base included.
  std::size_t scenario_count() const noexcept { return scenarios_.size(); }
  /// Simulates work item i; safe to call from several threads at once.
  ReplicationOutcome compute(std::size_t item);
  /// A flag that, once raised, makes every replication in flight throw Cancelled within 65,536
  /// events (the runner's stop flag, so Ctrl-C does not wait for long replications to end).
  void set_interrupt(const std::atomic<bool>* flag) noexcept { interrupt_ = flag; }
  /// Stores the outcome of item i; distinct items may be stored from several threads at once.
  void keep(std::size_t item, ReplicationOutcome&& outcome);
  /// The results once every item is kept, timed from this run's construction.
  StudyResults finish() &&;

 private:
  /// How the scenarios of a replication that draw alike start, made once for all of them and
  /// dropped when the last has taken it: the run paused where they part when they share years,
  /// else the initial firms only.
  struct SharedStart {
    std::once_flag made;
    std::shared_ptr<const InitialPopulation> population;
    std::shared_ptr<const PausedRun> paused;
    std::size_t users_left = 0;
    std::size_t bytes = 0;
  };
  /// Scenario s's parameters in replication r: its own, with r's posterior particle set on top.
  Parameters drawn(std::size_t scenario, std::uint32_t replication) const;
  /// Validates every scenario with each particle drawn and settles, per particle, which scenarios
  /// keep their shared start; throws UsageError naming the posterior, particle and scenario.
  void check_draws();
  /// Whether scenario s may start from its leader's shared start in replication r: always without
  /// a posterior (the plan was made on these parameters), else as check_draws found.
  bool still_shares(std::size_t scenario, std::uint32_t replication) const;
  std::shared_ptr<const SharedStart> shared_start(std::size_t scenario, std::uint32_t replication);
  void release_shared_start(std::size_t scenario, std::uint32_t replication, const SharedStart* taken);
  void evict_shared_starts();

  std::vector<const Scenario*> scenarios_;
  std::shared_ptr<const PosteriorDraws> posterior_;  // null: every replication runs the scenarios as written
  std::vector<std::size_t> draw_slot_;               // by replication: the index of its particle among those drawn
  std::size_t max_drawn_kept_;
  std::vector<char> shares_;                                   // by draw slot, then scenario: still_shares
  std::vector<std::shared_ptr<const Parameters>> drawn_kept_;  // by draw slot, then scenario, when few
  std::vector<std::size_t> draws_like_;  // by scenario: the first scenario that draws the same initial firms
  std::vector<std::size_t> draw_users_;  // by scenario: how many scenarios draw like it (itself included)
  std::vector<Time> shared_until_;       // by first scenario: until when all that draw like it run alike
  std::mutex shared_mutex_;
  std::map<std::pair<std::uint32_t, std::size_t>, std::shared_ptr<SharedStart>>
      shared_;                    // by (replication, draws_like)
  std::size_t shared_bytes_ = 0;  // held by the entries of shared_ made so far
  std::uint32_t replications_;
  std::uint64_t seed_;
  RecordRequest record_;
  StudyResults results_;
  std::size_t lookahead_;
  const std::atomic<bool>* interrupt_ = nullptr;
  std::vector<std::uint64_t> events_;  // by replication, then scenario
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

/// Runs the base and every alternative for the given replications on this process's threads,
/// all keyed by one seed, and keeps what the record request asks for.
StudyResults run_study(const Study& study, std::uint32_t replications, std::uint64_t seed, const RunnerOptions& runner,
                       const RecordRequest& record = {});

}  // namespace leapsim::innovation
