#pragma once
// Flat byte encoding of plain values and arrays of them, so results can cross process boundaries
// (MPI ranks) and come back bit for bit. Both ends run the same build, so values are copied as
// they lie in memory; no byte-order conversion is needed or attempted.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "leapsim/engine/errors.hpp"

namespace leapsim {

/// Appends plain values and arrays to a byte string.
class ByteWriter {
 public:
  /// Appends one trivially copyable value.
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  /// Appends an array as its length then its elements.
  template <class T>
  void put_array(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(values.size());
    if (!values.empty()) bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  /// Appends a byte string as its length then its bytes.
  void put_text(std::string_view text) {
    put<std::uint64_t>(text.size());
    bytes_.append(text);
  }
  /// The bytes written so far, handed over.
  std::string take() && { return std::move(bytes_); }

 private:
  std::string bytes_;
};

/// Reads back what a ByteWriter wrote, in the same order; throws SimulationError when short.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  /// Reads one trivially copyable value.
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  /// Reads an array written by put_array.
  template <class T>
  std::vector<T> get_array() {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto n = get<std::uint64_t>();
    if (n > bytes_.size() / sizeof(T)) throw SimulationError("byte record truncated: array longer than its bytes");
    std::vector<T> values(n);
    if (n != 0) std::memcpy(values.data(), take(n * sizeof(T)), n * sizeof(T));
    return values;
  }
  /// Reads a byte string written by put_text; it views the reader's bytes.
  std::string_view get_text() {
    const auto n = get<std::uint64_t>();
    if (n > bytes_.size()) throw SimulationError("byte record truncated: text longer than its bytes");
    return {take(n), n};
  }
  /// True when every byte has been read.
  bool done() const noexcept { return bytes_.empty(); }

 private:
  const char* take(std::size_t n) {
    if (n > bytes_.size()) throw SimulationError("byte record truncated");
    const char* p = bytes_.data();
    bytes_.remove_prefix(n);
    return p;
  }
  std::string_view bytes_;
};

}  // namespace leapsim
