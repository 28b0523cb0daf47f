// Calibrating from Python: the same library calls as `leapsim calibrate` (calibration_file.hpp,
// calibration.hpp), run without the GIL while Ctrl-C is still heard; the posterior comes back as
// the tree of a posterior file, and is written through io::write_posterior.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <memory>
#include <optional>

#include "bindings.hpp"
#include "hearing_signals.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/innovation/calibration.hpp"
#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/io/posterior_file.hpp"

namespace py = pybind11;

namespace leapsim::python {

void bind_calibration(py::module_& m) {
  m.def(
      "calibrate",
      [](const std::filesystem::path& file, std::optional<std::uint64_t> seed, unsigned threads,
         std::optional<int> cutoff) {
        const innovation::CalibrationFile cal = innovation::load_calibration(file, cutoff);
        abc::AbcOptions settings = cal.options;
        if (seed) settings.seed = *seed;
        settings.threads = threads;
        std::atomic<bool> stop{false};
        settings.stop = &stop;
        innovation::CalibrationOutcome outcome;
        run_hearing_signals(stop, [&] { outcome = innovation::calibrate(*cal.problem, settings); });
        py::list left_out;
        for (const innovation::LeftOutRow& row : cal.left_out)
          left_out.append(py::make_tuple(row.row.geography, row.row.year, row.row.metric, row.row.value, row.reason));
        const abc::Posterior posterior = innovation::posterior_of(cal, outcome, settings, "leapsim.calibrate");
        return py::make_tuple(std::make_shared<ResultGroup>(abc::posterior_tree(posterior)), left_out);
      },
      py::arg("file"), py::arg("seed") = py::none(), py::arg("threads") = 0u, py::arg("cutoff") = py::none(),
      "Runs a calibration file; returns (posterior tree, rows left out with their reasons).");
  m.def(
      "write_posterior",
      [](const ResultGroup& tree, const std::filesystem::path& path, bool force) {
        const abc::Posterior posterior = abc::posterior_from_tree(tree, path.string());
        py::gil_scoped_release unlocked;
        io::write_posterior(path, posterior, force ? io::Overwrite::replace : io::Overwrite::refuse);
      },
      py::arg("tree"), py::arg("path"), py::arg("force") = false,
      "Writes a posterior tree to a file atomically; with force, replaces only a posterior file.");
}

}  // namespace leapsim::python
