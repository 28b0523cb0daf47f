#include "leapsim/innovation/io/attach_posterior.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>

#include "leapsim/engine/errors.hpp"
#include "leapsim/io/posterior_file.hpp"

namespace leapsim::innovation {

std::string file_digest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read " + file.string());
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash ^= static_cast<unsigned char>(buffer[i]);
      hash *= 1099511628211ull;
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("fnv1a64:") + text;
}

void attach_posterior(Study& study) {
  if (study.posterior_file.empty()) {
    study.posterior.reset();
    return;
  }
  abc::Posterior posterior = io::read_posterior(study.posterior_file);
  study.posterior = std::make_shared<const PosteriorDraws>(make_posterior_draws(
      study.base.parameters, study.posterior_file, file_digest(study.posterior_file), posterior.settings.seed,
      posterior.result.names, std::move(posterior.result.particles), std::move(posterior.result.weights)));
}

}  // namespace leapsim::innovation
