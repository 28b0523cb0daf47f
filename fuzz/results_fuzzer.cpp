// libFuzzer target for the results-file reader: any bytes are opened as an HDF5 file image, and a
// tree that passes the reader is then used as `leapsim compare` uses it (comparisons recomputed
// against the last scenario, the report printed). Bad input must end in leapsim::Error; anything
// else that escapes, a crash, a sanitizer report or a hang past -timeout is a finding.
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>
#include <variant>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/io/results_file.hpp"
#include "report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    leapsim::ResultGroup tree =
        leapsim::io::read_results_image(std::span(reinterpret_cast<const std::byte*>(data), size), "fuzz-input.h5");
    leapsim::innovation::check_results_tree(tree);
    std::ostringstream report;
    leapsim::app::write_report(tree, {}, report);
    if (const auto* names = tree.attribute("scenarios");
        names != nullptr && std::holds_alternative<std::vector<std::string>>(*names)) {
      leapsim::innovation::compare_against(tree, std::get<std::vector<std::string>>(*names).back());
      leapsim::app::write_report(tree, {.comparisons_only = true}, report);
    }
  } catch (const leapsim::Error&) {
  }
  return 0;
}
