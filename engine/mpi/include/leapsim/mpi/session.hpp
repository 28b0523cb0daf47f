#pragma once
// MPI for the life of a process started by mpirun or srun. Plain runs never touch MPI, so the
// same binary works on a machine (or in a container) where no MPI launcher is present.
#include <string>
#include <vector>

namespace leapsim::mpi {

/// True when a launcher (mpirun, mpiexec, srun) started this process as one rank of a job.
bool launched_by_mpi();

/// MPI initialised (with serialised thread support) on construction and finalised on destruction.
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// This process's rank in the job.
  int rank() const noexcept { return rank_; }
  /// Number of ranks in the job.
  int size() const noexcept { return size_; }
  /// Number of ranks sharing this node, so thread defaults do not oversubscribe it.
  int ranks_on_node() const noexcept { return ranks_on_node_; }
  /// True when several threads of this rank may call MPI one at a time.
  bool threads_may_call() const noexcept { return serialized_; }
  /// Worker threads per rank when the user asked for 0 (one per core): the node's cores shared.
  unsigned default_threads() const noexcept;
  /// This rank's host name.
  std::string host() const;

  /// Every rank's host name, each once, in rank order; every rank must call it (a collective).
  std::vector<std::string> hosts() const;
  /// The largest of every rank's value; every rank must call it (a collective).
  int max_over_ranks(int value) const;
  /// The value rank 0 passed; every rank must call it (a collective).
  int from_root(int value) const;
  /// The bytes rank 0 passed (other ranks' `bytes` are ignored); every rank must call it.
  std::string bytes_from_root(std::string bytes) const;

  /// Marks that a rank stopped answering, so ending the job needs abort() rather than a finalise.
  void mark_peers_lost() noexcept { peers_lost_ = true; }
  /// True once a rank stopped answering.
  bool peers_lost() const noexcept { return peers_lost_; }
  /// Ends every rank of the job with this exit code.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  int ranks_on_node_ = 1;
  bool serialized_ = false;
  bool peers_lost_ = false;
};

}  // namespace leapsim::mpi
