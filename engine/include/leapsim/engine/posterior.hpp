#pragma once
// A calibration's outcome as a file: the weighted particles of an ABC-SMC run with everything
// needed to repeat the fit (the calibration file's text, the observed rows, the scenario, the
// method's settings and seed) and to use it (a forecast draws one particle per replication).
// Here the posterior becomes a ResultGroup tree and back; engine/io writes and reads the tree
// (posterior_file.hpp), so this side knows no file format. docs/output-format.md, "Posterior
// files", gives the layout.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "leapsim/engine/abc_smc.hpp"
#include "leapsim/engine/result_tree.hpp"

namespace leapsim::abc {

/// A calibration's outcome with everything needed to repeat and to use it.
struct Posterior {
  std::vector<Prior> priors;    ///< names are the parameter paths, e.g. "hte.apply_probability"
  std::vector<Target> targets;  ///< the observed figures fitted, e.g. "hebei 2017 hte"
  AbcResult result;             ///< weighted particles, distances, summaries and diagnostics
  AbcOptions settings;          ///< the method's settings; threads, stop and on_progress are not stored
  std::string method = "abc-smc";
  std::string calibration_text;  ///< the calibration file's text, as read
  std::string calibration_file;  ///< its path as given
  std::string data_text;         ///< the observed rows used (CSV text)
  std::string scenario_text;     ///< the resolved scenario the fit ran on (YAML text)
  std::string created_by;        ///< e.g. "leapsim 0.3 calibrate"
  /// The posterior predictive check, when run: each particle re-simulated with a fresh seed, one
  /// summary per target (particles x targets). Unlike result.summaries these are not
  /// conditioned on falling within tolerance. Optional: empty when not run.
  std::vector<std::vector<double>> predictive;
};

/// The `format` attribute of a posterior file's root.
inline constexpr const char* kPosteriorFormat = "leapsim-posterior";
/// The layout version this code writes and reads.
inline constexpr std::int64_t kPosteriorVersion = 1;
/// How far the weights of a file may sum from 1: a normalised double sum of up to 10^6 weights
/// is off by at most about 10^6 x 2^-53 = 1.1e-10; anything further was not normalised.
inline constexpr double kWeightSumTolerance = 1e-9;

/// The tree a posterior file holds (root attribute format = "leapsim-posterior", version 1).
/// Throws UsageError when the posterior is inconsistent (no particles, rows of the wrong length,
/// names that differ from the priors'), so no file is written that its reader would refuse.
ResultGroup posterior_tree(const Posterior& posterior);

/// Reads a tree back, trusting nothing: throws IoError "FILE: /path: what is wrong" for anything
/// missing, of the wrong shape or type, non-finite where a number must be finite, weights not
/// summing to 1 within kWeightSumTolerance, a particle outside its prior's support, a foreign
/// format ("FILE is not a LeapSim posterior file (format 'x')"; a results file is named as such)
/// or an unknown version.
Posterior posterior_from_tree(const ResultGroup& root, const std::string& file);

/// Index i drawn with probability weight_i from a uniform u in [0, 1): the first particle whose
/// cumulative weight exceeds u x total, never one of zero weight (u near 1 falls on the last
/// particle of positive weight). How a forecast picks a parameter vector for a replication.
/// Throws UsageError for no weights, a negative or non-finite weight, all zero, or u outside [0, 1).
std::size_t draw_particle(std::span<const double> weights, double u);

/// The word a file uses for each enumerator: its C++ name ("log_uniform", "lower_bound", ...).
const char* to_word(PriorKind kind) noexcept;
/// See to_word(PriorKind).
const char* to_word(Qualifier qualifier) noexcept;
/// See to_word(PriorKind).
const char* to_word(ToleranceSchedule schedule) noexcept;
/// See to_word(PriorKind).
const char* to_word(KernelKind kernel) noexcept;
/// See to_word(PriorKind).
const char* to_word(SeedSharing seeds) noexcept;

}  // namespace leapsim::abc
