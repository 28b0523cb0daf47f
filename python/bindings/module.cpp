// leapsim._core: the private extension module; the package `leapsim` re-exports what users need.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "LeapSim's C++ core: scenario files, the innovation model, results files";
  m.attr("__version__") = LEAPSIM_VERSION;
  leapsim::python::bind_errors(m);
  leapsim::python::bind_study(m);
  leapsim::python::bind_results(m);
  leapsim::python::bind_posterior(m);
  leapsim::python::bind_calibration(m);
  leapsim::python::bind_run(m);
  leapsim::python::bind_reference(m);
  leapsim::python::bind_sensitivity(m);
}
