#pragma once
// Long C++ work called from Python that still hears Ctrl-C: shared by the bindings that run
// studies and calibrations.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace leapsim::python {

/// How often a waiting run lets Python run its signal handlers: well inside the second within
/// which Ctrl-C must be honoured.
inline constexpr auto kSignalCheckInterval = std::chrono::milliseconds(50);

/// Runs `work` (without the GIL) on a thread of its own while the calling thread, holding the GIL
/// between waits, runs Python's signal handlers every kSignalCheckInterval. Python handles
/// SIGINT only in the main thread and only between bytecodes, so without this a run that never
/// calls back into Python would hear Ctrl-C only when it ends. A handler that raises (SIGINT's
/// KeyboardInterrupt) sets `stop`, so no new replication starts and those in flight stop within
/// 65,536 events, and its exception is thrown then; the work's own exception otherwise.
template <class Work>
void run_hearing_signals(std::atomic<bool>& stop, Work work) {
  namespace py = pybind11;
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
    const std::lock_guard lock(mutex);
    done = true;
    finished.notify_all();
  });
  std::optional<py::error_already_set> interrupted;
  for (bool over = false; !over;) {
    {
      py::gil_scoped_release unlocked;
      std::unique_lock lock(mutex);
      over = finished.wait_for(lock, kSignalCheckInterval, [&] { return done; });
    }
    if (!interrupted && PyErr_CheckSignals() != 0) {
      interrupted.emplace();  // takes the pending Python exception
      stop = true;
    }
  }
  worker.join();
  if (interrupted) throw std::move(*interrupted);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace leapsim::python
