// Pinned results: the yearly metrics, event counts, firm event logs and year-end firms of the
// shipped small studies and the Congtai study, for a few seeds, against values stored in
// tests/models/data/pinned-results.txt. Any change to the model's bits fails here; a change that
// moves them on purpose rewrites the file in the same commit (run this test with
// LEAPSIM_UPDATE_PINNED=1) and says why in its message.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "leapsim/innovation/io/attach_posterior.hpp"
#include "leapsim/innovation/scenario/loader.hpp"
#include "leapsim/innovation/study_runner.hpp"

namespace leapsim::innovation {
namespace {

const std::filesystem::path kSource = LEAPSIM_SOURCE_DIR;
const std::filesystem::path kPinned = kSource / "tests" / "models" / "data" / "pinned-results.txt";

/// Exact text of a double: 17 significant digits round-trip every value.
std::string exact(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

/// FNV-1a over the bytes of each value fed in: a compact fingerprint of a long record.
struct Fingerprint {
  std::uint64_t h = 1469598103934665603ULL;
  void add(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 1099511628211ULL;
    }
  }
  void add(double v) { add(std::bit_cast<std::uint64_t>(v)); }
};

/// One line per (study, seed, scenario, replication, year) of metrics, one per scenario of kernel
/// events, and a fingerprint of the recorded event log and year-end firms of replication 0.
std::vector<std::string> pinned_lines(const std::string& study_file, std::uint32_t replications, std::uint64_t seed) {
  Study study = load_study(kSource / study_file);
  attach_posterior(study);  // a study naming a posterior (Congtai's) runs on its draws, as `leapsim run` does
  RunnerOptions runner;
  runner.threads = 2;
  const StudyResults results = run_study(study, replications, seed, runner, {true, true, 1});
  std::vector<std::string> lines;
  for (const ScenarioResults& s : results.scenarios) {
    const auto line = [&](auto&&... parts) {
      std::ostringstream out;
      out << study_file << " seed " << seed << ' ' << s.name;
      ((out << parts), ...);
      lines.push_back(out.str());
    };
    for (std::size_t r = 0; r < s.replications.size(); ++r) {
      const MetricTable& t = s.replications[r];
      for (std::size_t y = 0; y < t.years.size(); ++y) {
        std::string values;
        for (const double v : t.years[y]) values += ' ' + exact(v);
        line(" r", r, ' ', t.first_year + static_cast<int>(y), ':', values);
      }
    }
    line(" events: ", s.events);
    Fingerprint log;
    for (const FirmEvent& e : s.event_logs.at(0)) {
      log.add(e.time);
      log.add(static_cast<std::uint64_t>(e.firm));
      log.add(static_cast<std::uint64_t>(e.kind));
      log.add(e.value);
      log.add(e.detail);
    }
    Fingerprint firms;
    for (const FirmSnapshot& f : s.firms.at(0)) {
      firms.add(static_cast<std::uint64_t>(f.year));
      firms.add(static_cast<std::uint64_t>(f.firm));
      for (const double v : {f.age, f.revenue, f.employees, f.rd_intensity, f.staff_share, f.hitech_share})
        firms.add(v);
      firms.add(static_cast<std::uint64_t>(f.invention_patents) << 32 | static_cast<std::uint32_t>(f.other_ip));
      firms.add(std::uint64_t{f.tech_sme} | std::uint64_t{f.hte} << 1 | std::uint64_t{f.platform} << 2 |
                std::uint64_t{f.incubated} << 3);
    }
    line(" recorded: ", s.event_logs[0].size(), " events ", log.h, ", ", s.firms[0].size(), " firm-years ", firms.h);
  }
  return lines;
}

std::vector<std::string> all_pinned_lines() {
  std::vector<std::string> lines;
  for (const std::uint64_t seed : {1ULL, 20190614ULL}) {
    for (const char* study : {"scenarios/small/tiny-study.yaml", "scenarios/small/tiny-inline-study.yaml"}) {
      const std::vector<std::string> more = pinned_lines(study, 3, seed);
      lines.insert(lines.end(), more.begin(), more.end());
    }
  }
  // The Congtai study exercises every lever: rewards, subsidies (patent events in the queue),
  // coaching, outreach, talent, new carriers and platforms, and the years its packages share.
  const std::vector<std::string> congtai = pinned_lines("scenarios/congtai-2019.yaml", 2, 20190614);
  lines.insert(lines.end(), congtai.begin(), congtai.end());
  return lines;
}

TEST(PinnedResults, ShippedStudiesGiveThePinnedBits) {
  const std::vector<std::string> lines = all_pinned_lines();
  if (const char* update = std::getenv("LEAPSIM_UPDATE_PINNED"); update != nullptr && std::string(update) == "1") {
    std::ofstream out(kPinned);
    out << "# Pinned results (tests/models/pinned_results_test.cpp); regenerate with LEAPSIM_UPDATE_PINNED=1.\n";
    for (const std::string& line : lines) out << line << '\n';
    GTEST_SKIP() << "rewrote " << kPinned;
  }
  std::ifstream in(kPinned);
  ASSERT_TRUE(in) << "missing " << kPinned;
  std::vector<std::string> expected;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') expected.push_back(line);
  ASSERT_EQ(lines.size(), expected.size()) << "the pinned file has a different number of lines";
  int shown = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == expected[i]) continue;
    ADD_FAILURE() << "line " << i + 2 << " differs\n  expected: " << expected[i] << "\n  actual:   " << lines[i];
    if (++shown == 5) break;
  }
}

}  // namespace
}  // namespace leapsim::innovation
