#pragma once
// `leapsim run`: run a study file and print what a bureau needs to decide, optionally saving every
// result to HDF5.

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
  bool force = false;                             // replace an existing output file
  std::vector<std::string> record;                // "events", "firms": detail kept in the output file
  std::uint32_t record_replications = 1;          // how many replications' detail to keep
  std::string command_line;                       // recorded in the results file
  std::string lang = "en";                        // the printed report's language: en or zh
  bool estimate_only = false;                     // print the time and memory estimate, run nothing
  std::optional<double> max_memory;               // bytes a run may be estimated to need (default: what is available)
  std::vector<std::string> precision;             // METRIC:YEAR:HALFWIDTH or target:LABEL:HALFWIDTH: run adaptively
  std::optional<std::uint32_t> max_replications;  // the adaptive run's cap
};

/// Runs a study and prints its report on `out`, progress on `err`; returns the exit code.
/// Refuses, before any work, an output path that write_results would refuse and a run whose
/// memory estimate exceeds the limit. SIGINT or SIGTERM stops it between replications (throws
/// Cancelled; nothing is written); a replication still running a second later ends the process.
int run_study_command(const RunOptions& options, std::ostream& out, std::ostream& err);

#ifdef LEAPSIM_HAVE_MPI
/// `run` as one rank of an MPI job (started by mpirun or srun): work spread over every rank,
/// rank 0 reports and writes the results, identical to a one-process run's.
int run_study_over_mpi(const RunOptions& options, std::ostream& out, std::ostream& err);
#endif

}  // namespace leapsim::app
