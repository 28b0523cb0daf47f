#include "stop_signal.hpp"

#include <csignal>

namespace leapsim::app {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) { g_stop.store(true); }

}  // namespace

std::atomic<bool>& stop_flag() noexcept { return g_stop; }

void stop_on_signals() noexcept {
  g_stop = false;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
}

}  // namespace leapsim::app
