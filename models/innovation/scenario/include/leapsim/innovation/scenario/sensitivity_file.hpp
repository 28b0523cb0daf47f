#pragma once
// Sensitivity files (docs/sensitivity.md, "Inputs file"): the scenario numbers a sensitivity
// analysis of a study varies, their ranges, the design and what to read off the runs, under a
// top-level `sensitivity` key. Read with every error located (file, line, column), like scenario
// files, and checked against the study they are for.
#include <filesystem>
#include <string>

#include "leapsim/innovation/sensitivity_study.hpp"
#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// A sensitivity file, read and checked against its study.
struct SensitivityFile {
  std::string file;  ///< as given
  std::string text;  ///< as read
  SensitivitySettings settings;
};

/// Reads the YAML text (named `file` in messages) against the study; the seed defaults to the
/// study's. Throws ScenarioError listing every located problem: an unknown key or path (with the
/// paths that exist there), a range with low >= high or outside its field's domain, a path given
/// twice, an unknown metric or method, a year outside the horizon.
SensitivityFile read_sensitivity(const std::string& text, const std::string& file, const Study& study);

/// Reads a sensitivity file from disk (as read_sensitivity).
SensitivityFile load_sensitivity(const std::filesystem::path& file, const Study& study);

}  // namespace leapsim::innovation
