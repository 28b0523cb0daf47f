#pragma once
// The layout of a LeapSim results file, version 1 (docs/output-format.md), checked on a tree read
// from a file: a file that passes can be reported, compared and opened in Python without any
// further check of shapes, types or values.
#include <string>

#include "leapsim/engine/result_tree.hpp"

namespace leapsim::io {

/// Whether the root says it is a LeapSim results file (text attribute `format` = `leapsim-results`).
bool declares_leapsim_results(const ResultGroup& root);

/// Checks the root attributes, groups, dataset shapes, attribute types and lengths and the values
/// the layout promises (finite metrics and summaries, probabilities in [0, 1], ...); throws
/// IoError "FILE: /path: what is wrong" at the first problem.
void check_results_layout(const ResultGroup& root, const std::string& file);

}  // namespace leapsim::io
