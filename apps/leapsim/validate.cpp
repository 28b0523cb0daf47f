#include "validate.hpp"

#include <optional>
#include <ostream>
#include <string>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/io/attach_posterior.hpp"
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

/// A study or scenario that names a posterior: the posterior read and set on the base as a run
/// would (its parameters found, every particle valid), so a bad posterior fails here, not at the
/// run. The problem as one line: located where the study says where (posterior_parameters),
/// otherwise told against the file.
std::optional<std::string> posterior_problem(const std::string& file) {
  try {
    innovation::Study study;
    if (innovation::is_study_file(file)) {
      study = innovation::load_study(file);
    } else {  // a scenario run alone draws from its own posterior
      study.base = innovation::load_scenario(file);
      study.posterior_file = study.base.posterior;
    }
    if (!study.posterior_file.empty()) innovation::attach_posterior(study);
  } catch (const Error& e) {
    const std::string message = e.what();
    return message.starts_with(file + ":") ? message : file + ": error: " + message;
  }
  return std::nullopt;
}

}  // namespace

int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const std::string& file : files) {
    const bool calibration = innovation::is_calibration_file(file);
    const std::vector<innovation::Diagnostic> problems =
        calibration ? check_calibration(file) : innovation::check_file(file);
    const std::optional<std::string> posterior =
        problems.empty() && !calibration ? posterior_problem(file) : std::nullopt;
    if (posterior) {
      status = 1;
      err << *posterior << '\n';
      continue;
    }
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
