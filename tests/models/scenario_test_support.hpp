#pragma once
// Helpers for the scenario tests: a scratch folder for bad files and one-diagnostic assertions.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "leapsim/innovation/scenario/loader.hpp"

namespace leapsim::innovation::testing {

/// The source tree, for scenarios/ and the fixtures (set by scenario_tests.cmake).
inline std::filesystem::path source_dir() { return LEAPSIM_SOURCE_DIR; }
inline std::filesystem::path scenarios_dir() { return source_dir() / "scenarios"; }
inline std::filesystem::path fixtures_dir() { return source_dir() / "tests" / "models" / "data"; }

/// A fresh folder under the system temp folder, removed with everything in it at the end.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("leapsim-scenario-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  /// Writes a file and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Asserts that exactly one problem was found, at file:line:column, with `part` in its message.
inline void expect_single(const std::vector<Diagnostic>& found, const std::filesystem::path& file, int line, int column,
                          const std::string& part) {
  ASSERT_EQ(found.size(), 1u) << [&] {
    std::string all;
    for (const Diagnostic& d : found) all += d.to_string() + "\n";
    return all;
  }();
  const Diagnostic& d = found.front();
  EXPECT_EQ(d.file, file.string());
  EXPECT_EQ(d.line, line) << d.to_string();
  EXPECT_EQ(d.column, column) << d.to_string();
  EXPECT_NE(d.message.find(part), std::string::npos) << "message: " << d.message << "\nexpected part: " << part;
}

/// Writes a scenario into a scratch folder and checks it, expecting one problem there.
inline void expect_scenario_error(const std::string& yaml, int line, int column, const std::string& part) {
  const ScratchDir dir;
  const std::filesystem::path file = dir.write("scenario.yaml", yaml);
  expect_single(check_file(file), file, line, column, part);
}

}  // namespace leapsim::innovation::testing
