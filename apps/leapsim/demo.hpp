#pragma once
// `leapsim demo`: a birth-death forecast of Congtai's tech-SME count, run on the kernel.

#include <cstdint>
#include <iosfwd>

namespace leapsim::app {

/// Options of the demo sub-command.
struct DemoOptions {
  std::uint32_t replications = 2000;
  unsigned threads = 0;
  std::uint64_t seed = 20190614;
};

/// Runs the demo and prints its report; returns the process exit code.
int run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace leapsim::app
