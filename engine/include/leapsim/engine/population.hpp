#pragma once
// Entity storage as structure-of-arrays. Ids are arrival serial numbers and are never reused,
// so an id keys its entity's random streams for the whole run and common random numbers hold
// across scenarios. Removal only clears the alive bit: O(1), and columns stay indexed by id.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/event.hpp"
#include "leapsim/engine/huge_page_allocator.hpp"

namespace leapsim {

/// Type-erased part of a column, so the population can grow every column on add().
class ColumnBase {
 public:
  explicit ColumnBase(std::string name) : name_(std::move(name)) {}
  virtual ~ColumnBase() = default;
  ColumnBase(const ColumnBase&) = delete;
  ColumnBase& operator=(const ColumnBase&) = delete;
  const std::string& name() const noexcept { return name_; }
  virtual void grow() = 0;
  virtual void reserve(std::size_t n) = 0;
  virtual std::size_t memory_bytes() const noexcept = 0;
  /// Takes the values of a column of the same name and type.
  virtual void assign(const ColumnBase& other) = 0;

 private:
  std::string name_;
};

/// One attribute of every entity, contiguous and indexed by EntityId.
template <class T>
class Column final : public ColumnBase {
 public:
  Column(std::string name, T initial, std::size_t size)
      : ColumnBase(std::move(name)), initial_(initial), values_(size, initial) {}
  T& operator[](EntityId id) noexcept { return values_[id]; }
  const T& operator[](EntityId id) const noexcept { return values_[id]; }
  std::size_t size() const noexcept { return values_.size(); }
  T* data() noexcept { return values_.data(); }
  const T* data() const noexcept { return values_.data(); }
  void grow() override { values_.push_back(initial_); }
  void reserve(std::size_t n) override { values_.reserve(n); }
  std::size_t memory_bytes() const noexcept override { return values_.capacity() * sizeof(T); }
  void assign(const ColumnBase& other) override {
    const auto* same = dynamic_cast<const Column<T>*>(&other);
    if (same == nullptr || same->name() != name())
      throw UsageError("population column '" + name() + "' cannot take the values of column '" + other.name() + "'");
    values_ = same->values_;
  }

 private:
  T initial_;
  HugePageVector<T> values_;
};

/// The entities of one simulation: ids, alive flags (one bit each) and model-defined columns.
class Population {
 public:
  /// Adds an entity and returns its id (the number of entities added before it).
  EntityId add();
  /// Marks an entity as gone; its column values stay readable.
  void remove(EntityId id);
  /// True when the id was issued and the entity has not been removed.
  bool alive(EntityId id) const noexcept { return id < issued_ && ((alive_[id >> 6] >> (id & 63)) & 1u) != 0; }
  /// Number of entities alive now.
  std::size_t alive_count() const noexcept { return alive_count_; }
  /// Number of ids issued so far (alive or removed).
  std::size_t issued() const noexcept { return issued_; }
  /// Reserves room for n entities in every column.
  void reserve(std::size_t n);

  /// Adds a column with the given initial value; names are unique.
  template <class T>
  Column<T>& add_column(std::string name, T initial = T{}) {
    for (const auto& c : columns_)
      if (c->name() == name) throw UsageError("population column '" + name + "' already exists");
    auto column = std::make_unique<Column<T>>(std::move(name), initial, issued_);
    Column<T>& ref = *column;
    columns_.push_back(std::move(column));
    return ref;
  }

  /// Calls f(id) for every alive entity in id order.
  template <class F>
  void for_each_alive(F&& f) const {
    for (std::size_t w = 0; w < alive_.size(); ++w) {
      for (std::uint64_t bits = alive_[w]; bits != 0; bits &= bits - 1)
        f(static_cast<EntityId>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))));
    }
  }

  /// Takes another population's entities and column values; both must have the same columns.
  void assign(const Population& other);

  /// Heap bytes held by the alive bits and every column.
  std::size_t memory_bytes() const noexcept;

 private:
  std::vector<std::uint64_t> alive_;
  std::vector<std::unique_ptr<ColumnBase>> columns_;
  std::size_t issued_ = 0;
  std::size_t alive_count_ = 0;
};

}  // namespace leapsim
