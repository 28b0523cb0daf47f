#include "leapsim/engine/population.hpp"

#include <limits>

namespace leapsim {

EntityId Population::add() {
  if (issued_ >= kNoEntity) throw UsageError("population is full: 2^32 - 1 entities issued");
  const auto id = static_cast<EntityId>(issued_++);
  if ((id & 63) == 0) alive_.push_back(0);
  alive_[id >> 6] |= std::uint64_t{1} << (id & 63);
  ++alive_count_;
  for (auto& c : columns_) c->grow();
  return id;
}

void Population::remove(EntityId id) {
  if (!alive(id)) throw UsageError("entity " + std::to_string(id) + " is not alive");
  alive_[id >> 6] &= ~(std::uint64_t{1} << (id & 63));
  --alive_count_;
}

void Population::reserve(std::size_t n) {
  alive_.reserve((n + 63) / 64);
  for (auto& c : columns_) c->reserve(n);
}

std::size_t Population::memory_bytes() const noexcept {
  std::size_t bytes = alive_.capacity() * sizeof(std::uint64_t);
  for (const auto& c : columns_) bytes += c->memory_bytes();
  return bytes;
}

}  // namespace leapsim
