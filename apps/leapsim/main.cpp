// leapsim: command-line entry point. Sub-commands parse their flags here and call library code.

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "demo.hpp"
#include "leapsim/engine/errors.hpp"

int main(int argc, char** argv) {
  CLI::App app{"LeapSim: forecasts of a region's technology firms under innovation policy"};
  app.set_version_flag("--version", std::string("leapsim ") + LEAPSIM_VERSION);
  app.require_subcommand(1);

  leapsim::app::DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand("demo", "Run the kernel demo (a birth-death forecast) and print it");
  demo_cmd->add_option("-r,--replications", demo.replications, "Number of replications")
      ->check(CLI::Range(1u, 10000000u));
  demo_cmd->add_option("-j,--threads", demo.threads, "Worker threads (0: one per core)");
  demo_cmd->add_option("--seed", demo.seed, "Random seed");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*demo_cmd) return leapsim::app::run_demo(demo, std::cout);
  } catch (const leapsim::Error& e) {
    std::cerr << "leapsim: error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "leapsim: internal error: " << e.what() << '\n';
    return 3;
  }
  return 0;
}
