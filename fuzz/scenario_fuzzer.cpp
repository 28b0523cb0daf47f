// libFuzzer target for the scenario reader: any text is parsed and validated as a scenario or a
// study, from memory. Bad input must end in ScenarioError (or another leapsim::Error) or in a
// list of diagnostics; anything else that escapes (std::bad_alloc, std::out_of_range, a crash, a
// sanitizer report, a hang past -timeout) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "leapsim/engine/errors.hpp"
#include "leapsim/innovation/scenario/loader.hpp"

namespace {
// Relative `extends` and `base` paths resolve against the shipped small scenarios, as the seeds expect.
const std::string kDisplayName = LEAPSIM_SCENARIO_DIR "/fuzz-input.yaml";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)leapsim::innovation::check_text(text, kDisplayName);  // documented never to throw for bad content
  try {
    if (leapsim::innovation::is_study_text(text))
      (void)leapsim::innovation::load_study_text(text, kDisplayName);
    else
      (void)leapsim::innovation::load_scenario_text(text, kDisplayName);
  } catch (const leapsim::Error&) {
  }
  return 0;
}
