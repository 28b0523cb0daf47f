#pragma once
// A study's posterior file (study.posterior, or its base scenario's `posterior` key) read and
// attached as the typed draws the study runner takes. The CLI's run and the Python binding both
// call this, so a study draws the same from either.
#include <filesystem>
#include <string>

#include "leapsim/innovation/sensitivity_study.hpp"
#include "leapsim/innovation/study.hpp"

namespace leapsim::innovation {

/// Reads study.posterior_file (if any) and sets study.posterior. Throws IoError for a missing,
/// foreign or truncated file (read_posterior's messages) and UsageError "FILE: parameter 'PATH':
/// ..." for a path the base scenario lacks or a value outside its domain.
void attach_posterior(Study& study);

/// Sets the range of every sensitivity input that names a posterior instead of low and high to
/// that posterior's central 90% (its weighted 5% and 95% quantiles), so an analysis varies a
/// parameter over what the data left plausible. Throws UsageError at the input ("file:line:col:
/// error: ...") for a posterior without that parameter or one whose 90% is a single value.
void resolve_posterior_ranges(const Study& study, SensitivitySettings& settings);

/// A digest of a file's bytes, "fnv1a64:" and 16 hex digits: enough to tell which posterior a
/// results file was made with (not a security check).
std::string file_digest(const std::filesystem::path& file);

}  // namespace leapsim::innovation
