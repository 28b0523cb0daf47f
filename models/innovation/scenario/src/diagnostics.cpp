#include "leapsim/innovation/scenario/diagnostics.hpp"

namespace leapsim::innovation {
namespace {

std::string joined(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  return text;
}

}  // namespace

std::string Diagnostic::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : UsageError(joined(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace leapsim::innovation
