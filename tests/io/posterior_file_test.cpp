// Posterior files: a real ABC-SMC posterior survives the trip through HDF5 field by field; a
// truncated file, a foreign HDF5 file (built with the HDF5 C API) and a file that says it holds
// results each end in IoError naming the file; writing refuses an existing file unless asked and
// then replaces only a posterior file; a raised stop flag leaves nothing.
#include "leapsim/io/posterior_file.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../engine/sample_posterior.hpp"
#include "leapsim/engine/errors.hpp"

namespace leapsim::io {
namespace {

using abc::testing::expect_same_posterior;

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("leapsim-posterior-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

const abc::Posterior& sample() {
  static const abc::Posterior p = abc::testing::sample_posterior();
  return p;
}

std::string bytes_of(const std::filesystem::path& path) {
  std::ostringstream out;
  out << std::ifstream(path, std::ios::binary).rdbuf();
  return out.str();
}

/// The message read_posterior throws for the file, or "" when it reads it.
std::string error_reading(const std::filesystem::path& path) {
  try {
    (void)read_posterior(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

/// The files in the scratch folder, hidden temporaries included.
std::vector<std::string> files_beside(const std::filesystem::path& path) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path()))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(PosteriorFile, RoundTripsEveryField) {
  const auto path = scratch("round-trip.h5");
  std::filesystem::remove(path);
  write_posterior(path, sample(), Overwrite::refuse);
  expect_same_posterior(sample(), read_posterior(path));
}

TEST(PosteriorFile, ATruncatedFileIsANamedError) {
  const auto whole = scratch("whole.h5");
  const auto cut = scratch("truncated.h5");
  write_posterior(whole, sample(), Overwrite::replace);
  const std::string bytes = bytes_of(whole);
  for (const std::size_t keep : {bytes.size() / 2, bytes.size() - 100, std::size_t{4}}) {
    std::ofstream(cut, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(keep));
    EXPECT_EQ(error_reading(cut),
              cut.string() + (keep < 8 ? ": not an HDF5 file" : ": damaged or truncated: HDF5 cannot open it"))
        << "kept " << keep << " bytes";
  }
}

TEST(PosteriorFile, AForeignHdf5FileIsANamedError) {
  const auto path = scratch("foreign.h5");
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t n = 3;
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const double values[] = {1.0, 2.0, 3.0};
  const hid_t set = H5Dcreate2(file, "draws", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
  H5Dclose(set);
  H5Sclose(space);
  H5Fclose(file);
  EXPECT_EQ(error_reading(path), path.string() + " is not a LeapSim posterior file (no format attribute)");
}

TEST(PosteriorFile, AResultsFileIsNamedAsOne) {
  // What the reader of posterior files meets in a results file is its root's format: the tree
  // below is that root (read_results checks the rest of a results file's layout first).
  const auto path = scratch("results-like.h5");
  write_results(path, ResultGroup{"/", {{"format", std::string("leapsim-results")}}, {}, {}, {}}, Overwrite::replace);
  EXPECT_TRUE(error_reading(path).starts_with(path.string() + ": /: has no attribute 'format_version'"));
  const ResultGroup tree{"/", {{"format", std::string("leapsim-results")}}, {}, {}, {}};
  EXPECT_THROW(
      {
        try {
          (void)abc::posterior_from_tree(tree, path.string());
        } catch (const IoError& e) {
          EXPECT_EQ(std::string(e.what()),
                    path.string() + " is a results file, not a posterior file (format 'leapsim-results')");
          throw;
        }
      },
      IoError);
}

TEST(PosteriorFile, RefusesToOverwriteUnlessAsked) {
  const auto path = scratch("exists.h5");
  write_posterior(path, sample(), Overwrite::replace);
  const std::string before = bytes_of(path);
  abc::Posterior other = sample();
  other.created_by = "a second fit";
  EXPECT_THROW(write_posterior(path, other, Overwrite::refuse), UsageError);
  EXPECT_EQ(bytes_of(path), before);
  write_posterior(path, other, Overwrite::replace);  // a posterior file may be replaced
  EXPECT_EQ(read_posterior(path).created_by, "a second fit");
}

TEST(PosteriorFile, ReplacesOnlyAPosteriorFile) {
  const auto dir = scratch("replace");
  std::filesystem::create_directories(dir);
  const auto yaml = dir / "calibration.yaml";
  std::ofstream(yaml) << "scenario: hebei-2016.yaml\n";
  const auto results = dir / "results.h5";
  write_results(results, ResultGroup{"/", {{"format", std::string("other")}}, {}, {}, {}}, Overwrite::replace);
  const auto cut = dir / "cut.h5";
  write_posterior(cut, sample(), Overwrite::replace);
  std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
  for (const auto& path : {yaml, results, cut}) {
    const std::string before = bytes_of(path);
    try {
      write_posterior(path, sample(), Overwrite::replace);
      ADD_FAILURE() << path << " was replaced";
    } catch (const UsageError& e) {
      const std::string message = e.what();
      EXPECT_TRUE(message.starts_with("cannot replace " + path.string() + ": ")) << message;
      EXPECT_TRUE(message.ends_with("; --force replaces only a LeapSim posterior file")) << message;
    }
    EXPECT_EQ(bytes_of(path), before) << path;
  }
  EXPECT_EQ(files_beside(yaml), (std::vector<std::string>{"calibration.yaml", "cut.h5", "results.h5"}));
}

TEST(PosteriorFile, ARaisedStopFlagLeavesNothing) {
  const auto path = scratch("stopped.h5");
  std::filesystem::remove(path);
  const std::atomic<bool> stop{true};
  EXPECT_THROW(write_posterior(path, sample(), Overwrite::refuse, &stop), Cancelled);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(partial_path(path)));
}

TEST(PosteriorFile, AnInconsistentPosteriorWritesNothing) {
  const auto path = scratch("inconsistent.h5");
  std::filesystem::remove(path);
  abc::Posterior p = sample();
  p.result.weights.pop_back();
  EXPECT_THROW(write_posterior(path, p, Overwrite::refuse), UsageError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace leapsim::io
