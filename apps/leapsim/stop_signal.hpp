#pragma once
// The flag SIGINT and SIGTERM raise, shared by the commands that stop cleanly (run, calibrate):
// raised, a command finishes the work in flight, writes nothing and exits 130.
#include <atomic>

namespace leapsim::app {

/// The process's stop flag.
std::atomic<bool>& stop_flag() noexcept;

/// Clears the flag and has SIGINT and SIGTERM raise it from now on.
void stop_on_signals() noexcept;

}  // namespace leapsim::app
