#pragma once
// One exception hierarchy for the whole project, so callers (the CLI, the Python module) can map
// each kind to its own exit code or exception type.

#include <stdexcept>
#include <string>

namespace leapsim {

/// Base of every error LeapSim raises on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A caller broke an API contract (bad argument, unknown id, call in the wrong state).
class UsageError : public Error {
 public:
  using Error::Error;
};

/// The simulation reached an impossible state, e.g. an event scheduled in the past.
class SimulationError : public Error {
 public:
  using Error::Error;
};

/// A file could not be read or written (missing, unreadable, not a results file, disk full).
class IoError : public Error {
 public:
  using Error::Error;
};

/// A run was stopped on request (for example by SIGINT) before it finished.
class Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace leapsim
