#include "calibrate.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <ostream>

#include "leapsim/engine/bytes.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/io/posterior_file.hpp"
#include "leapsim/io/results_file.hpp"
#ifdef LEAPSIM_HAVE_MPI
#include "leapsim/mpi/distributed_runner.hpp"
#include "leapsim/mpi/session.hpp"
#endif
#include "agreed_start.hpp"
#include "failure.hpp"
#include "stop_signal.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

/// The weighted 5%, 50% and 95% points of one figure's predictive summaries, and its mean.
struct Band {
  double mean, low, median, high;
};

Band predictive_band(const innovation::CalibrationOutcome& outcome, std::size_t figure) {
  std::vector<double> values, weights;
  for (std::size_t i = 0; i < outcome.predictive.size(); ++i)
    if (std::isfinite(outcome.predictive[i][figure])) {
      values.push_back(outcome.predictive[i][figure]);
      weights.push_back(outcome.result.weights[i]);
    }
  if (values.empty()) return {NAN, NAN, NAN, NAN};
  double mean = 0.0, sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) mean += weights[i] * values[i], sum += weights[i];
  return {mean / sum, stats::weighted_quantile(values, weights, 0.05), stats::weighted_quantile(values, weights, 0.5),
          stats::weighted_quantile(values, weights, 0.95)};
}

}  // namespace

CalibrationProgress::CalibrationProgress(std::ostream& err) : err_(err), terminal_(isatty(fileno(stderr)) != 0) {}

void CalibrationProgress::operator()(const abc::AbcProgress& p) {
  const auto now = std::chrono::steady_clock::now();
  if (p.generation != generation_ || p.accepted <= 1) {
    if (terminal_ && shown_) err_ << '\n';
    generation_ = p.generation, generation_start_ = now, next_percent_ = 10;
  }
  const double seconds = std::chrono::duration<double>(now - generation_start_).count();
  const double total = std::chrono::duration<double>(now - start_).count();
  const std::size_t percent = 100 * p.accepted / p.particles;
  const double eta = seconds * static_cast<double>(p.particles - p.accepted) / static_cast<double>(p.accepted);
  const std::string epsilon = std::isfinite(p.epsilon) ? format("%.3g", p.epsilon) : std::string("inf");
  if (terminal_) {
    err_ << format("\rgeneration %zu (tolerance %s): %zu/%zu particles, ETA of the generation %.0f s, %.0f s in all ",
                   p.generation, epsilon.c_str(), p.accepted, p.particles, eta, total)
         << std::flush;
    shown_ = true;
  } else if (percent >= next_percent_ || p.accepted == p.particles) {
    err_ << format("generation %zu (tolerance %s): %zu%% (%zu of %zu particles), ETA of the generation %.0f s\n",
                   p.generation, epsilon.c_str(), percent, p.accepted, p.particles, eta);
    next_percent_ = percent + 10;
  }
}

void CalibrationProgress::finish() {
  if (terminal_ && shown_) err_ << '\n';
}

/// Says so when the posterior rests on a few particles (abc::rests_on_few_particles).
void warn_if_few_particles(const abc::AbcResult& r, std::ostream& out) {
  if (!abc::rests_on_few_particles(r)) return;
  out << format(
      "  WARNING: the last generation's effective sample size is %.1f of %zu particles: the posterior rests on a\n"
      "  few particles, so these intervals and \"identified\" marks understate the uncertainty. Raise\n"
      "  method.particles or max_simulations, or try the other kernel.\n",
      r.generations.back().effective_sample_size, r.particles.size());
}

void print_diagnostics(const innovation::CalibrationFile& cal, const innovation::CalibrationOutcome& outcome,
                       std::ostream& out) {
  const abc::AbcResult& r = outcome.result;
  out << format("\nGenerations (stopped by %s; %zu simulations in all):\n", abc::to_string(r.stopped_by),
                r.simulations);
  out << "  gen  tolerance   attempts  simulations  acceptance      ESS\n";
  for (std::size_t g = 0; g < r.generations.size(); ++g) {
    const abc::GenerationReport& gen = r.generations[g];
    out << format("  %3zu  %9.4g  %9zu  %11zu  %9.1f%%  %7.1f\n", g, gen.epsilon, gen.attempts, gen.simulations,
                  100.0 * gen.acceptance_rate, gen.effective_sample_size);
  }
  out << "\nParameters: posterior mean and 90% interval, the prior's 90% interval, and the posterior's width\n"
         "over the prior's (identified when at most "
      << format("%g", cal.options.identified_width_ratio) << "):\n";
  for (const abc::ParameterReport& p : r.parameters)
    out << format("  %-40s %11.5g [%11.5g, %11.5g]  prior [%11.5g, %11.5g]  width %.2f  %s\n", p.name.c_str(), p.mean,
                  p.low, p.high, p.prior_low, p.prior_high, p.width_ratio,
                  p.identified ? "identified" : "near its prior");
  warn_if_few_particles(r, out);
  out << "\nPosterior predictive check (each particle re-simulated with a fresh seed):\n";
  const std::vector<abc::Target> targets = cal.problem->targets();
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const Band band = predictive_band(outcome, k);
    const abc::Target& t = targets[k];
    const char* kind = t.qualifier == abc::Qualifier::lower_bound   ? ">="
                       : t.qualifier == abc::Qualifier::upper_bound ? "<="
                                                                    : "=";
    const bool inside = t.qualifier == abc::Qualifier::lower_bound   ? band.high >= t.value
                        : t.qualifier == abc::Qualifier::upper_bound ? band.low <= t.value
                                                                     : band.low <= t.value && t.value <= band.high;
    out << format("  %-34s observed %s %-10g predicted %10.1f [%10.1f, %10.1f]  %s\n", t.name.c_str(), kind, t.value,
                  band.mean, band.low, band.high, inside ? "inside" : "OUTSIDE the 90% band");
  }
  if (!cal.left_out.empty()) {
    out << "\nObserved rows not fitted:\n";
    for (const innovation::LeftOutRow& row : cal.left_out)
      out << format("  %s %d %s %g: ", row.row.geography.c_str(), row.row.year, row.row.metric.c_str(), row.row.value)
          << row.reason << '\n';
  }
}

namespace {

/// The calibration file read, with the destination checked: what every rank needs before work.
struct PreparedCalibration {
  innovation::CalibrationFile cal;
  abc::AbcOptions settings;
  io::Overwrite overwrite;
};

PreparedCalibration prepare(const CalibrateOptions& options, bool writes) {
  PreparedCalibration p{innovation::load_calibration(options.file), {}, io::Overwrite::refuse};
  p.overwrite = options.force ? io::Overwrite::replace : io::Overwrite::refuse;
  if (writes) io::check_destination(options.output, p.overwrite);
  p.settings = p.cal.options;
  if (options.seed) p.settings.seed = *options.seed;
  p.settings.threads = options.threads;
  return p;
}

/// Runs a prepared calibration; with `writes` it prints and writes the posterior (rank 0 only,
/// under MPI).
int run_calibration(const CalibrateOptions& options, PreparedCalibration& p, bool writes, std::ostream& out,
                    std::ostream& err) {
  const innovation::CalibrationFile& cal = p.cal;
  abc::AbcOptions& settings = p.settings;
  stop_on_signals();
  settings.stop = &stop_flag();
  CalibrationProgress progress(err);
  if (!options.quiet && writes) settings.on_progress = [&](const abc::AbcProgress& prog) { progress(prog); };
  const innovation::CalibrationProblem& problem = *cal.problem;
  if (writes)
    out << format("Calibrating %s: %zu free parameters, %zu figures up to %d, %zu particles, seed %llu\n",
                  options.file.c_str(), problem.free_parameters().size(), problem.figures().size(), cal.up_to,
                  settings.particles, static_cast<unsigned long long>(settings.seed))
        << std::flush;
  const auto start = std::chrono::steady_clock::now();
  const innovation::CalibrationOutcome outcome = innovation::calibrate(problem, settings);
  if (!writes) return 0;
  if (!options.quiet) progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_diagnostics(cal, outcome, out);
  out << format("\n%.1f s, %.1f simulations/s\n", seconds,
                static_cast<double>(outcome.result.simulations + outcome.predictive.size()) / seconds);
  const abc::Posterior posterior = innovation::posterior_of(cal, outcome, settings, "leapsim calibrate");
  io::write_posterior(options.output, posterior, p.overwrite, &stop_flag());
  out << "posterior written to " << options.output << '\n';
  return 0;
}

#ifdef LEAPSIM_HAVE_MPI
/// Spreads a generation's particles over every thread of every rank (engine/mpi's guided
/// hand-out), then gives every rank every result, so all ranks hold the same generation and
/// propose the next alike. Rank 0 keeps results as they arrive (its progress moves); the others
/// keep them from rank 0's broadcast. A failure on rank 0 (an error, a stop) is told to every rank
/// before the broadcast of results, so none waits for a generation that will not come.
abc::ParticleRunner over_ranks(mpi::Session& session, const RunnerOptions& runner) {
  return [&session, runner](std::size_t count, const std::function<std::string(std::size_t)>& compute,
                            const std::function<void(std::size_t, std::string_view)>& keep) {
    const bool root = session.rank() == 0;
    std::vector<std::string> results(root ? count : 0);
    std::exception_ptr failure;
    try {
      mpi::run_distributed(session, count, runner, compute, [&](std::size_t i, std::string_view bytes) {
        results[i] = std::string(bytes);
        keep(i, bytes);
      });
    } catch (...) {
      failure = std::current_exception();
      if (session.peers_lost()) std::rethrow_exception(failure);  // nobody is left to tell
    }
    ByteWriter all;
    if (root) {
      all.put(static_cast<char>(failure ? 1 : 0));
      if (!failure)
        for (const std::string& r : results) all.put_text(r);
    }
    const std::string bytes = session.bytes_from_root(root ? std::move(all).take() : std::string());
    if (failure) std::rethrow_exception(failure);
    ByteReader in(bytes);
    if (in.get<char>() != 0) throw Cancelled("calibrate: rank 0 ended the calibration");
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view result = in.get_text();
      if (!root) keep(i, result);
    }
  };
}

/// The calibration over the ranks of an MPI job: every rank reads the file and they agree before
/// any work (a bad file is told once, by rank 0); rank 0 prints and writes.
int calibrate_over_mpi(const CalibrateOptions& options, std::ostream& out, std::ostream& err) {
  mpi::Session session;
  const bool root = session.rank() == 0;
  auto start = agreed_start(session, [&] { return prepare(options, root); });
  if (start.root_code != 0 || start.worst_code != 0) {
    if (root && start.problem) std::rethrow_exception(start.problem);
    return start.root_code != 0 ? start.root_code : start.worst_code;
  }
  std::optional<PreparedCalibration>& prepared = start.prepared;
  RunnerOptions runner{options.threads, {}, &stop_flag()};
  prepared->settings.particle_runner = over_ranks(session, runner);
  try {
    return run_calibration(options, *prepared, root, out, err);
  } catch (...) {
    if (!root) return exit_code(std::current_exception());  // rank 0 tells the user
    const int failed = report_failure(std::current_exception(), "", err);
    if (session.peers_lost()) session.abort(failed);
    return failed;
  }
}
#endif

}  // namespace

int calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err) {
#ifdef LEAPSIM_HAVE_MPI
  if (mpi::launched_by_mpi()) return calibrate_over_mpi(options, out, err);
#endif
  PreparedCalibration prepared = prepare(options, true);
  return run_calibration(options, prepared, true, out, err);
}

}  // namespace leapsim::app
