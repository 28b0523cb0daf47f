#pragma once
// The text report of a study run: yearly forecasts with 90% intervals, target probabilities,
// alternatives against the base with paired 95% intervals, and the ranking.

#include <iosfwd>

#include "leapsim/innovation/study.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::app {

/// Writes the report of a finished study run.
void write_report(const innovation::Study& study, const innovation::StudyResults& results, std::ostream& out);

}  // namespace leapsim::app
