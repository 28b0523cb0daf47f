// The results reader on hostile files, each built here with the HDF5 C API: a group linked into
// itself, a dataset declared huge but stored empty, links out of the file, a damaged global heap
// (found by fuzz/results_fuzzer: HDF5 1.10 reads past it), and a file read from memory. Each must
// end in IoError naming the object and the problem, before anything large is allocated.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/io/results_file.hpp"
#include "leapsim/io/results_layout.hpp"

namespace leapsim::io {
namespace {

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("leapsim-reader-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

/// A file with one group "a", then whatever `build` adds to it.
std::filesystem::path hostile_file(const std::string& name, const std::function<void(hid_t file)>& build) {
  const auto path = scratch(name);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(H5Gcreate2(file, "a", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  build(file);
  H5Fclose(file);
  return path;
}

/// The message read_results throws for the file, or "" when it reads it.
std::string error_reading(const std::filesystem::path& path) {
  try {
    read_results(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

std::vector<char> bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ResultsReader, AGroupLinkedIntoItselfIsRefusedNotRecursed) {
  const auto path = hostile_file("cycle.h5", [](hid_t file) {
    H5Lcreate_hard(file, "/a", file, "/a/self", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_hard(file, "/", file, "/a/root", H5P_DEFAULT, H5P_DEFAULT);
  });
  EXPECT_EQ(error_reading(path), path.string() +
                                     ": /a/root: is a second link to an object already read (a group linked into "
                                     "itself or twice); a results file holds each group and dataset once");
}

TEST(ResultsReader, ADatasetDeclaredHugeButStoredEmptyIsRefusedBeforeAllocating) {
  const auto path = hostile_file("huge.h5", [](hid_t file) {
    const hsize_t dims[2] = {hsize_t{1} << 40, 7}, chunk[2] = {1024, 7};
    const hid_t space = H5Screate_simple(2, dims, nullptr), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    H5Dclose(H5Dcreate2(file, "/a/huge", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    H5Pclose(dcpl);
    H5Sclose(space);
  });
  EXPECT_LT(std::filesystem::file_size(path), 10'000u);
  EXPECT_EQ(error_reading(path),
            path.string() + ": /a/huge: declares 1099511627776 x 7 values (61.6 TB) but stores only 0 bytes");
}

TEST(ResultsReader, LinksOutOfTheFileAreRefused) {
  const auto soft =
      hostile_file("soft.h5", [](hid_t file) { H5Lcreate_soft("/a", file, "/a/b", H5P_DEFAULT, H5P_DEFAULT); });
  EXPECT_EQ(error_reading(soft),
            soft.string() + ": /a/b: is a soft link; a results file holds only groups and datasets");
  const auto external = hostile_file("external.h5", [](hid_t file) {
    H5Lcreate_external("/etc/passwd", "/", file, "/a/b", H5P_DEFAULT, H5P_DEFAULT);
  });
  EXPECT_EQ(error_reading(external),
            external.string() + ": /a/b: is an external link; a results file holds only groups and datasets");
}

TEST(ResultsReader, ADamagedGlobalHeapIsRefusedBeforeHdf5ReadsPastIt) {
  const auto path = scratch("heap.h5");
  ResultGroup root{"/", {{"label", std::string("a text kept in the global heap")}}, {}, {}, {}};
  write_results(path, root, Overwrite::replace);
  std::vector<char> bytes = bytes_of(path);
  const std::string magic("GCOL\x01", 5);
  const auto heap = std::search(bytes.begin(), bytes.end(), magic.begin(), magic.end());
  ASSERT_NE(heap, bytes.end());
  heap[16 + 8 + 5] = '\x10';  // the first object's size (8 bytes after its 8-byte header) grows by 2^40
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const std::string error = error_reading(path);
  EXPECT_NE(error.find(": the global heap at byte " + std::to_string(heap - bytes.begin()) + ": object 1 states "),
            std::string::npos)
      << error;
}

TEST(ResultsReader, AFileReadFromMemoryIsTheFileReadFromDisk) {
  const auto path = scratch("image.h5");
  ResultGroup root{"/", {{"format", std::string("other")}, {"n", std::int64_t{3}}}, {}, {}, {}};
  root.arrays.push_back({"x", {2, 3}, {1, 2, 3, 4, 5, 6}, {{"unit", std::string("firms")}}});
  root.add_group("g").attributes.push_back({"names", std::vector<std::string>{"base", "丛台"}});
  write_results(path, root, Overwrite::replace);
  const std::vector<char> bytes = bytes_of(path);
  const ResultGroup from_memory = read_results_image(std::as_bytes(std::span(bytes.data(), bytes.size())), "memory.h5");
  const ResultGroup from_disk = read_results(path);
  ASSERT_EQ(from_memory.arrays.size(), 1u);
  EXPECT_EQ(from_memory.arrays[0].values, from_disk.arrays[0].values);
  EXPECT_EQ(from_memory.attributes[1].value, from_disk.attributes[1].value);
  EXPECT_EQ(*from_memory.groups.at(0).attribute("names"), (AttributeValue{std::vector<std::string>{"base", "丛台"}}));
  try {
    read_results_image(std::as_bytes(std::span(bytes.data(), 100)), "cut.h5");
    FAIL() << "a truncated image was read";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), "cut.h5: not an HDF5 file");
  }
}

TEST(ResultsReader, AFileThatSaysItIsLeapSimResultsMustHaveTheLayout) {
  const auto path = scratch("layout.h5");
  ResultGroup root{"/", {{"format", std::string("leapsim-results")}}, {}, {}, {}};
  write_results(path, root, Overwrite::replace);
  EXPECT_EQ(error_reading(path), path.string() + ": /: has no attribute 'format_version' (an int64)");
  EXPECT_TRUE(declares_leapsim_results(root));
  root.attributes[0].value = std::string("something else");  // another format: read as a plain tree
  write_results(path, root, Overwrite::replace);
  EXPECT_EQ(error_reading(path), "");
}

TEST(ResultsReader, FilesThatCrashHdf5ItselfEndInAnError) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LEAPSIM_IO_TEST_DATA)) {
    if (entry.path().extension() != ".h5") continue;
    ++files;
    const std::string error = error_reading(entry.path());
    EXPECT_EQ(error.rfind(entry.path().string() + ": ", 0), 0u) << entry.path() << ": " << error;
  }
  EXPECT_EQ(files, 3);  // tests/io/data/README.md lists them
}

TEST(ResultsReader, OnlyRegularFilesAreOpened) {
  EXPECT_EQ(error_reading("/dev/null"), "/dev/null: not a regular file");
  EXPECT_EQ(error_reading(std::filesystem::temp_directory_path()),
            std::filesystem::temp_directory_path().string() + ": not a regular file");
}

}  // namespace
}  // namespace leapsim::io
