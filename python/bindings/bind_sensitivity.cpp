// Sensitivity analysis from Python: the same library calls as `leapsim sensitivity`
// (scenario/sensitivity_file.hpp, sensitivity_study.hpp), run without the GIL while Ctrl-C is
// still heard; the analysis comes back as the tree of a sensitivity file.
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <memory>
#include <optional>

#include "bindings.hpp"
#include "hearing_signals.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/io/attach_posterior.hpp"
#include "leapsim/innovation/scenario/sensitivity_file.hpp"
#include "leapsim/innovation/sensitivity_study.hpp"
#include "leapsim/io/results_file.hpp"

namespace py = pybind11;

namespace leapsim::python {

void bind_sensitivity(py::module_& m) {
  m.def(
      "sensitivity",
      [](const innovation::Study& study, const std::string& text, const std::string& name,
         std::optional<std::string> method, std::optional<std::uint64_t> seed,
         std::optional<std::uint32_t> replications, unsigned threads,
         const std::function<void(std::size_t, std::size_t)>& progress) {
        innovation::SensitivityFile file = innovation::read_sensitivity(text, name, study);
        innovation::SensitivitySettings& s = file.settings;
        innovation::resolve_posterior_ranges(study, s);
        if (method && *method != "morris" && *method != "sobol")
          throw UsageError("sensitivity: method must be \"morris\" or \"sobol\", not \"" + *method + "\"");
        if (method)
          s.method = *method == "sobol" ? innovation::SensitivityMethod::sobol : innovation::SensitivityMethod::morris;
        if (seed) s.seed = *seed;
        if (replications) s.replications = *replications;
        const innovation::SensitivityStudy analysis(study, s);
        std::optional<innovation::SensitivityStudyResult> result;
        run_with_progress(threads, progress, [&](const RunnerOptions& runner) { result = analysis.run(runner); });
        const innovation::RunRecord record =
            innovation::record_of_run(LEAPSIM_VERSION, "python: leapsim.sensitivity", study.source);
        return std::make_shared<ResultGroup>(innovation::sensitivity_tree(*result, record, file.text));
      },
      py::arg("study"), py::arg("text"), py::arg("name"), py::arg("method") = py::none(), py::arg("seed") = py::none(),
      py::arg("replications") = py::none(), py::arg("threads") = 0u, py::arg("progress") = nullptr,
      "Runs a sensitivity analysis of the study from a sensitivity file's text; returns its results tree.");
  m.def(
      "open_sensitivity",
      [](const std::filesystem::path& path) {
        auto tree = std::make_shared<ResultGroup>(io::read_results(path));
        const AttributeValue* format = tree->attribute("format");
        if (format == nullptr || !std::holds_alternative<std::string>(*format) ||
            std::get<std::string>(*format) != "leapsim-sensitivity")
          throw IoError(path.string() + ": not a sensitivity file (written by `leapsim sensitivity -o`)");
        return tree;
      },
      py::arg("path"), "Reads a sensitivity file (written by `leapsim sensitivity -o` or Sensitivity.save).");
}

}  // namespace leapsim::python
