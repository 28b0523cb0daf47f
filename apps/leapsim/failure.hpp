#pragma once
// How the command line reports a failure: one line on stderr and a documented exit code
// (README: 1 for bad input or a failed run, 3 for an internal error, 130 when interrupted).
#include <exception>
#include <ostream>
#include <string>

#include "leapsim/engine/errors.hpp"

namespace leapsim::app {

/// The exit code a failure maps to.
inline int exit_code(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const Cancelled&) {
    return 130;
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
