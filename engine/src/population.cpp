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

void Population::assign(const Population& other) {
  if (other.columns_.size() != columns_.size())
    throw UsageError("populations with different columns: " + std::to_string(columns_.size()) + " and " +
                     std::to_string(other.columns_.size()));
  for (std::size_t k = 0; k < columns_.size(); ++k) columns_[k]->assign(*other.columns_[k]);
  alive_ = other.alive_;
  issued_ = other.issued_;
  alive_count_ = other.alive_count_;
}

std::size_t Population::memory_bytes() const noexcept {
  std::size_t bytes = alive_.capacity() * sizeof(std::uint64_t);
  for (const auto& c : columns_) bytes += c->memory_bytes();
  return bytes;
}

}  // namespace leapsim
