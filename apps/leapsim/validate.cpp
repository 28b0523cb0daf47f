#include "validate.hpp"

#include <ostream>

#include "leapsim/innovation/scenario/calibration_file.hpp"
#include "leapsim/innovation/scenario/loader.hpp"

namespace leapsim::app {
namespace {

/// Every problem of a calibration file: its located diagnostics, or the one problem of the
/// calibration as a whole (a prior outside its parameter's domain), told against the file.
std::vector<innovation::Diagnostic> check_calibration(const std::string& file) {
  try {
    (void)innovation::load_calibration(file);
  } catch (const innovation::ScenarioError& e) {
    return e.diagnostics();
  } catch (const UsageError& e) {
    return {innovation::Diagnostic{file, 1, 1, e.what()}};
  }
  return {};
}

}  // namespace

int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const std::string& file : files) {
    const bool calibration = innovation::is_calibration_file(file);
    const std::vector<innovation::Diagnostic> problems =
        calibration ? check_calibration(file) : innovation::check_file(file);
    if (problems.empty()) {
      out << file << ": ok ("
          << (calibration                       ? "calibration"
              : innovation::is_study_file(file) ? "study"
                                                : "scenario")
          << ")\n";
      continue;
    }
    status = 1;
    for (const innovation::Diagnostic& d : problems) err << d.to_string() << '\n';
  }
  return status;
}

}  // namespace leapsim::app
