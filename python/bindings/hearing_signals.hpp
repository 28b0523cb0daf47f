#pragma once
// Long C++ work called from Python that still hears Ctrl-C: shared by the bindings that run
// studies and calibrations.
#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/replication_runner.hpp"

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

/// Runs `work(runner)` as run_hearing_signals does, with a runner on `threads` threads whose
/// progress, when given, calls progress(done, total) under the GIL. An exception the callback
/// raises (e.g. KeyboardInterrupt) stops the run and is thrown in place of the Cancelled it causes.
template <class Work>
void run_with_progress(unsigned threads, const std::function<void(std::size_t, std::size_t)>& progress, Work work) {
  namespace py = pybind11;
  std::atomic<bool> stop{false};
  std::exception_ptr callback_error;
  RunnerOptions runner{threads, {}, &stop};
  if (progress)
    runner.on_progress = [&](const Progress& p) {
      py::gil_scoped_acquire locked;
      try {
        progress(p.done, p.total);
      } catch (...) {  // e.g. KeyboardInterrupt raised in the callback: stop the run
        if (!callback_error) callback_error = std::current_exception();
        stop = true;
      }
    };
  run_hearing_signals(stop, [&] {
    try {
      work(runner);
    } catch (const Cancelled&) {
      if (!callback_error && !stop) throw;
    }
  });
  if (callback_error) std::rethrow_exception(callback_error);
}

}  // namespace leapsim::python
