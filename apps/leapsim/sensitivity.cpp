#include "sensitivity.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "failure.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/io/attach_posterior.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/sensitivity_file.hpp"
#include "leapsim/innovation/sensitivity_study.hpp"
#include "leapsim/io/results_file.hpp"
#include "stop_signal.hpp"
#include "text.hpp"

#ifdef LEAPSIM_HAVE_MPI
#include "agreed_start.hpp"
#include "leapsim/mpi/distributed_runner.hpp"
#include "leapsim/mpi/session.hpp"
#endif

namespace leapsim::app {
namespace {

/// Progress in scenario replications with an ETA: one line redrawn on a terminal, a line per tenth otherwise.
class SensitivityProgress {
 public:
  explicit SensitivityProgress(std::ostream& err) : err_(err) {}
  void operator()(const Progress& p) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::size_t percent = 100 * p.done / p.total;
    const double eta = p.done > 0 ? seconds * static_cast<double>(p.total - p.done) / static_cast<double>(p.done) : 0.0;
    if (terminal_) {
      err_ << format("\rsensitivity: %3zu%%  %zu/%zu runs  ETA %.0f s ", percent, p.done, p.total, eta) << std::flush;
    } else if (percent >= next_percent_ || p.done == p.total) {
      err_ << format("sensitivity: %zu%% (%zu of %zu runs), ETA %.0f s\n", percent, p.done, p.total, eta);
      next_percent_ = percent + 10;
    }
  }
  void finish() {
    if (terminal_) err_ << '\n';
  }

 private:
  std::ostream& err_;
  bool terminal_ = isatty(fileno(stderr)) != 0;
  std::size_t next_percent_ = 10;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// The outputs the printed table shows: the base's metrics in the decision year, the decision's
/// paired differences and what they cost the county per unit (the file holds every output).
bool headline(const innovation::SensitivityOutput& o, int year, innovation::Metric decision) {
  using Kind = innovation::SensitivityOutput::Kind;
  return o.year == year && (o.kind == Kind::metric || o.kind == Kind::cost_per_unit ||
                            (o.kind == Kind::difference && o.metric == decision));
}

void print_table(const innovation::SensitivityStudyResult& r, const innovation::SensitivitySettings& s,
                 std::ostream& out) {
  const int year = *s.decision_year;
  const bool morris = r.morris.has_value();
  out << format("\nInputs ranked by %s per output in %d (noise floor: below it, not told from seed noise):\n",
                morris ? "mu_star (mean absolute effect over each input's whole range)" : "ST (total Sobol index)",
                year);
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    if (!headline(r.outputs[o], year, *s.decision_metric)) continue;
    const std::vector<double>& key = morris ? r.morris->mu_star[o] : r.sobol->total[o];
    if (std::any_of(key.begin(), key.end(), [](double v) { return std::isnan(v); })) {
      out << format("  %s (nominal %.4g): not estimable, the package adds nothing at some design points\n",
                    r.outputs[o].label.c_str(), r.nominal[o]);
      continue;
    }
    std::vector<std::size_t> order(r.inputs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] > key[b]; });
    out << format("  %s (nominal %.4g, noise floor %.3g)\n", r.outputs[o].label.c_str(), r.nominal[o], r.floor[o]);
    for (const std::size_t i : order) {
      const std::string mark = key[i] > r.floor[o] ? "" : "  (below the noise floor)";
      if (morris)
        out << format("    %-44s mu_star %10.4g  mu %10.4g  sigma %10.4g%s\n", r.inputs[i].c_str(), key[i],
                      r.morris->mu[o][i], r.morris->sigma[o][i], mark.c_str());
      else
        out << format("    %-44s ST %7.3f [%6.3f, %6.3f]  S1 %7.3f [%6.3f, %6.3f]%s\n", r.inputs[i].c_str(), key[i],
                      r.sobol->total_low[o][i], r.sobol->total_high[o][i], r.sobol->first[o][i],
                      r.sobol->first_low[o][i], r.sobol->first_high[o][i], mark.c_str());
    }
  }
  out << format("\nDoes the decision change? Packages ranked by the paired difference in %s (%s is better):\n",
                r.decision.c_str(), r.higher_is_better ? "more" : "less");
  out << "  at the study as written:";
  for (std::size_t k = 0; k < r.nominal_ranking.size(); ++k)
    out << (k ? " > " : " ") << r.packages[r.nominal_ranking[k]];
  out << format("\n  the ranking differs at %.0f%% of the %zu design points\n", 100.0 * r.ranking_changed,
                r.points.size());
  out << "  share of each input's moves that change the ranking:\n";
  for (std::size_t i = 0; i < r.inputs.size(); ++i)
    out << format("    %-44s %5.1f%%\n", r.inputs[i].c_str(), 100.0 * r.ranking_flips[i]);
  if (r.cost_nominal_ranking.empty()) return;
  out << format(
      "\nAlternatives ranked by the county's cost per extra unit of %s (cheapest first; a package that adds "
      "nothing last):\n  at the study as written:",
      r.decision.c_str());
  for (std::size_t k = 0; k < r.cost_nominal_ranking.size(); ++k)
    out << (k ? " > " : " ") << r.packages[r.cost_nominal_ranking[k]];
  out << format("\n  the ranking differs at %.0f%% of the %zu design points\n", 100.0 * r.cost_ranking_changed,
                r.points.size());
  out << "  share of each input's moves that change it:\n";
  for (std::size_t i = 0; i < r.inputs.size(); ++i)
    out << format("    %-44s %5.1f%%\n", r.inputs[i].c_str(), 100.0 * r.cost_ranking_flips[i]);
}

/// A study and its sensitivity settings, read and checked, with the analysis over them (which
/// keeps a reference to the study, so they live together at a fixed address).
struct PreparedSensitivity {
  innovation::Study study;
  innovation::SensitivityFile file;
  std::optional<innovation::SensitivityStudy> analysis;
};

/// Reads the study, its posterior, the inputs file and their posterior ranges and applies the
/// flags; `writes` also checks the output path. Given a runner, it checks every design point too
/// (ranks must agree on that before the work; one process's run checks them itself).
std::unique_ptr<PreparedSensitivity> prepare(const SensitivityOptions& options, bool writes,
                                             const RunnerOptions* check_on = nullptr) {
  auto p = std::make_unique<PreparedSensitivity>();
  p->study = innovation::load_study(options.study);
  innovation::attach_posterior(p->study);
  p->file = innovation::load_sensitivity(options.inputs, p->study);
  innovation::SensitivitySettings& settings = p->file.settings;
  innovation::resolve_posterior_ranges(p->study, settings);
  if (options.method)
    settings.method =
        *options.method == "sobol" ? innovation::SensitivityMethod::sobol : innovation::SensitivityMethod::morris;
  if (options.seed) settings.seed = *options.seed;
  if (options.replications) settings.replications = *options.replications;
  if (writes) io::check_destination(options.output, io::Overwrite::refuse);
  p->analysis.emplace(p->study, settings);
  if (check_on != nullptr) p->analysis->check(*check_on);
  return p;
}

void print_plan(const SensitivityOptions& options, const innovation::SensitivityStudy& analysis, std::ostream& out) {
  const innovation::SensitivitySettings& s = analysis.settings();
  out << format(
             "Sensitivity of %s: %s, %zu inputs, %zu design points (and the study as written), %u replications "
             "a point, %llu runs, seed %llu\n",
             options.study.c_str(), innovation::to_string(s.method), s.inputs.size(), analysis.points(), s.replications,
             static_cast<unsigned long long>(analysis.runs()), static_cast<unsigned long long>(s.seed))
      << std::flush;
}

/// Writes the file and prints the table: the end of a run, on one process or on rank 0.
int finish(const SensitivityOptions& options, const PreparedSensitivity& p,
           const innovation::SensitivityStudyResult& result, innovation::RunRecord record, std::ostream& out) {
  io::write_results(options.output, innovation::sensitivity_tree(result, record, p.file.text), io::Overwrite::refuse,
                    &stop_flag());
  print_table(result, p.analysis->settings(), out);
  out << format("\n%.1f s, %.0f runs/s; written to %s\n", result.seconds,
                static_cast<double>(result.runs) / result.seconds, options.output.c_str());
  return 0;
}

#ifdef LEAPSIM_HAVE_MPI
/// A work item's outputs as bytes: its means, then its replications' rows (the nominal point's).
std::string encode(const innovation::SensitivityStudy::ItemOutputs& item) {
  std::string bytes;
  const auto put = [&bytes](const void* data, std::size_t n) { bytes.append(static_cast<const char*>(data), n); };
  const std::uint64_t means = item.mean.size(), rows = item.each.size();
  put(&means, sizeof means);
  put(item.mean.data(), means * sizeof(double));
  put(&rows, sizeof rows);
  for (const std::vector<double>& row : item.each) put(row.data(), means * sizeof(double));
  return bytes;
}

innovation::SensitivityStudy::ItemOutputs decode(std::string_view bytes) {
  innovation::SensitivityStudy::ItemOutputs item;
  std::size_t at = 0;
  const auto take = [&](void* data, std::size_t n) {
    if (at + n > bytes.size()) throw Error("sensitivity: a rank sent a truncated result");
    std::memcpy(data, bytes.data() + at, n);
    at += n;
  };
  std::uint64_t means = 0, rows = 0;
  take(&means, sizeof means);
  if (means > bytes.size()) throw Error("sensitivity: a rank sent a malformed result");
  item.mean.resize(means);
  take(item.mean.data(), means * sizeof(double));
  take(&rows, sizeof rows);
  if (rows * means * sizeof(double) > bytes.size()) throw Error("sensitivity: a rank sent a malformed result");
  item.each.assign(rows, std::vector<double>(means));
  for (std::vector<double>& row : item.each) take(row.data(), means * sizeof(double));
  return item;
}

/// The analysis over the ranks of an MPI job: the nominal point and the design points are the
/// work items, each run on one rank's threads (the same bits wherever it runs); rank 0 gathers
/// their outputs, analyses them, writes the file and prints the table.
int sensitivity_over_mpi(const SensitivityOptions& options, std::ostream& out, std::ostream& err) {
  mpi::Session session;
  const bool root = session.rank() == 0;
  const std::string rank = format("rank %d of %d (%s): ", session.rank(), session.size(), session.host().c_str());
  const unsigned threads = options.threads != 0 ? options.threads : session.default_threads();
  const RunnerOptions inner{threads, {}, &stop_flag()};
  auto start = agreed_start(session, [&] { return prepare(options, root, &inner); });
  if (const std::optional<int> failed = start_failure(start, root, rank, err)) return *failed;
  const PreparedSensitivity& p = **start.prepared;
  const innovation::SensitivityStudy& analysis = *p.analysis;
  if (root) print_plan(options, analysis, out);
  const std::size_t per_item = analysis.runs() / analysis.items();
  SensitivityProgress progress(err);
  RunnerOptions items{1, {}, &stop_flag()};  // one item at a time per rank, on its threads
  if (root && !options.quiet)
    items.on_progress = [&](const Progress& q) { progress({q.done * per_item, q.total * per_item, 0.0}); };
  innovation::RunRecord record = innovation::record_of_run(LEAPSIM_VERSION, options.command_line, options.study);
  std::vector<innovation::SensitivityStudy::ItemOutputs> outputs(analysis.items());
  const auto started = std::chrono::steady_clock::now();
  try {
    mpi::run_distributed(
        session, analysis.items(), items, [&](std::size_t i) { return encode(analysis.run_item(i, inner)); },
        [&](std::size_t i, std::string_view bytes) { outputs[i] = decode(bytes); });
  } catch (...) {
    const int failed = report_failure(std::current_exception(), "", err);
    if (session.peers_lost()) session.abort(failed);
    return failed;
  }
  if (!root) return 0;
  if (!options.quiet) progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return finish(options, p, analysis.analyse(std::move(outputs), seconds), std::move(record), out);
}
#endif

}  // namespace

int sensitivity_command(const SensitivityOptions& options, std::ostream& out, std::ostream& err) {
#ifdef LEAPSIM_HAVE_MPI
  if (mpi::launched_by_mpi()) {
    stop_on_signals();
    return sensitivity_over_mpi(options, out, err);
  }
#else
  // Without MPI support every rank of an mpirun job would run the whole analysis on its own.
  if (const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE"); ranks != nullptr && std::string_view(ranks) != "1")
    throw UsageError("started as one of " + std::string(ranks) +
                     " MPI ranks, but this leapsim was built without MPI support (LEAPSIM_WITH_MPI): each rank "
                     "would run the whole analysis; run it without mpirun, with -j for the threads");
#endif
  stop_on_signals();  // from the start: a Ctrl-C while the design is checked stops the run before it begins
  RunnerOptions runner{options.threads, {}, &stop_flag()};
  const std::unique_ptr<PreparedSensitivity> p = prepare(options, true);
  const innovation::SensitivityStudy& analysis = *p->analysis;
  print_plan(options, analysis, out);
  SensitivityProgress progress(err);
  std::size_t done = 0;
  runner.on_progress = [&](const Progress& q) {
    done = q.done;
    if (!options.quiet) progress(q);
  };
  std::optional<innovation::SensitivityStudyResult> ran;
  try {
    ran = analysis.run(runner);
  } catch (const Cancelled&) {
    throw Cancelled(format("stopped after %zu of %llu runs", done, static_cast<unsigned long long>(analysis.runs())));
  }
  if (!options.quiet) progress.finish();
  return finish(options, *p, *ran, innovation::record_of_run(LEAPSIM_VERSION, options.command_line, options.study),
                out);
}

}  // namespace leapsim::app
