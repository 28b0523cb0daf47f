#pragma once
// A forecast that carries a calibration's posterior: replication r draws one particle (a parameter
// vector) by a Philox stream of its own keyed on (study seed, r / runs_per_draw), and every
// scenario of the study runs replication r with that vector set on top of its own parameters, on
// the same random streams, so paired differences stay paired. The file is read elsewhere (the
// layer that links leapsim_io); this side holds typed draws only, so the model knows no format.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "leapsim/engine/event.hpp"
#include "leapsim/innovation/parameter_paths.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// A posterior's particles, their weights and the scenario numbers they set.
struct PosteriorDraws {
  std::string file;                            ///< the posterior file as resolved from the study
  std::string digest;                          ///< of the file's bytes, e.g. "fnv1a64:0123456789abcdef"
  std::uint64_t calibration_seed = 0;          ///< the seed the calibration ran with
  std::vector<ParameterPath> parameters;       ///< found in the base scenario, in the file's order
  std::vector<std::vector<double>> particles;  ///< one value per parameter a particle
  std::vector<double> weights;                 ///< normalised, one a particle
};

/// The process id of the stream that draws particles: above every id the model registers, so no
/// simulation draw moves when a study names a posterior.
inline constexpr ProcessId kPosteriorDrawStream = 0xFFF0;

/// The draws of a posterior whose parameters `names` are paths into `base`. Throws UsageError
/// "FILE: parameter 'PATH': ..." for a path the scenario lacks, a particle value outside the
/// parameter's domain, or a particle that makes the base scenario invalid.
PosteriorDraws make_posterior_draws(const Parameters& base, std::string file, std::string digest,
                                    std::uint64_t calibration_seed, const std::vector<std::string>& names,
                                    std::vector<std::vector<double>> particles, std::vector<double> weights);

/// The draw replication r uses when each draw runs `runs_per_draw` replications: r / runs_per_draw.
constexpr std::uint32_t draw_of(std::uint32_t replication, std::uint32_t runs_per_draw) noexcept {
  return replication / (runs_per_draw == 0 ? 1 : runs_per_draw);
}

/// The particle index of draw d: draw_particle on the weights at the first uniform of the stream
/// (seed, replication counter d, entity 0, process kPosteriorDrawStream).
std::size_t drawn_particle(const PosteriorDraws& draws, std::uint64_t seed, std::uint32_t draw);

/// Sets particle i's values in p (counts rounded as set_parameter does).
void apply_particle(const PosteriorDraws& draws, std::size_t particle, Parameters& p);

}  // namespace leapsim::innovation
