#include "run.hpp"

#include <unistd.h>

#include <cstdio>
#include <ostream>

#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/study_runner.hpp"
#include "report.hpp"

namespace leapsim::app {

int run_study_command(const RunOptions& options, std::ostream& out, std::ostream& err) {
  const innovation::Study study = innovation::load_study(options.study);
  const std::uint32_t replications = options.replications.value_or(study.replications);
  const std::uint64_t seed = options.seed.value_or(study.seed);
  const std::size_t scenarios = 1 + study.alternatives.size();
  RunnerOptions runner{options.threads, {}, nullptr};
  const bool terminal = isatty(fileno(stderr)) != 0;
  std::size_t last_percent = 0;
  if (!options.quiet)
    runner.on_progress = [&](const Progress& p) {
      const std::size_t percent = 100 * p.done / p.total;
      if (terminal) {
        err << "\rrunning: " << p.done / scenarios << " of " << replications << " replications (" << percent << "%)"
            << std::flush;
      } else if (percent >= last_percent + 10 || p.done == p.total) {
        err << "running: " << percent << "% of " << replications << " replications x " << scenarios << " scenarios\n";
        last_percent = percent;
      }
    };
  const innovation::StudyResults results = innovation::run_study(study, replications, seed, runner);
  if (!options.quiet) {
    std::uint64_t events = 0;
    for (const auto& s : results.scenarios) events += s.events;
    if (terminal) err << '\n';
    char line[160];
    std::snprintf(line, sizeof line, "done: %.2f s, %.2f M events/s\n", results.seconds,
                  static_cast<double>(events) / results.seconds / 1e6);
    err << line;
  }
  write_report(study, results, out);
  return 0;
}

int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const std::string& file : files) {
    const std::vector<innovation::Diagnostic> problems = innovation::check_file(file);
    if (problems.empty()) {
      out << file << ": ok (" << (innovation::is_study_file(file) ? "study" : "scenario") << ")\n";
      continue;
    }
    status = 1;
    for (const innovation::Diagnostic& d : problems) err << d.to_string() << '\n';
  }
  return status;
}

}  // namespace leapsim::app
