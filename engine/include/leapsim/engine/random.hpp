#pragma once
// Counter-based random streams (Random123 Philox4x32-10).
//
// A draw is a pure function of (seed, replication, entity, process, block index), so results
// do not depend on thread count, MPI rank count or the order in which entities are processed,
// and the k-th entity of two scenarios sees the same luck in each process (common random
// numbers). The 64-bit seed is the Philox key; the counter words are
// (block index, entity, process, replication).

#include <Random123/philox.h>

#include <boost/random/exponential_distribution.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "leapsim/engine/event.hpp"

namespace leapsim {

/// One random stream: a UniformRandomBitGenerator usable with Boost.Random distributions.
/// Each Philox block gives four 32-bit words; the block counter lives with the caller
/// (the simulation keeps one per entity and process) so a stream resumes where it stopped.
class RandomStream {
 public:
  using result_type = std::uint32_t;

  /// A stream whose block counter is stored at *blocks (advanced as blocks are drawn).
  RandomStream(std::uint64_t seed, std::uint32_t replication, EntityId entity, ProcessId process,
               std::uint32_t* blocks) noexcept
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{0, entity, process, replication}},
        blocks_(blocks) {}

  /// A stream that starts at block 0 and keeps its own counter (for one-off draws).
  RandomStream(std::uint64_t seed, std::uint32_t replication, EntityId entity, ProcessId process) noexcept
      : RandomStream(seed, replication, entity, process, nullptr) {}

  RandomStream(const RandomStream&) = delete;  // a copy would replay the same numbers
  RandomStream& operator=(const RandomStream&) = delete;

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// Next 32 random bits.
  result_type operator()() noexcept {
    if (pos_ == 4) next_block();
    return block_.v[pos_++];
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() noexcept {
    const std::uint64_t hi = (*this)();
    const std::uint64_t lo = (*this)();
    return static_cast<double>(((hi << 32) | lo) >> 11) * 0x1.0p-53;
  }

  /// Uniform double in [0, 1) with 32 random bits (one word): ample for a yes/no decision
  /// against a probability, at half the stream of uniform().
  double uniform32() noexcept { return static_cast<double>((*this)()) * 0x1.0p-32; }

  /// Three uniform doubles in [0, 1) of 21 random bits each, from two words: three yes/no
  /// decisions at two thirds of the stream of uniform32(), so a handler that also draws a
  /// normal (two words) fits one Philox block.
  std::array<double, 3> uniforms21() noexcept {
    const std::uint64_t bits = (std::uint64_t{(*this)()} << 32) | (*this)();
    constexpr std::uint64_t mask = (std::uint64_t{1} << 21) - 1;
    return {static_cast<double>(bits >> 43) * 0x1.0p-21, static_cast<double>((bits >> 22) & mask) * 0x1.0p-21,
            static_cast<double>((bits >> 1) & mask) * 0x1.0p-21};
  }

  /// Exponential waiting time with the given rate (mean 1/rate); +inf when rate is 0.
  /// Boost's ziggurat: a table look-up and a multiply on 98% of draws, no logarithm.
  double exponential(double rate) noexcept {
    return boost::random::exponential_distribution<double>(1.0)(*this) / rate;
  }

  /// True with probability p.
  bool bernoulli(double p) noexcept { return uniform() < p; }

  /// Number of Philox blocks this stream has drawn from its counter so far.
  std::uint32_t blocks_drawn() const noexcept { return blocks_ ? *blocks_ : own_blocks_; }

 private:
  void next_block() noexcept {
    std::uint32_t& counter = blocks_ ? *blocks_ : own_blocks_;
    ctr_.v[0] = counter++;
    block_ = r123::Philox4x32{}(ctr_, key_);
    pos_ = 0;
  }

  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type block_{};
  unsigned pos_ = 4;
  std::uint32_t* blocks_;
  std::uint32_t own_blocks_ = 0;
};

}  // namespace leapsim
