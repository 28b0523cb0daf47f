#include "leapsim/mpi/session.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "leapsim/engine/errors.hpp"

namespace leapsim::mpi {

bool launched_by_mpi() {
  // Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; Slurm's srun sets PMIX_RANK or PMI_RANK.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

namespace {

/// When every rank of an Open MPI job runs on this machine, its messages go through shared memory
/// whatever the transport, but by default MPI_Init first probes the fabric transports (libfabric,
/// PSM) for 0.2 s. Choosing the shared-memory path (pml ob1) up front skips that; a user's own
/// OMPI_MCA_pml setting wins, and jobs across machines are left to Open MPI's choice.
void prefer_shared_memory_on_one_machine() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size == nullptr || local == nullptr || std::string_view(size) != std::string_view(local)) return;
  setenv("OMPI_MCA_pml", "ob1", 0);  // 0: an existing setting stays
}

}  // namespace

Session::Session() {
  prefer_shared_memory_on_one_machine();
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
    throw SimulationError("MPI could not be initialised");
  serialized_ = provided >= MPI_THREAD_SERIALIZED;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_size(node, &ranks_on_node_);
  MPI_Comm_free(&node);
}

Session::~Session() { MPI_Finalize(); }

unsigned Session::default_threads() const noexcept {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, cores / static_cast<unsigned>(ranks_on_node_));
}

std::string Session::host() const {
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  MPI_Get_processor_name(name, &length);
  return std::string(name, static_cast<std::size_t>(length));
}

std::vector<std::string> Session::hosts() const {
  std::string mine = host();
  mine.resize(MPI_MAX_PROCESSOR_NAME, '\0');
  std::string all(mine.size() * static_cast<std::size_t>(size_), '\0');
  MPI_Allgather(mine.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
                MPI_COMM_WORLD);
  std::vector<std::string> names;
  for (int r = 0; r < size_; ++r) {
    const std::string name(all.c_str() + static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

int Session::max_over_ranks(int value) const {
  int result = value;
  MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return result;
}

int Session::from_root(int value) const {
  MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

std::string Session::bytes_from_root(std::string bytes) const {
  // In pieces of at most INT_MAX bytes, MPI's count type.
  std::uint64_t size = bytes.size();
  MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  bytes.resize(size);
  constexpr std::uint64_t kPiece = 1u << 30;
  for (std::uint64_t at = 0; at < size; at += kPiece)
    MPI_Bcast(bytes.data() + at, static_cast<int>(std::min(kPiece, size - at)), MPI_CHAR, 0, MPI_COMM_WORLD);
  return bytes;
}

void Session::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest if it ever does
}

}  // namespace leapsim::mpi
