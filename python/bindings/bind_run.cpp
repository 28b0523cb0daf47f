// Running a study from Python: the GIL is released while replications run on worker threads;
// the progress callback takes it back for each report, and the calling thread checks for signals
// (Ctrl-C) while it waits.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "bindings.hpp"
#include "hearing_signals.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/innovation/adaptive_run.hpp"
#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace py = pybind11;

namespace leapsim::python {
namespace {}  // namespace

void bind_run(py::module_& m) {
  m.def(
      "run_study",
      [](const innovation::Study& study, std::uint32_t replications, std::uint64_t seed, unsigned threads,
         const std::function<void(std::size_t, std::size_t)>& progress, bool record_events, bool record_firms,
         std::uint32_t record_replications, const std::vector<std::string>& precision,
         std::optional<std::uint32_t> max_replications) {
        if (replications == 0) throw UsageError("replications must be at least 1");
        if (precision.empty() && max_replications) throw UsageError("max_replications needs precision");
        std::optional<innovation::AdaptivePlan> plan;
        if (!precision.empty()) {
          std::vector<innovation::Precision> asked;
          for (const std::string& text : precision) asked.push_back(innovation::parse_precision(text));
          plan = innovation::plan_adaptive(study, std::move(asked), replications, max_replications);
        }
        innovation::AdaptiveOutcome adaptive;
        innovation::StudyResults results;
        run_with_progress(threads, progress, [&](const RunnerOptions& runner) {
          const innovation::RecordRequest record{record_events, record_firms, record_replications};
          results = plan ? innovation::run_study_adaptive(study, *plan, seed, runner, record, adaptive)
                         : innovation::run_study(study, replications, seed, runner, record);
        });
        const innovation::RunRecord record =
            innovation::record_of_run(LEAPSIM_VERSION, "python: leapsim.run", study.source);
        auto tree = std::make_shared<ResultGroup>(innovation::results_tree(study, results, record));
        if (plan) innovation::add_adaptive_group(*tree, *plan, adaptive);
        return tree;
      },
      py::arg("study"), py::arg("replications"), py::arg("seed"), py::arg("threads") = 0, py::arg("progress") = nullptr,
      py::arg("record_events") = false, py::arg("record_firms") = false, py::arg("record_replications") = 1,
      py::arg("precision") = std::vector<std::string>{}, py::arg("max_replications") = std::nullopt,
      "Runs every scenario of the study; replication r of every scenario shares its random streams. Returns the "
      "results tree. progress(done, total) is called after each replication. With precision (texts as "
      "`leapsim run --precision`), runs in batches from `replications` up to max_replications (adaptive_run.hpp).");
}

}  // namespace leapsim::python
