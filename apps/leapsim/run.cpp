#include "run.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <ostream>
#include <string_view>
#include <thread>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/adaptive_run.hpp"
#include "leapsim/innovation/io/attach_posterior.hpp"
#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/study_runner.hpp"
#include "leapsim/io/results_file.hpp"
#ifdef LEAPSIM_HAVE_MPI
#include "leapsim/mpi/distributed_runner.hpp"
#include "leapsim/mpi/session.hpp"
#endif
#include "agreed_start.hpp"
#include "estimate.hpp"
#include "failure.hpp"
#include "report.hpp"
#include "stop_signal.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

std::atomic<bool>& g_stop = stop_flag();

/// Runs expected to take longer than this print their estimate first.
constexpr double kShowEstimateAfterSeconds = 3.0;

/// Progress on stderr: a bar redrawn in place on a terminal, a line every 10% otherwise.
class ProgressReporter {
 public:
  ProgressReporter(std::ostream& err, std::size_t scenarios) : err_(err), scenarios_(scenarios) {}
  void operator()(const Progress& p) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (p.total != total_) {  // an adaptive run's next batch: its tenths counted from where it starts
      if (total_ != 0) next_percent_ = 100 * p.done / p.total + 10;
      total_ = p.total;
    }
    // The work done counts the simulated time of the replications still running, so a few long
    // replications move the bar too.
    const double work = std::min(static_cast<double>(p.total), static_cast<double>(p.done) + p.running);
    const auto percent = static_cast<std::size_t>(100.0 * work / static_cast<double>(p.total));
    const double eta = work > 0.0 ? seconds * (static_cast<double>(p.total) - work) / work : 0.0;
    if (terminal_) {
      const std::size_t filled = percent / 5;
      err_ << format("\r[%-20s] %3zu%%  %zu/%zu replications  ETA %.0f s ", std::string(filled, '#').c_str(), percent,
                     p.done / scenarios_, p.total / scenarios_, eta)
           << std::flush;
    } else if (percent >= next_percent_ || p.done == p.total) {
      err_ << format("running: %zu%% (%zu of %zu replications), ETA %.0f s\n", percent, p.done / scenarios_,
                     p.total / scenarios_, eta);
      next_percent_ = percent + 10;
    }
  }
  void finish(double seconds, std::uint64_t events) {
    if (terminal_) err_ << '\n';
    err_ << format("done: %.2f s, %.2f M events/s\n", seconds, static_cast<double>(events) / seconds / 1e6);
  }

 private:
  std::ostream& err_;
  std::size_t scenarios_;
  bool terminal_ = isatty(fileno(stderr)) != 0;
  std::size_t next_percent_ = 10;
  std::size_t total_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// A study read and checked, with the run's settings resolved against its defaults.
struct PreparedRun {
  innovation::Study study;
  std::uint32_t replications;
  std::uint64_t seed;
  innovation::RecordRequest record;
  std::optional<innovation::AdaptivePlan> adaptive;  // with --precision
};

/// Refuses to replace anything but a results file: never one of the study's own files, nor any
/// other file --force given by mistake would destroy.
void check_replaceable(const std::filesystem::path& output, const innovation::Study& study) {
  std::error_code ec;
  std::vector<std::string> inputs{study.source, study.base.source};
  for (const innovation::Scenario& s : study.alternatives) inputs.push_back(s.source);
  for (const std::string& input : inputs)
    if (!input.empty() && std::filesystem::equivalent(output, input, ec))
      throw UsageError("cannot write the results to " + output.string() + ": it is one of the study's own files");
  if (std::filesystem::is_regular_file(output, ec) && !io::has_hdf5_signature(output))
    throw UsageError(output.string() + " is not an HDF5 file; --force replaces only a results file");
}

/// The estimate of a prepared run on the threads it will use.
RunEstimate estimate_of(const RunOptions& options, const PreparedRun& run) {
  RunnerOptions threads;
  threads.threads = options.threads;
  const std::uint32_t replications = run.adaptive ? run.adaptive->max_replications : run.replications;
  return estimate_run(run.study, replications, ReplicationRunner(threads).threads(), options.output.has_value());
}

/// Refuses a run whose memory estimate is over the limit, naming both and the flag that overrides.
void check_memory(const RunOptions& options, const RunEstimate& estimate) {
  const std::optional<double> limit = options.max_memory ? options.max_memory : available_memory_bytes();
  if (!limit || estimate.bytes() <= *limit) return;
  const std::string limit_text = bytes_text(*limit) + (options.max_memory ? " (--max-memory)" : " available");
  throw UsageError(
      format("this run needs about %s of memory, more than the %s (estimate: %s); lower -r, or give "
             "--max-memory %.0fG to run it anyway",
             bytes_text(estimate.bytes()).c_str(), limit_text.c_str(), describe(estimate).c_str(),
             std::ceil(estimate.bytes() / 1e9)));
}

/// The plan of a run with --precision; a precision or cap the study makes wrong is a bad flag (exit 2).
std::optional<innovation::AdaptivePlan> adaptive_plan(const RunOptions& options, const PreparedRun& run) {
  if (options.precision.empty()) {
    if (options.max_replications) throw BadFlag("--max-replications needs --precision");
    return std::nullopt;
  }
  try {
    std::vector<innovation::Precision> precisions;
    for (const std::string& text : options.precision) precisions.push_back(innovation::parse_precision(text));
    return innovation::plan_adaptive(run.study, std::move(precisions), run.replications, options.max_replications);
  } catch (const UsageError& e) {
    throw BadFlag(e.what());
  }
}

/// Reads the study and resolves the options; checks the output path and the memory too when this
/// process writes and reports (in an MPI job, rank 0).
PreparedRun prepare_run(const RunOptions& options, bool check_output) {
  PreparedRun run{innovation::load_study(options.study), 0, 0, {}};
  innovation::attach_posterior(run.study);
  run.replications = options.replications.value_or(run.study.replications);
  run.seed = options.seed.value_or(run.study.seed);
  run.record.replications = options.record_replications;
  for (const std::string& what : options.record) {
    if (!options.output) throw UsageError("--record needs an output file (-o)");
    (what == "events" ? run.record.events : run.record.firms) = true;
  }
  run.adaptive = adaptive_plan(options, run);
  if (options.output && check_output) {  // fail before the run, not after it
    io::check_destination(*options.output, options.force ? io::Overwrite::replace : io::Overwrite::refuse);
    check_replaceable(*options.output, run.study);
  }
  if (check_output && !options.estimate_only) check_memory(options, estimate_of(options, run));
  return run;
}

/// SIGINT or SIGTERM stops the runner, and the replications in flight within 65,536 events (the
/// kernel's interrupt check). Should the run still not have ended a second after the signal (a
/// write stuck in the file system, a handler that never returns), this watcher ends the process:
/// the results file's temporary is removed, nothing is written, exit 130.
class InterruptDeadline {
 public:
  explicit InterruptDeadline(const std::optional<std::filesystem::path>& output)
      : partial_(output ? io::partial_path(*output).string() : std::string()), thread_([this] { watch(); }) {}
  ~InterruptDeadline() {
    finished_ = true;
    thread_.join();
  }
  InterruptDeadline(const InterruptDeadline&) = delete;
  InterruptDeadline& operator=(const InterruptDeadline&) = delete;

 private:
  void watch() const {
    using namespace std::chrono_literals;
    while (!finished_ && !g_stop) std::this_thread::sleep_for(20ms);
    for (int waited = 0; waited < 50 && !finished_; ++waited) std::this_thread::sleep_for(20ms);
    if (finished_) return;
    if (!partial_.empty()) ::unlink(partial_.c_str());
    static constexpr char kMessage[] =
        "leapsim: interrupted: a replication was still running a second after the signal; nothing was written\n";
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    std::_Exit(130);  // no exit handlers: HDF5's teardown must not run under a write in progress
  }

  std::string partial_;
  std::atomic<bool> finished_{false};
  std::thread thread_;  // last: started once the rest is set
};

/// Items done so far, for the message of a stopped run.
std::atomic<std::size_t> g_items_done{0};

/// Threads, progress and the stop flag that SIGINT and SIGTERM raise from now on.
RunnerOptions runner_options(const RunOptions& options, ProgressReporter* progress) {
  RunnerOptions runner{options.threads, {}, &g_stop};
  runner.on_progress = [progress](const Progress& p) {
    g_items_done = p.done;
    if (progress != nullptr) (*progress)(p);
  };
  g_items_done = 0;
  stop_on_signals();
  return runner;
}

/// The results tree of a finished run: written to the output file if asked, and printed.
void emit_results(const RunOptions& options, const PreparedRun& run, const innovation::StudyResults& results,
                  innovation::RunRecord record, const innovation::AdaptiveOutcome* adaptive, ProgressReporter* progress,
                  std::ostream& out, std::ostream& err) {
  ResultGroup tree = innovation::results_tree(run.study, results, record);
  if (adaptive != nullptr) innovation::add_adaptive_group(tree, *run.adaptive, *adaptive);
  if (progress != nullptr) {
    std::uint64_t events = 0;
    for (const auto& s : results.scenarios) events += s.events;
    progress->finish(results.seconds, events);
  }
  if (options.output) {
    const auto t0 = std::chrono::steady_clock::now();
    io::write_results(*options.output, tree, options.force ? io::Overwrite::replace : io::Overwrite::refuse, &g_stop);
    if (!options.quiet) {
      err << format("wrote %s in %.2f s\n", options.output->c_str(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  ReportView view;
  view.language = language_named(options.lang);
  write_report(tree, view, out);
}

/// A run stopped by a signal, told in the progress bar's units (replications of every scenario,
/// not work items); any other failure unchanged.
std::exception_ptr in_replications(const std::exception_ptr& failure, const PreparedRun& run) {
  try {
    std::rethrow_exception(failure);
  } catch (const Cancelled&) {
    const std::size_t scenarios = 1 + run.study.alternatives.size();
    const std::uint32_t planned = run.adaptive ? run.adaptive->max_replications : run.replications;
    return std::make_exception_ptr(
        Cancelled(format("stopped after %zu of %s%u replications", g_items_done.load() / scenarios,
                         run.adaptive ? "at most " : "", planned)));
  } catch (...) {
    return failure;
  }
}

/// Prints the estimate (to `out` for --estimate, else to `err` for a run of more than a few seconds).
bool show_estimate(const RunOptions& options, const PreparedRun& run, std::ostream& out, std::ostream& err) {
  const RunEstimate estimate = estimate_of(options, run);
  const std::string label = run.adaptive ? "estimate at the cap of --precision: " : "estimate: ";
  if (options.estimate_only) {
    out << label << describe(estimate) << '\n';
    return true;
  }
  if (!options.quiet && estimate.seconds > kShowEstimateAfterSeconds) err << label << describe(estimate) << '\n';
  return false;
}

/// One line on stderr per look of an adaptive run: how wide each interval still is.
std::function<void(const innovation::Look&)> look_reporter(const RunOptions& options, const PreparedRun& run,
                                                           std::ostream& err) {
  if (options.quiet) return {};
  return [&plan = *run.adaptive, &err](const innovation::Look& look) {
    std::string line =
        format("look at %u replications (each interval at %.2f%%):", look.replications, 100.0 * plan.confidence());
    for (std::size_t i = 0; i < look.widest.size(); ++i)
      line += format(" %s half-width %.3g (asked %g)", plan.precisions[i].text.c_str(), look.widest[i],
                     plan.precisions[i].half_width);
    err << (line + '\n') << std::flush;
  };
}

/// How this run was made, for the results file.
innovation::RunRecord run_record(const RunOptions& options) {
  return innovation::record_of_run(LEAPSIM_VERSION, options.command_line, options.study);
}

}  // namespace

int run_study_command(const RunOptions& options, std::ostream& out, std::ostream& err) {
#ifdef LEAPSIM_HAVE_MPI
  if (mpi::launched_by_mpi()) return run_study_over_mpi(options, out, err);
#else
  // Without MPI support every rank of an mpirun job would run the whole study on its own.
  if (const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE"); ranks != nullptr && std::string_view(ranks) != "1")
    throw UsageError("started as one of " + std::string(ranks) +
                     " MPI ranks, but this leapsim was built without MPI support (LEAPSIM_WITH_MPI): each rank "
                     "would run the whole study; run it without mpirun, or rebuild where MPI is installed");
#endif
  const PreparedRun run = prepare_run(options, true);
  if (show_estimate(options, run, out, err)) return 0;
  ProgressReporter progress(err, 1 + run.study.alternatives.size());
  ProgressReporter* shown = options.quiet ? nullptr : &progress;
  const RunnerOptions runner = runner_options(options, shown);
  const InterruptDeadline deadline(options.output);
  innovation::StudyResults results;
  innovation::AdaptiveOutcome adaptive;
  try {
    results = run.adaptive ? innovation::run_study_adaptive(run.study, *run.adaptive, run.seed, runner, run.record,
                                                            adaptive, look_reporter(options, run, err))
                           : innovation::run_study(run.study, run.replications, run.seed, runner, run.record);
  } catch (...) {
    std::rethrow_exception(in_replications(std::current_exception(), run));
  }
  emit_results(options, run, results, run_record(options), run.adaptive ? &adaptive : nullptr, shown, out, err);
  return 0;
}

#ifdef LEAPSIM_HAVE_MPI
namespace {

/// An adaptive run over MPI: each batch spread over the ranks, rank 0 judges after it and every
/// rank follows its decision, so the replications used are those of a one-process run.
int run_adaptive_over_mpi(mpi::Session& session, const RunOptions& options, const PreparedRun& run,
                          const RunnerOptions& runner, innovation::RunRecord record, int lookahead,
                          ProgressReporter* progress, std::ostream& out, std::ostream& err) {
  const bool root = session.rank() == 0;
  innovation::AdaptiveRun work(run.study, *run.adaptive, run.seed, run.record, static_cast<std::size_t>(lookahead));
  const std::function<void(const innovation::Look&)> on_look = look_reporter(options, run, err);
  while (!work.stopped()) {
    const std::vector<std::size_t>& batch = work.batch();
    int failed = 0;
    try {
      mpi::run_distributed(
          session, batch.size(), work.batch_options(runner),
          [&](std::size_t j) { return innovation::encode(work.compute(batch[j])); },
          [&](std::size_t j, std::string_view bytes) { work.keep(batch[j], innovation::decode_outcome(bytes)); });
    } catch (...) {  // only rank 0 throws; the others hear of it below, as they hear of a stop
      failed = report_failure(in_replications(std::current_exception(), run), "", err);
      if (session.peers_lost()) session.abort(failed);
    }
    enum Decision : int { go_on, stop, give_up };
    int decision = go_on;
    if (root && failed == 0) {
      decision = work.judge() ? stop : go_on;
      if (on_look) on_look(work.outcome().looks.back());
    } else if (root) {
      decision = give_up;
    }
    decision = session.from_root(decision);
    if (decision == give_up) return failed;
    work.advance(decision == stop);
  }
  if (!root) return 0;
  const innovation::AdaptiveOutcome outcome = work.outcome();
  emit_results(options, run, std::move(work).finish(), std::move(record), &outcome, progress, out, err);
  return 0;
}

}  // namespace

int run_study_over_mpi(const RunOptions& options, std::ostream& out, std::ostream& err) {
  mpi::Session session;
  const bool root = session.rank() == 0;
  const std::string rank = format("rank %d of %d (%s): ", session.rank(), session.size(), session.host().c_str());
  // Every rank reads the study; rank 0 also checks the output path. They agree before any work, so
  // a bad file is reported once (by rank 0) and every rank exits with the same code.
  auto start = agreed_start(session, [&] { return prepare_run(options, root); });
  if (const std::optional<int> failed = start_failure(start, root, rank, err)) return *failed;
  std::optional<PreparedRun>& run = start.prepared;

  if (root && show_estimate(options, *run, out, err)) return 0;
  if (options.estimate_only) return 0;
  ProgressReporter progress(err, 1 + run->study.alternatives.size());
  ProgressReporter* shown = options.quiet || !root ? nullptr : &progress;
  const RunnerOptions runner = runner_options(options, shown);
  innovation::RunRecord record = run_record(options);
  record.ranks = session.size();
  record.hosts = session.hosts();
  // The clock starts here. A lookahead of a rank's threads keeps them from waiting on each
  // other's shared starts, as in a threaded run. It orders the items, so every rank must use the
  // same one: rank 0's (with -j 0 each rank would count its own host's cores).
  const int lookahead = session.from_root(static_cast<int>(ReplicationRunner(runner).threads()));
  if (run->adaptive)
    return run_adaptive_over_mpi(session, options, *run, runner, std::move(record), lookahead, shown, out, err);
  innovation::StudyRun work(run->study, run->replications, run->seed, run->record, static_cast<std::size_t>(lookahead));
  try {
    mpi::run_distributed(
        session, work.items(), runner, [&work](std::size_t i) { return innovation::encode(work.compute(i)); },
        [&work](std::size_t i, std::string_view bytes) { work.keep(i, innovation::decode_outcome(bytes)); });
  } catch (...) {
    // Only rank 0 throws here. When a rank stopped answering, finalising would wait for it forever.
    const int failed = report_failure(in_replications(std::current_exception(), *run), "", err);
    if (session.peers_lost()) session.abort(failed);
    return failed;
  }
  if (!root) return 0;
  emit_results(options, *run, std::move(work).finish(), std::move(record), nullptr, shown, out, err);
  return 0;
}
#endif

}  // namespace leapsim::app
