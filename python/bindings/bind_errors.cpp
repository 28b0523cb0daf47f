// Every C++ error type becomes a Python exception class, most specific first:
//   Error > UsageError > ScenarioError (with file, line, column, diagnostics),
//   Error > SimulationError, Error > ResultsError (IoError), Error > Cancelled.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/scenario/diagnostics.hpp"

namespace py = pybind11;

namespace leapsim::python {
namespace {

PyObject* new_class(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("leapsim.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

}  // namespace

void bind_errors(py::module_& m) {
  static PyObject* error = new_class(m, "Error", PyExc_Exception, "Any LeapSim error.");
  static PyObject* usage = new_class(m, "UsageError", error, "Bad input: arguments, parameters, files.");
  static PyObject* scenario = new_class(m, "ScenarioError", usage,
                                        "An invalid scenario or study; .file, .line, .column locate the first "
                                        "problem and .diagnostics lists every one as (file, line, column, message).");
  static PyObject* simulation = new_class(m, "SimulationError", error, "A run failed while simulating.");
  static PyObject* results = new_class(m, "ResultsError", error, "A results file could not be read or written.");
  static PyObject* cancelled = new_class(m, "Cancelled", error, "A run was stopped before it finished.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const innovation::ScenarioError& e) {
      py::object exc = py::reinterpret_steal<py::object>(PyObject_CallFunction(scenario, "s", e.what()));
      py::list all;
      for (const innovation::Diagnostic& d : e.diagnostics())
        all.append(py::make_tuple(d.file, d.line, d.column, d.message));
      const bool any = !e.diagnostics().empty();
      exc.attr("file") = any ? py::cast(e.diagnostics().front().file) : py::none();
      exc.attr("line") = any ? py::cast(e.diagnostics().front().line) : py::none();
      exc.attr("column") = any ? py::cast(e.diagnostics().front().column) : py::none();
      exc.attr("diagnostics") = all;
      PyErr_SetObject(scenario, exc.ptr());
    } catch (const UsageError& e) {
      PyErr_SetString(usage, e.what());
    } catch (const SimulationError& e) {
      PyErr_SetString(simulation, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(results, e.what());
    } catch (const Cancelled& e) {
      PyErr_SetString(cancelled, e.what());
    } catch (const Error& e) {
      PyErr_SetString(error, e.what());
    }
  });
}

}  // namespace leapsim::python
