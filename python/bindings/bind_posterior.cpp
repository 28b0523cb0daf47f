// Posterior files (engine/posterior.hpp, engine/io/posterior_file.hpp): read and checked in C++,
// handed to Python as the tree of the documented layout, so leapsim.open_posterior reads what
// h5py would; and the engine's weighted quantile, so Python's intervals are the engine's.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>

#include "bindings.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/io/posterior_file.hpp"

namespace py = pybind11;

namespace leapsim::python {

void bind_posterior(py::module_& m) {
  m.def(
      "read_posterior",
      [](const std::filesystem::path& path) {
        abc::Posterior posterior;
        {
          py::gil_scoped_release unlocked;
          posterior = io::read_posterior(path);
        }
        return std::make_shared<ResultGroup>(abc::posterior_tree(posterior));
      },
      py::arg("path"), "Reads and checks a posterior file; returns its tree (docs/output-format.md).");
  m.def(
      "weighted_quantile",
      [](const std::vector<double>& values, const std::vector<double>& weights, double q) {
        return stats::weighted_quantile(values, weights, q);
      },
      py::arg("values"), py::arg("weights"), py::arg("q"),
      "Quantile q of weighted values as the engine computes it (Hazen's rule for equal weights).");
}

}  // namespace leapsim::python
