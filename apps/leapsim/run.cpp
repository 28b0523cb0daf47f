#include "run.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ostream>
#include <sstream>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/study_runner.hpp"
#include "leapsim/io/results_file.hpp"
#include "report.hpp"
#include "text.hpp"

namespace leapsim::app {
namespace {

std::atomic<bool> g_stop{false};

/// SIGINT and SIGTERM ask the run to stop after the replications in flight; nothing is written.
extern "C" void request_stop(int) { g_stop.store(true); }

/// Progress on stderr: a bar redrawn in place on a terminal, a line every 10% otherwise.
class ProgressReporter {
 public:
  ProgressReporter(std::ostream& err, std::size_t scenarios) : err_(err), scenarios_(scenarios) {}
  void operator()(const Progress& p) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const std::size_t percent = 100 * p.done / p.total;
    const double eta = p.done > 0 ? seconds * static_cast<double>(p.total - p.done) / static_cast<double>(p.done) : 0.0;
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
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

int run_study_command(const RunOptions& options, std::ostream& out, std::ostream& err) {
  const innovation::Study study = innovation::load_study(options.study);
  const std::uint32_t replications = options.replications.value_or(study.replications);
  const std::uint64_t seed = options.seed.value_or(study.seed);
  innovation::RecordRequest record;
  record.replications = options.record_replications;
  for (const std::string& what : options.record) {
    if (!options.output) throw UsageError("--record needs an output file (-o)");
    (what == "events" ? record.events : record.snapshots) = true;
  }
  if (options.output) {  // fail before the run, not after it
    if (!options.force && std::filesystem::exists(*options.output))
      throw UsageError(options.output->string() + " exists; use --force to replace it");
    const std::filesystem::path folder =
        options.output->has_parent_path() ? options.output->parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(folder))
      throw UsageError("cannot write " + options.output->string() + ": folder " + folder.string() + " does not exist");
  }
  ProgressReporter progress(err, 1 + study.alternatives.size());
  RunnerOptions runner{options.threads, {}, &g_stop};
  if (!options.quiet) runner.on_progress = [&progress](const Progress& p) { progress(p); };
  g_stop = false;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  const innovation::StudyResults results = innovation::run_study(study, replications, seed, runner, record);
  const ResultGroup tree = innovation::results_tree(
      study, results, innovation::record_of_run(LEAPSIM_VERSION, options.command_line, options.study));
  if (!options.quiet) {
    std::uint64_t events = 0;
    for (const auto& s : results.scenarios) events += s.events;
    progress.finish(results.seconds, events);
  }
  if (options.output) {
    const auto t0 = std::chrono::steady_clock::now();
    io::write_results(*options.output, tree, options.force ? io::Overwrite::replace : io::Overwrite::refuse);
    if (!options.quiet) {
      err << format("wrote %s in %.2f s\n", options.output->c_str(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  write_report(tree, {}, out);
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

int compare_command(const CompareOptions& options, std::ostream& out) {
  ResultGroup tree = io::read_results(options.file);
  innovation::check_results_tree(tree);
  if (options.base) innovation::compare_against(tree, *options.base);
  ReportView view;
  view.comparisons_only = true;
  view.metric = options.metric;
  view.year = options.year;
  write_report(tree, view, out);
  return 0;
}

namespace {

std::string describe(const AttributeValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using V = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<V, std::string>) {
          const auto newline = x.find('\n');
          if (newline == std::string::npos && x.size() <= 70) return x;
          return "text, " + std::to_string(x.size()) + " characters";
        } else if constexpr (std::is_arithmetic_v<V>) {
          std::ostringstream s;
          s << x;
          return s.str();
        } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
          std::string joined;
          for (const std::string& item : x) joined += (joined.empty() ? "" : ", ") + item;
          return "[" + joined + "]";
        } else {
          return "list of " + std::to_string(x.size()) + " numbers";
        }
      },
      v);
}

void list_group(const ResultGroup& g, const std::string& path, std::ostream& out) {
  for (const ResultArray& a : g.arrays) {
    std::string shape;
    for (const std::size_t d : a.shape) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    out << path << a.name << "  [" << shape << "]";
    for (const Attribute& attr : a.attributes)
      if (attr.name == "unit") out << "  " << describe(attr.value);
    out << '\n';
  }
  for (const ResultTable& t : g.tables) {
    out << path << t.name << "  table of " << t.rows() << " rows:";
    for (const TableColumn& c : t.columns) out << ' ' << c.name;
    out << '\n';
  }
  for (const ResultGroup& child : g.groups) {
    // Every scenario and comparison repeats the same metric list: show its size and shape once.
    if (child.groups.empty() && child.arrays.size() > 4) {
      const ResultArray& first = child.arrays.front();
      std::string shape;
      for (const std::size_t d : first.shape) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
      out << path << child.name << "/  " << child.arrays.size() << " datasets [" << shape << "], one per metric\n";
      continue;
    }
    list_group(child, path + child.name + "/", out);
  }
}

}  // namespace

int info_command(const std::string& file, std::ostream& out) {
  const ResultGroup tree = io::read_results(file);
  innovation::check_results_tree(tree);
  out << file << '\n';
  for (const Attribute& a : tree.attributes) out << "  " << a.name << ": " << describe(a.value) << '\n';
  list_group(tree, "/", out);
  return 0;
}

}  // namespace leapsim::app
