#pragma once
// How the command line reports a failure: one line on stderr (one per problem for a scenario
// file, as `validate` prints them) and a documented exit code (README: 1 for bad input or a
// failed run, 2 for a bad flag, 3 for an internal error, 130 when interrupted).
#include <exception>
#include <ostream>
#include <string>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/scenario/diagnostics.hpp"

namespace leapsim::app {

/// A flag the study makes wrong (e.g. a --precision year outside it): exit 2, as for any bad flag.
struct BadFlag : UsageError {
  using UsageError::UsageError;
};

/// The exit code a failure maps to.
inline int exit_code(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Cancelled&) {
    return 130;
  } catch (const BadFlag&) {
    return 2;
  } catch (const Error&) {
    return 1;
  } catch (...) {
    return 3;
  }
}

/// Prints a failure as one line (after `prefix`, e.g. which rank) and returns its exit code.
inline int report_failure(const std::exception_ptr& failure, const std::string& prefix, std::ostream& err) {
  try {
    std::rethrow_exception(failure);
  } catch (const Cancelled& e) {
    err << "leapsim: " << prefix << "interrupted: " << e.what() << "; nothing was written\n";
  } catch (const innovation::ScenarioError& e) {  // each line already reads "file:line:column: error: ..."
    for (const innovation::Diagnostic& d : e.diagnostics())
      err << (prefix.empty() ? "" : "leapsim: " + prefix) << d.to_string() << '\n';
  } catch (const Error& e) {
    err << "leapsim: " << prefix << "error: " << e.what() << '\n';
  } catch (const std::exception& e) {
    err << "leapsim: " << prefix << "internal error: " << e.what() << '\n';
  } catch (...) {
    err << "leapsim: " << prefix << "internal error\n";
  }
  return exit_code(failure);
}

}  // namespace leapsim::app
