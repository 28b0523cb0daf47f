#pragma once
// `leapsim run`, `validate`, `compare` and `info`: run a study file and print what a bureau
// needs to decide, optionally saving every result to HDF5; check files; reprint or list a saved
// results file.

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace leapsim::app {

/// Options of the run sub-command; unset ones come from the study file.
struct RunOptions {
  std::string study;
  std::optional<std::uint32_t> replications;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  bool quiet = false;
  std::optional<std::filesystem::path> output;
  bool force = false;                     // replace an existing output file
  std::vector<std::string> record;        // "events", "firms": detail kept in the output file
  std::uint32_t record_replications = 1;  // how many replications' detail to keep
  std::string command_line;               // recorded in the results file
  std::string lang = "en";                // the printed report's language: en or zh
};

/// Runs a study and prints its report on `out`, progress on `err`; returns the exit code.
/// SIGINT or SIGTERM stops it between replications (throws Cancelled; nothing is written).
int run_study_command(const RunOptions& options, std::ostream& out, std::ostream& err);

#ifdef LEAPSIM_HAVE_MPI
/// `run` as one rank of an MPI job (started by mpirun or srun): work spread over every rank,
/// rank 0 reports and writes the results, identical to a one-process run's.
int run_study_over_mpi(const RunOptions& options, std::ostream& out, std::ostream& err);
#endif

/// Checks files and prints every error as file:line:column; returns 0 when all are valid, else 1.
int validate_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

/// Options of the compare sub-command.
struct CompareOptions {
  std::string file;
  std::optional<std::string> base;  // default: the study's base
  std::optional<std::string> metric;
  std::optional<int> year;
  std::string lang = "en";  // en or zh
};

/// Prints the comparison tables of a results file again.
int compare_command(const CompareOptions& options, std::ostream& out);

/// Prints what a results file holds: its attributes and its datasets with their shapes.
int info_command(const std::string& file, std::ostream& out);

}  // namespace leapsim::app
