#include "leapsim/innovation/posterior_draws.hpp"

#include <exception>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/posterior.hpp"
#include "leapsim/engine/random.hpp"

namespace leapsim::innovation {

PosteriorDraws make_posterior_draws(const Parameters& base, std::string file, std::string digest,
                                    std::uint64_t calibration_seed, const std::vector<std::string>& names,
                                    std::vector<std::vector<double>> particles, std::vector<double> weights) {
  PosteriorDraws draws{std::move(file),      std::move(digest), calibration_seed, {},
                       std::move(particles), std::move(weights)};
  const auto fail = [&](const std::string& path, const std::string& what) {
    throw UsageError(draws.file + ": parameter '" + path + "': " + what);
  };
  if (draws.particles.empty() || draws.particles.size() != draws.weights.size())
    throw UsageError(draws.file + ": the posterior has no particles, or not one weight per particle");
  for (const std::string& name : names) {
    try {
      draws.parameters.push_back(find_parameter(base, name));
    } catch (const UsageError& e) {
      throw UsageError(draws.file + ": " + e.what() +
                       " (a posterior's parameters must be numbers of the study's base scenario)");
    }
  }
  for (std::size_t i = 0; i < draws.particles.size(); ++i) {
    const std::vector<double>& particle = draws.particles[i];
    if (particle.size() != names.size())
      throw UsageError(draws.file + ": particle " + std::to_string(i) + " has " + std::to_string(particle.size()) +
                       " values for " + std::to_string(names.size()) + " parameters");
    for (std::size_t j = 0; j < particle.size(); ++j)
      if (!in_domain(draws.parameters[j], particle[j]))
        fail(draws.parameters[j].path, "particle " + std::to_string(i) + " holds " +
                                           schema::format_number(particle[j]) + ", outside the parameter's domain " +
                                           domain_words(draws.parameters[j]));
    Parameters p = base;
    apply_particle(draws, i, p);
    try {
      validate(p);
    } catch (const std::exception& e) {
      throw UsageError(draws.file + ": particle " + std::to_string(i) +
                       " makes the base scenario invalid: " + e.what());
    }
  }
  return draws;
}

std::size_t drawn_particle(const PosteriorDraws& draws, std::uint64_t seed, std::uint32_t draw) {
  RandomStream stream(seed, draw, 0, kPosteriorDrawStream);
  return abc::draw_particle(draws.weights, stream.uniform());
}

void apply_particle(const PosteriorDraws& draws, std::size_t particle, Parameters& p) {
  set_parameters(p, draws.parameters, draws.particles.at(particle));
}

}  // namespace leapsim::innovation
