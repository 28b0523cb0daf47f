// A results tree behind a Python object: navigation by path, datasets as read-only numpy views
// that keep the tree alive, tables as dicts of columns; reading and writing results files.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <sstream>

#include "bindings.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/result_tree.hpp"
#include "leapsim/innovation/cost_effectiveness.hpp"
#include "leapsim/innovation/mechanisms.hpp"
#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/io/results_file.hpp"

namespace py = pybind11;

namespace leapsim::python {
namespace {

using Tree = std::shared_ptr<ResultGroup>;

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

const ResultGroup& group_at(const ResultGroup& root, const std::string& path) {
  const ResultGroup* g = &root;
  for (const std::string& part : split(path)) {
    g = g->group(part);
    if (g == nullptr) throw IoError("results: no group '" + path + "'");
  }
  return *g;
}

/// The parent group of a path and the last name in it.
std::pair<const ResultGroup*, std::string> parent_of(const ResultGroup& root, const std::string& path) {
  std::vector<std::string> parts = split(path);
  if (parts.empty()) throw IoError("results: an empty path");
  const std::string last = parts.back();
  parts.pop_back();
  std::string parent;
  for (const std::string& p : parts) parent += p + "/";
  return {&group_at(root, parent), last};
}

py::object to_python(const AttributeValue& v) {
  return std::visit([](const auto& x) -> py::object { return py::cast(x); }, v);
}

py::dict attributes_of(const std::vector<Attribute>& attributes) {
  py::dict out;
  for (const Attribute& a : attributes) out[py::str(a.name)] = to_python(a.value);
  return out;
}

/// A read-only view of values owned by the tree; `owner` (the Python Results) keeps it alive.
template <class T>
py::array view(const std::vector<T>& values, std::vector<py::ssize_t> shape, py::handle owner) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = sizeof(T);
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  py::array a(py::dtype::of<T>(), shape, strides, values.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

}  // namespace

void bind_results(py::module_& m) {
  py::class_<ResultGroup, Tree>(m, "ResultsTree",
                                "A results tree (docs/output-format.md) in memory: what a results file holds.")
      .def(
          "attributes",
          [](const Tree& t, const std::string& path) { return attributes_of(group_at(*t, path).attributes); },
          py::arg("path") = "", "The attributes of a group, as a dict.")
      .def(
          "dataset_attributes",
          [](const Tree& t, const std::string& path) {
            const auto [parent, name] = parent_of(*t, path);
            if (const ResultArray* a = parent->array(name)) return attributes_of(a->attributes);
            if (const ResultTable* table = parent->table(name)) return attributes_of(table->attributes);
            throw IoError("results: no dataset '" + path + "'");
          },
          py::arg("path"), "The attributes of a dataset or table, as a dict.")
      .def(
          "groups",
          [](const Tree& t, const std::string& path) {
            std::vector<std::string> names;
            for (const ResultGroup& g : group_at(*t, path).groups) names.push_back(g.name);
            return names;
          },
          py::arg("path") = "", "Names of the sub-groups of a group, in order.")
      .def(
          "datasets",
          [](const Tree& t, const std::string& path) {
            std::vector<std::string> names;
            const ResultGroup& g = group_at(*t, path);
            for (const ResultArray& a : g.arrays) names.push_back(a.name);
            for (const ResultTable& table : g.tables) names.push_back(table.name);
            return names;
          },
          py::arg("path") = "", "Names of the datasets and tables of a group, in order.")
      .def(
          "array",
          [](const Tree& t, const std::string& path) {
            const auto [parent, name] = parent_of(*t, path);
            const ResultArray* a = parent->array(name);
            if (a == nullptr) throw IoError("results: no dataset '" + path + "'");
            return view(a->values, {a->shape.begin(), a->shape.end()}, py::cast(t));
          },
          py::arg("path"), "A dataset as a read-only numpy array that shares the tree's memory.")
      .def(
          "table",
          [](const Tree& t, const std::string& path) {
            const auto [parent, name] = parent_of(*t, path);
            const ResultTable* table = parent->table(name);
            if (table == nullptr) throw IoError("results: no table '" + path + "'");
            py::dict columns;
            for (const TableColumn& c : table->columns)
              columns[py::str(c.name)] = std::visit(
                  [&](const auto& v) { return view(v, {static_cast<py::ssize_t>(v.size())}, py::cast(t)); }, c.values);
            return columns;
          },
          py::arg("path"), "A table (event log, firm snapshots) as a dict of read-only numpy columns.")
      .def(
          "compared_against",
          [](const Tree& t, const std::string& base) {
            auto copy = std::make_shared<ResultGroup>(*t);
            innovation::compare_against(*copy, base);
            return copy;
          },
          py::arg("base"), "A copy whose comparisons are against another scenario, recomputed from the metrics.")
      .def(
          "explain",
          [](const Tree& t, const std::string& base, const std::string& scenario, const std::string& metric, int year) {
            const auto which = innovation::metric_by_name(metric);
            if (!which) throw UsageError("unknown metric '" + metric + "'");
            py::list rows;
            for (const innovation::MechanismDifference& row : innovation::explain(*t, base, scenario, *which, year)) {
              const innovation::Mechanism& mech = *row.mechanism;
              py::dict d;
              d["key"] = std::string(mech.key);
              d["parent"] = std::string(mech.parent);
              d["split"] = std::string(mech.split);
              d["mechanism"] = std::string(mech.label);
              d["mechanism_zh"] = std::string(mech.label_zh);
              d["mean"] = row.difference.mean;
              d["low"] = row.difference.interval.low;
              d["high"] = row.difference.interval.high;
              rows.append(d);
            }
            return rows;
          },
          py::arg("base"), py::arg("scenario"), py::arg("metric"), py::arg("year"),
          "The paired difference of a metric split by mechanism (leapsim/innovation/mechanisms.hpp), one dict a row.")
      .def(
          "cost_effectiveness",
          [](const Tree& t, const std::string& base, const std::string& metric, int year, const std::string& payer) {
            const innovation::CostEffectiveness c = innovation::cost_effectiveness(*t, base, metric, year, payer);
            py::list packages, frontier;
            for (const innovation::PackageCostEffect& p : c.packages) {
              py::dict d;
              d["scenario"] = p.scenario;
              d["extra"] = p.effect.mean;
              d["extra_low"] = p.effect.interval.low;
              d["extra_high"] = p.effect.interval.high;
              d["extra_cost"] = p.cost.mean;
              d["extra_cost_low"] = p.cost.interval.low;
              d["extra_cost_high"] = p.cost.interval.high;
              d["cost_per_unit"] = p.cost_per_unit.ratio;
              d["low"] = p.cost_per_unit.interval.low;
              d["high"] = p.cost_per_unit.interval.high;
              d["bounded"] = p.cost_per_unit.bounded;
              d["per_million"] = p.per_million;
              d["effect_uncertain"] = p.effect_uncertain;
              d["dominated"] = p.dominated;
              d["dominated_by"] = p.dominated_by;
              d["on_frontier"] = p.on_frontier;
              packages.append(d);
            }
            for (const innovation::FrontierStep& step : c.frontier) {
              py::dict d;
              d["scenario"] = step.scenario;
              d["extra_cost"] = step.extra_cost;
              d["extra"] = step.extra;
              d["incremental_cost_per_unit"] = step.incremental_cost_per_unit;
              frontier.append(d);
            }
            py::dict out;
            out["packages"] = packages;
            out["frontier"] = frontier;
            return out;
          },
          py::arg("base"), py::arg("metric"), py::arg("year"), py::arg("payer") = "county",
          "Each package's cost-effectiveness against the base (leapsim/innovation/cost_effectiveness.hpp): "
          "{'packages': [dict a package], 'frontier': [dict a step]}.")
      .def(
          "save",
          [](const Tree& t, const std::filesystem::path& path, bool force) {
            py::gil_scoped_release unlocked;
            io::write_results(path, *t, force ? io::Overwrite::replace : io::Overwrite::refuse);
          },
          py::arg("path"), py::arg("force") = false,
          "Writes the documented HDF5 file atomically; refuses an existing file unless force.");

  m.def(
      "open_results",
      [](const std::filesystem::path& path) {
        auto tree = std::make_shared<ResultGroup>(io::read_results(path));
        innovation::check_results_tree(*tree);
        return tree;
      },
      py::arg("path"), "Reads a results file (written by `leapsim run -o` or Results.save).");
}

}  // namespace leapsim::python
