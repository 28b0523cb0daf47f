#pragma once
// Numbers of a scenario named by path, as a calibration's free parameters and a posterior's draws
// name them: "hte.apply_probability", "initial[2].count" (or "initial.2.count"), a schedule's step
// "policy.budget[1]", a list element "exit.hazards[0]". Found by walking the schema, so every
// number a scenario file can hold is reachable and nothing else is.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "leapsim/innovation/parameter_schema.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// A settable number of a Parameters: its canonical path and what the schema says of it.
struct ParameterPath {
  std::string path;       ///< canonical form: list and step indices in brackets
  schema::Field field;    ///< range, bounds, unit and help of the field (or of the schedule)
  bool whole = false;     ///< a count: values are rounded to the nearest whole number
  double low = 0.0;       ///< the least value the field takes (range and bounds together)
  double high = 0.0;      ///< the greatest
  bool low_open = false;  ///< low itself is excluded (a positive number, an open unit interval)
  bool high_open = false;
};

/// The path with "name.N" list indices written "name[N]", as messages and files show them.
std::string canonical_parameter_path(std::string_view path);

/// The number that `path` names in p. Throws UsageError saying what the path lacks: an unknown
/// key (with the keys that exist there), an index past the list's end, a schedule of several
/// steps named without its step, a date, a text or a switch.
ParameterPath find_parameter(const Parameters& p, std::string_view path);

/// The value the path holds in p (the path must have come from find_parameter on a Parameters of
/// the same shape).
double parameter_value(const Parameters& p, const ParameterPath& path);

/// The values the paths hold in p, in their order, read in one walk of the schema.
std::vector<double> parameter_values(const Parameters& p, std::span<const ParameterPath> paths);

/// Sets the number the path names (a count rounded to the nearest whole number); validating the
/// result is the caller's (validate(p)), since several changes may be made first.
void set_parameter(Parameters& p, const ParameterPath& path, double value);

/// Sets values[i] at paths[i] for every i, as set_parameter does, in one walk of the schema.
void set_parameters(Parameters& p, std::span<const ParameterPath> paths, std::span<const double> values);

/// Every settable path of p, in the schema's order: for messages and `leapsim info`.
std::vector<std::string> parameter_paths(const Parameters& p);

/// True when x is a value the path's field can take.
bool in_domain(const ParameterPath& path, double x) noexcept;

/// The domain in words, e.g. "[0, 1]", "> 0 and at most 5e+07".
std::string domain_words(const ParameterPath& path);

}  // namespace leapsim::innovation
