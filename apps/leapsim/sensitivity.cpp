#include "sensitivity.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <ostream>
#include <string_view>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/io/attach_posterior.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/scenario/sensitivity_file.hpp"
#include "leapsim/innovation/sensitivity_study.hpp"
#include "leapsim/io/results_file.hpp"
#include "stop_signal.hpp"
#include "text.hpp"

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
}

}  // namespace

int sensitivity_command(const SensitivityOptions& options, std::ostream& out, std::ostream& err) {
  // Not over MPI ranks yet: each rank would run the whole analysis and write the same file.
  if (const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE"); ranks != nullptr && std::string_view(ranks) != "1")
    throw UsageError("started as one of " + std::string(ranks) +
                     " MPI ranks, but `leapsim sensitivity` runs on the threads of one process (each rank would run "
                     "the whole analysis); run it without mpirun, with -j for the threads");
  stop_on_signals();  // from the start: a Ctrl-C while the design is checked stops the run before it begins
  innovation::Study study = innovation::load_study(options.study);
  innovation::attach_posterior(study);
  innovation::SensitivityFile file = innovation::load_sensitivity(options.inputs, study);
  innovation::SensitivitySettings& settings = file.settings;
  innovation::resolve_posterior_ranges(study, settings);
  if (options.method)
    settings.method =
        *options.method == "sobol" ? innovation::SensitivityMethod::sobol : innovation::SensitivityMethod::morris;
  if (options.seed) settings.seed = *options.seed;
  if (options.replications) settings.replications = *options.replications;
  io::check_destination(options.output, io::Overwrite::refuse);
  const innovation::SensitivityStudy analysis(study, settings);
  const innovation::SensitivitySettings& s = analysis.settings();
  out << format(
             "Sensitivity of %s: %s, %zu inputs, %zu design points (and the study as written), %u replications "
             "a point, %llu runs, seed %llu\n",
             options.study.c_str(), innovation::to_string(s.method), s.inputs.size(), analysis.points(), s.replications,
             static_cast<unsigned long long>(analysis.runs()), static_cast<unsigned long long>(s.seed))
      << std::flush;
  RunnerOptions runner{options.threads, {}, &stop_flag()};
  SensitivityProgress progress(err);
  std::size_t done = 0;
  runner.on_progress = [&](const Progress& p) {
    done = p.done;
    if (!options.quiet) progress(p);
  };
  std::optional<innovation::SensitivityStudyResult> ran;
  try {
    ran = analysis.run(runner);
  } catch (const Cancelled&) {
    throw Cancelled(format("stopped after %zu of %llu runs", done, static_cast<unsigned long long>(analysis.runs())));
  }
  const innovation::SensitivityStudyResult& result = *ran;
  if (!options.quiet) progress.finish();
  const innovation::RunRecord record = innovation::record_of_run(LEAPSIM_VERSION, options.command_line, options.study);
  io::write_results(options.output, innovation::sensitivity_tree(result, record, file.text), io::Overwrite::refuse,
                    &stop_flag());
  print_table(result, s, out);
  out << format("\n%.1f s, %.0f runs/s; written to %s\n", result.seconds,
                static_cast<double>(result.runs) / result.seconds, options.output.c_str());
  return 0;
}

}  // namespace leapsim::app
