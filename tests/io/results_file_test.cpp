// Results files: a tree survives the round trip through HDF5 exactly; writing is atomic and
// refuses to replace a file unless asked.
#include "leapsim/io/results_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "leapsim/engine/errors.hpp"

namespace leapsim::io {
namespace {

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("leapsim-io-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

ResultGroup sample_tree() {
  ResultGroup root{"/", {}, {}, {}, {}};
  root.attributes = {{"text", std::string("Congtai 丛台区\nsecond line")},
                     {"number", 2.5},
                     {"count", std::int64_t{-7}},
                     {"seed", std::uint64_t{18446744073709551615u}},
                     {"nothing", std::vector<std::string>{}},
                     {"numbers", std::vector<double>{1.0, 0.1, 1e300}},
                     {"counts", std::vector<std::int64_t>{2019, 2025}},
                     {"names", std::vector<std::string>{"base", "alt", ""}}};
  ResultArray big{"big", {300, 7}, {}, {{"unit", std::string("firms")}}};
  for (int i = 0; i < 2100; ++i) big.values.push_back(i * 0.5);  // compressed: 2100 values
  root.arrays = {ResultArray{"years", {3}, {2019, 2020, 2021}, {}}, big};
  ResultGroup& scenarios = root.add_group("scenarios");
  ResultGroup& base = scenarios.add_group("base");
  base.attributes = {{"description", std::string("the base")}};
  base.arrays.push_back({"empty", {0, 4}, {}, {}});
  base.tables.push_back({"events",
                         {{"replication", std::vector<std::int64_t>{0, 0, 1}},
                          {"time", std::vector<double>{2019.25, 2019.5, 2020.0}},
                          {"kind", std::vector<std::int64_t>{3, -1, 7}}},
                         {{"kind_names", std::vector<std::string>{"a", "b"}}}});
  base.tables.push_back({"no_rows", {{"x", std::vector<double>{}}}, {}});
  return root;
}

void expect_same(const ResultGroup& a, const ResultGroup& b) {
  ASSERT_EQ(a.attributes.size(), b.attributes.size()) << a.name;
  for (std::size_t i = 0; i < a.attributes.size(); ++i) {
    EXPECT_EQ(a.attributes[i].name, b.attributes[i].name);
    EXPECT_EQ(a.attributes[i].value, b.attributes[i].value) << a.attributes[i].name;
  }
  ASSERT_EQ(a.arrays.size(), b.arrays.size()) << a.name;
  for (std::size_t i = 0; i < a.arrays.size(); ++i) {
    EXPECT_EQ(a.arrays[i].name, b.arrays[i].name);
    EXPECT_EQ(a.arrays[i].shape, b.arrays[i].shape);
    EXPECT_EQ(a.arrays[i].values, b.arrays[i].values);
    ASSERT_EQ(a.arrays[i].attributes.size(), b.arrays[i].attributes.size());
  }
  ASSERT_EQ(a.tables.size(), b.tables.size()) << a.name;
  for (std::size_t i = 0; i < a.tables.size(); ++i) {
    EXPECT_EQ(a.tables[i].name, b.tables[i].name);
    ASSERT_EQ(a.tables[i].columns.size(), b.tables[i].columns.size());
    for (std::size_t c = 0; c < a.tables[i].columns.size(); ++c) {
      EXPECT_EQ(a.tables[i].columns[c].name, b.tables[i].columns[c].name);
      EXPECT_EQ(a.tables[i].columns[c].values, b.tables[i].columns[c].values);
    }
    EXPECT_EQ(a.tables[i].attributes.size(), b.tables[i].attributes.size());
  }
  ASSERT_EQ(a.groups.size(), b.groups.size()) << a.name;
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    EXPECT_EQ(a.groups[i].name, b.groups[i].name);
    expect_same(a.groups[i], b.groups[i]);
  }
}

TEST(ResultsFile, RoundTripKeepsEveryValueAndTheOrder) {
  const auto path = scratch("round-trip.h5");
  std::filesystem::remove(path);
  const ResultGroup tree = sample_tree();
  write_results(path, tree, Overwrite::refuse);
  ResultGroup back = read_results(path);
  back.name = "/";
  expect_same(tree, back);
  EXPECT_FALSE(std::filesystem::exists(partial_path(path)));
}

TEST(ResultsFile, TablesOfUnequalColumnsAreRefused) {
  ResultGroup root = sample_tree();
  root.tables.push_back({"ragged", {{"a", std::vector<double>{1, 2}}, {"b", std::vector<double>{1}}}, {}});
  const auto path = scratch("ragged.h5");
  EXPECT_THROW(write_results(path, root, Overwrite::replace), IoError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResultsFile, RefusesToReplaceUnlessAsked) {
  const auto path = scratch("existing.h5");
  { std::ofstream(path) << "previous results"; }
  EXPECT_THROW(write_results(path, sample_tree(), Overwrite::refuse), UsageError);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "previous results");  // untouched
  write_results(path, sample_tree(), Overwrite::replace);
  EXPECT_EQ(read_results(path).arrays.size(), 2u);
}

TEST(ResultsFile, AFailedWriteLeavesNothing) {
  const auto path = scratch("no-such-folder") / "out.h5";
  EXPECT_THROW(write_results(path, sample_tree(), Overwrite::refuse), IoError);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(partial_path(path)));
  ResultGroup bad = sample_tree();
  bad.arrays.push_back({"wrong", {2, 2}, {1.0}, {}});  // shape and values disagree
  const auto target = scratch("bad.h5");
  EXPECT_THROW(write_results(target, bad, Overwrite::replace), IoError);
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(partial_path(target)));
}

TEST(ResultsFile, ReadingSomethingElseIsAClearError) {
  const auto path = scratch("not-hdf5.h5");
  { std::ofstream(path) << "plain text"; }
  try {
    read_results(path);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_results(scratch("missing.h5")), IoError);
}

}  // namespace
}  // namespace leapsim::io
