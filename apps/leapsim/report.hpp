#pragma once
// The text report of a study run, printed from its results tree (the same tree a results file
// holds): yearly forecasts with 90% intervals, target probabilities, alternatives against the
// base with paired 95% intervals, and the ranking.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "leapsim/engine/result_tree.hpp"

namespace leapsim::app {

/// The language of the printed report.
enum class Language { en, zh };

/// The names --lang accepts, in the order help lists them.
inline const std::vector<std::string> kLanguageNames = {"en", "zh"};

/// The language with this name ("en" or "zh"); throws UsageError for another.
Language language_named(const std::string& name);

/// What part of the report to print, and for which metric and year the comparison table is.
struct ReportView {
  bool comparisons_only = false;
  std::optional<std::string> metric;  // default: the five key metrics
  std::optional<int> year;            // default: the last year
  int first_year = 0;                 // filled from the tree
  int last_year = 0;
  Language language = Language::en;
};

/// Writes the report of a results tree; throws IoError if the tree lacks part of the layout.
void write_report(const ResultGroup& results, const ReportView& view, std::ostream& out);

}  // namespace leapsim::app
