// The scenario-key reference (scenario/reference.hpp): every key with its type, unit, default,
// range and help in English and Chinese, as the schema declares it.
#include <pybind11/stl.h>

#include <string>

#include "bindings.hpp"
#include "leapsim/innovation/scenario/reference.hpp"

namespace py = pybind11;

namespace leapsim::python {

void bind_reference(py::module_& m) {
  m.def(
      "scenario_keys",
      [] {
        py::list rows;
        for (const innovation::KeySection& section : innovation::key_reference())
          for (const innovation::KeyReference& k : section.keys)
            rows.append(py::dict(py::arg("section") = section.name, py::arg("key") = k.key, py::arg("type") = k.type,
                                 py::arg("unit") = k.unit, py::arg("default") = k.fallback, py::arg("range") = k.range,
                                 py::arg("help") = k.help, py::arg("help_zh") = k.help_zh));
        return rows;
      },
      "Every scenario key, one dict per key, in file order (the tables of docs/scenario-format.md).");
}

}  // namespace leapsim::python
