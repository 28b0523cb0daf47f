#pragma once
// A study: a base scenario, named alternatives and the targets a bureau wants to reach. Plain
// typed data; the scenario layer builds it from YAML.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/parameters.hpp"
#include "leapsim/innovation/posterior_draws.hpp"

namespace leapsim::innovation {

/// One fully resolved scenario and where it came from.
struct Scenario {
  std::string name;
  std::string description;
  std::string source;         // file it was read from (the study file for alternatives)
  std::string resolved_yaml;  // the merged document after `extends` and overrides
  Parameters parameters;
  std::string posterior;  // the posterior file its `posterior` key names, resolved; empty if none
};

/// How a target compares a metric with its threshold.
enum class Comparison : std::uint8_t { at_least, more_than, at_most, less_than };

/// The symbol of a comparison as written in study files: ">=", ">", "<=" or "<".
constexpr const char* comparison_symbol(Comparison c) noexcept {
  switch (c) {
    case Comparison::at_least:
      return ">=";
    case Comparison::more_than:
      return ">";
    case Comparison::at_most:
      return "<=";
    case Comparison::less_than:
      return "<";
  }
  return "?";
}

/// A yearly target of the bureau, e.g. at least 40 HTEs in 2022.
struct Target {
  std::string label;
  Metric metric = Metric::htes;
  int year = 2025;
  Comparison comparison = Comparison::at_least;
  double threshold = 0.0;
  /// True when a value meets the target.
  bool met(double value) const noexcept {
    switch (comparison) {
      case Comparison::at_least:
        return value >= threshold;
      case Comparison::more_than:
        return value > threshold;
      case Comparison::at_most:
        return value <= threshold;
      case Comparison::less_than:
        return value < threshold;
    }
    return false;
  }
};

/// Base scenario, alternatives and targets: enough to answer "which package is best".
struct Study {
  std::string name;
  std::string description;
  std::string source;
  Scenario base;
  std::vector<Scenario> alternatives;
  std::vector<Target> targets;
  std::uint32_t replications = 200;
  std::uint64_t seed = 20190614;
  std::string posterior_file;       // the posterior named (study.posterior or the base's), resolved; empty if none
  std::uint32_t runs_per_draw = 1;  // replications that share one posterior draw
  /// The posterior's parameters the study takes (study.posterior_parameters, as written), each
  /// with where it is written ("file:line:column"); empty: every parameter of the posterior. A
  /// district can so borrow a province's fitted behaviour without its province-sized counts.
  std::vector<std::string> posterior_parameters;
  std::vector<std::string> posterior_parameters_at;
  /// The posterior's draws, attached by the layer that reads files (attach_posterior); a study
  /// with a posterior_file and none attached refuses to run.
  std::shared_ptr<const PosteriorDraws> posterior;
};

}  // namespace leapsim::innovation
