#pragma once
// Errors in scenario and study files. A load collects every problem it can find before it fails,
// so a user fixes a file in one round instead of one error per run.
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim::innovation {

/// One problem in a file, at a 1-based line and column (an editor's numbering).
struct Diagnostic {
  std::string file;
  int line = 1;
  int column = 1;
  std::string message;

  /// "file:line:column: error: message", the form compilers use, so editors can jump to it.
  std::string to_string() const;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// A scenario or study that cannot run; what() lists every diagnostic, one per line.
class ScenarioError : public UsageError {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  /// Every problem found, in the order found.
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace leapsim::innovation
