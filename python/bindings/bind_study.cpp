// Studies, scenarios and targets as read-only Python objects; loading and checking files.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bindings.hpp"
#include "leapsim/innovation/io/attach_posterior.hpp"
#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/scenario/changes.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/study.hpp"

namespace py = pybind11;

namespace leapsim::python {
namespace {

using innovation::Scenario;
using innovation::Study;
using innovation::Target;

/// A step's `from` as a file writes it: a date text, or a year as a whole number.
std::string step_date(const py::handle& from, const std::string& path) {
  if (py::isinstance<py::str>(from)) return from.cast<std::string>();
  if (py::isinstance<py::int_>(from) && !py::isinstance<py::bool_>(from)) return std::to_string(from.cast<long long>());
  throw py::type_error(path + ": a step's 'from' must be a date text ('2020-01-01') or a year, not " +
                       std::string(py::str(py::type::of(from).attr("__name__"))));
}

/// A step {'from': date, 'value': number} (from optional where `first` allows it).
innovation::StepChange step_change(const py::handle& item, const std::string& path, bool from_optional) {
  if (!py::isinstance<py::dict>(item))
    throw py::type_error(path + ": a schedule step must be a dict {'from': date, 'value': number}, not " +
                         std::string(py::str(py::type::of(item).attr("__name__"))));
  const py::dict step = py::reinterpret_borrow<py::dict>(item);
  for (const auto& [key, _] : step)
    if (py::str(key).cast<std::string>() != "from" && py::str(key).cast<std::string>() != "value")
      throw py::type_error(path + ": a schedule step takes only 'from' and 'value', not '" +
                           py::str(key).cast<std::string>() + "'");
  if (!step.contains("value")) throw py::type_error(path + ": a schedule step needs a 'value'");
  if (!from_optional && !step.contains("from")) throw py::type_error(path + ": a dated step needs a 'from' date");
  innovation::StepChange change;
  change.value = step["value"].cast<double>();
  if (step.contains("from")) change.from = step_date(step["from"], path);
  return change;
}

/// with_changes' argument split into numbers by path and schedule changes: a number sets a path, a
/// list of steps replaces a schedule, one step {'from', 'value'} is put into the schedule there.
std::pair<std::vector<std::pair<std::string, double>>, std::vector<innovation::ScheduleChange>> changes_of(
    const py::dict& changes) {
  std::vector<std::pair<std::string, double>> numbers;
  std::vector<innovation::ScheduleChange> schedules;
  for (const auto& [key, value] : changes) {
    if (!py::isinstance<py::str>(key)) throw py::type_error("with_changes: each key must be a parameter path text");
    const std::string path = key.cast<std::string>();
    if (py::isinstance<py::dict>(value)) {
      schedules.push_back({path, {step_change(value, path, false)}, true});
    } else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
      innovation::ScheduleChange change{path, {}, false};
      std::size_t i = 0;
      for (const py::handle item : value) {
        change.steps.push_back(step_change(item, path + "[" + std::to_string(i) + "]", i == 0));
        ++i;
      }
      schedules.push_back(std::move(change));
    } else {
      try {
        numbers.emplace_back(path, value.cast<double>());
      } catch (const py::cast_error&) {
        throw py::type_error(path +
                             ": expected a number, a list of steps [{'from': date, 'value': number}, ...] "
                             "or one dated step {'from': date, 'value': number}, not " +
                             std::string(py::str(py::type::of(value).attr("__name__"))));
      }
    }
  }
  return {std::move(numbers), std::move(schedules)};
}

/// Where the files a loaded file names may be.
innovation::NamedFiles named_files(bool allow_outside) {
  return allow_outside ? innovation::NamedFiles::anywhere : innovation::NamedFiles::inside_folder;
}

}  // namespace

void bind_study(py::module_& m) {
  py::class_<Scenario>(m, "Scenario", "A fully resolved scenario: parameters after `extends` and overrides.")
      .def_readonly("name", &Scenario::name)
      .def_readonly("description", &Scenario::description)
      .def_readonly("source", &Scenario::source, "The file it was read from.")
      .def_readonly("resolved_yaml", &Scenario::resolved_yaml, "Every parameter, as a scenario file.")
      .def_readonly("posterior", &Scenario::posterior, "The posterior file its `posterior` key names; '' if none.")
      .def_property_readonly("start_year", [](const Scenario& s) { return s.parameters.start_year; })
      .def_property_readonly("end_year", [](const Scenario& s) { return s.parameters.end_year; })
      .def(
          "with_changes",
          [](const Scenario& s, const py::dict& changes) {
            const auto [numbers, schedules] = changes_of(changes);
            return innovation::with_changes(s, numbers, schedules);
          },
          py::arg("changes"),
          "A new scenario with parameters set by path, e.g. {'policy.hte_reward_new': 200000}; a schedule given "
          "as a list of steps [{'value': 0}, {'from': '2020-01-01', 'value': 150000}] replaces the lever's "
          "schedule, one step {'from': '2020-01-01', 'value': 150000} is put into it. Validated like a file "
          "(raises ScenarioError or UsageError; TypeError for a value of another kind).")
      .def("__repr__", [](const Scenario& s) { return "<leapsim.Scenario '" + s.name + "'>"; });

  m.def(
      "metric_infos",
      [] {
        std::vector<std::map<std::string, std::string>> rows;
        for (const innovation::MetricInfo& info : innovation::metric_infos())
          rows.push_back({{"name", std::string(info.name)},
                          {"unit", std::string(info.unit)},
                          {"description", std::string(info.description)},
                          {"description_zh", std::string(info.description_zh)}});
        return rows;
      },
      "Every metric in file order: name, unit, description (English) and description_zh (Chinese), from the "
      "model's one table of metrics.");

  py::class_<Target>(m, "Target", "A bureau target: a metric compared with a threshold in a year.")
      .def_readonly("label", &Target::label)
      .def_property_readonly("metric",
                             [](const Target& t) {
                               return std::string(innovation::metric_infos()[static_cast<std::size_t>(t.metric)].name);
                             })
      .def_readonly("year", &Target::year)
      .def_property_readonly("comparison",
                             [](const Target& t) { return std::string(innovation::comparison_symbol(t.comparison)); })
      .def_readonly("threshold", &Target::threshold)
      .def("met", &Target::met, py::arg("value"), "Whether a value meets the target.")
      .def("__repr__", [](const Target& t) { return "<leapsim.Target '" + t.label + "'>"; });

  py::class_<Study>(m, "Study", "A base scenario, named alternatives and targets.")
      .def_readonly("name", &Study::name)
      .def_readonly("description", &Study::description)
      .def_readonly("source", &Study::source)
      .def_readonly("base", &Study::base)
      .def_readonly("alternatives", &Study::alternatives)
      .def_readonly("targets", &Study::targets)
      .def_readonly("replications", &Study::replications)
      .def_readonly("seed", &Study::seed)
      .def_readonly("posterior_file", &Study::posterior_file, "The posterior file its draws come from; '' if none.")
      .def_readonly("runs_per_draw", &Study::runs_per_draw, "Replications that share one posterior draw.")
      .def("__repr__", [](const Study& s) {
        return "<leapsim.Study '" + s.name + "': base and " + std::to_string(s.alternatives.size()) + " alternatives>";
      });

  // Files read from a path keep the files they name (extends, base) inside their folder tree
  // unless allow_outside, as the command line does: a file from someone else must not make us
  // read files elsewhere. Text (from_dict) is the caller's own and may name any file.
  m.def(
      "load_study",
      [](const std::filesystem::path& path, bool allow_outside) {
        const innovation::NamedFilesPolicy files(named_files(allow_outside));
        Study study = innovation::load_study(path);
        innovation::attach_posterior(study);
        return study;
      },
      py::arg("path"), py::arg("allow_outside") = false, "Reads a study file.");
  m.def(
      "load_scenario",
      [](const std::filesystem::path& path, bool allow_outside) {
        const innovation::NamedFilesPolicy files(named_files(allow_outside));
        return innovation::load_scenario(path);
      },
      py::arg("path"), py::arg("allow_outside") = false, "Reads a scenario file.");
  m.def(
      "load_study_text",
      [](std::string_view yaml, const std::string& name) {
        Study study = innovation::load_study_text(yaml, name);
        innovation::attach_posterior(study);
        return study;
      },
      py::arg("yaml"), py::arg("name"),
      "Reads study YAML given as text; `name` stands for the file in messages and relative paths.");
  m.def("load_scenario_text", &innovation::load_scenario_text, py::arg("yaml"), py::arg("name"),
        "Reads scenario YAML given as text.");
  m.def("is_study_file", &innovation::is_study_file, py::arg("path"), "Whether the file is a study.");
  m.def(
      "check_file",
      [](const std::filesystem::path& path, bool allow_outside) {
        const innovation::NamedFilesPolicy files(named_files(allow_outside));
        py::list out;
        for (const innovation::Diagnostic& d : innovation::check_file(path))
          out.append(py::make_tuple(d.file, d.line, d.column, d.message));
        return out;
      },
      py::arg("path"), py::arg("allow_outside") = false,
      "Every problem in a scenario or study file as (file, line, column, message); empty if valid.");
  m.def(
      "study_of",
      [](const Scenario& s, std::uint32_t replications, std::uint64_t seed, const Study* draws_from) {
        Study study;
        study.name = s.name;
        study.description = s.description;
        study.source = s.source;
        study.base = s;
        study.base.name = "base";  // as in study files, whose base scenario is always "base"
        if (study.base.description.empty()) study.base.description = s.name;
        study.replications = replications;
        study.seed = seed;
        study.posterior_file = s.posterior;
        if (draws_from != nullptr) {  // the study's own draws, so a changed base stays paired with its base
          study.posterior_file = draws_from->posterior_file;
          study.runs_per_draw = draws_from->runs_per_draw;
          study.posterior_parameters = draws_from->posterior_parameters;
          study.posterior_parameters_at = draws_from->posterior_parameters_at;
        }
        innovation::attach_posterior(study);  // again, so the paths are checked against this scenario
        return study;
      },
      py::arg("scenario"), py::arg("replications"), py::arg("seed"), py::arg("draws_from") = nullptr,
      "A study of one scenario (named base), without alternatives or targets; with draws_from, on "
      "that study's posterior draws (its posterior, runs_per_draw and posterior_parameters).");
}

}  // namespace leapsim::python
