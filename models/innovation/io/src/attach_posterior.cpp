#include "leapsim/innovation/io/attach_posterior.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/stats.hpp"
#include "leapsim/innovation/parameter_paths.hpp"
#include "leapsim/innovation/parameter_schema.hpp"
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

namespace {

/// The names a posterior holds, for an error that must list them.
std::string listed(const std::vector<std::string>& names) {
  std::string held;
  for (const std::string& n : names) held += (held.empty() ? "" : ", ") + n;
  return held;
}

/// The posterior's path for a name as the study writes it: the same text, or the same number of
/// the base scenario under another spelling (initial.0.count for initial[0].count).
std::optional<std::size_t> column_of(const Parameters& base, const std::vector<std::string>& names,
                                     const std::string& wanted) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == wanted) return i;
  try {
    const std::string canonical = find_parameter(base, wanted).path;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == canonical) return i;
  } catch (const UsageError&) {  // not a number of the scenario: told below as not in the posterior
  }
  return std::nullopt;
}

/// Keeps the columns of the parameters the study takes (study.posterior_parameters), in the
/// file's order: a marginal of the weighted particles is the same particles and weights.
void keep_only(const Study& study, abc::AbcResult& result) {
  std::vector<bool> kept(result.names.size(), false);
  for (std::size_t k = 0; k < study.posterior_parameters.size(); ++k) {
    const std::optional<std::size_t> column =
        column_of(study.base.parameters, result.names, study.posterior_parameters[k]);
    if (!column)
      throw UsageError(study.posterior_parameters_at.at(k) + ": error: study.posterior_parameters[" +
                       std::to_string(k) + "]: '" + study.posterior_parameters[k] + "' is not a parameter of " +
                       study.posterior_file + "; it holds: " + listed(result.names));
    kept[*column] = true;
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kept.size(); ++i)
    if (kept[i]) names.push_back(result.names[i]);
  for (std::vector<double>& particle : result.particles) {
    std::vector<double> values;
    for (std::size_t i = 0; i < kept.size(); ++i)
      if (kept[i]) values.push_back(particle.at(i));
    particle = std::move(values);
  }
  result.names = std::move(names);
}

}  // namespace

void resolve_posterior_ranges(const Study& study, SensitivitySettings& settings) {
  std::map<std::string, abc::Posterior> read;  // each file once
  for (SensitivityInput& in : settings.inputs) {
    if (in.posterior.empty()) continue;
    auto [found, added] = read.try_emplace(in.posterior);
    if (added) found->second = io::read_posterior(in.posterior);
    const abc::AbcResult& result = found->second.result;
    const std::optional<std::size_t> column = column_of(study.base.parameters, result.names, in.path.path);
    if (!column)
      throw UsageError(in.written_at + ": error: " + in.posterior + " has no parameter '" + in.path.path +
                       "' to take a range from; it holds: " + listed(result.names));
    std::vector<double> values;
    for (const std::vector<double>& particle : result.particles) values.push_back(particle.at(*column));
    in.low = stats::weighted_quantile(values, result.weights, 0.05);
    in.high = stats::weighted_quantile(values, result.weights, 0.95);
    if (!(in.low < in.high))
      throw UsageError(in.written_at + ": error: the central 90% of '" + in.path.path + "' in " + in.posterior +
                       " is the single value " + schema::format_number(in.low) + ": nothing to vary");
  }
}

void attach_posterior(Study& study) {
  if (study.posterior_file.empty()) {
    study.posterior.reset();
    return;
  }
  abc::Posterior posterior = io::read_posterior(study.posterior_file);
  if (!study.posterior_parameters.empty()) keep_only(study, posterior.result);
  study.posterior = std::make_shared<const PosteriorDraws>(make_posterior_draws(
      study.base.parameters, study.posterior_file, file_digest(study.posterior_file), posterior.settings.seed,
      posterior.result.names, std::move(posterior.result.particles), std::move(posterior.result.weights)));
}

}  // namespace leapsim::innovation
