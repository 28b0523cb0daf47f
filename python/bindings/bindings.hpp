#pragma once
// One bind_* function per area, mirroring the C++ tree; module.cpp calls them in order.
#include <pybind11/pybind11.h>

namespace leapsim::python {

/// Exceptions: every C++ error type mapped to a Python class (engine/errors.hpp, ScenarioError).
void bind_errors(pybind11::module_& m);
/// Studies and scenarios (models/innovation/study.hpp and the scenario loader).
void bind_study(pybind11::module_& m);
/// Results trees and files (engine/result_tree.hpp, engine/io).
void bind_results(pybind11::module_& m);
/// Posterior files (engine/posterior.hpp, engine/io/posterior_file.hpp).
void bind_posterior(pybind11::module_& m);
/// Calibration files run to a posterior (innovation/calibration.hpp, scenario/calibration_file.hpp).
void bind_calibration(pybind11::module_& m);
/// Running a study (models/innovation/study_runner.hpp).
void bind_run(pybind11::module_& m);
/// Sensitivity analysis of a study (models/innovation/sensitivity_study.hpp).
void bind_sensitivity(pybind11::module_& m);
/// The scenario-key reference (models/innovation/scenario/reference.hpp).
void bind_reference(pybind11::module_& m);

}  // namespace leapsim::python
