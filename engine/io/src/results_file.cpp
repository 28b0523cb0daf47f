#include "leapsim/io/results_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "global_heap_check.hpp"
#include "leapsim/engine/errors.hpp"
#include "leapsim/io/results_layout.hpp"

namespace leapsim::io {
namespace {

/// Owns one HDF5 identifier and closes it with the matching function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw IoError("HDF5: cannot " + what);
  }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const noexcept { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw IoError("HDF5: cannot " + what);
}

/// A variable-length UTF-8 string type, as h5py writes and reads str.
Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "create a string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "size a string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "mark a string type UTF-8");
  return t;
}

/// Object creation properties that remember the order attributes were written in.
Handle ordered_object_properties(hid_t cls) {
  Handle p(H5Pcreate(cls), H5Pclose, "create a property list");
  check(H5Pset_attr_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attribute order");
  return p;
}

/// Group (or file) creation properties that remember link and attribute order.
Handle ordered_group_properties(hid_t cls = H5P_GROUP_CREATE) {
  Handle p = ordered_object_properties(cls);
  check(H5Pset_link_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track link order");
  return p;
}

// ---- writing ---------------------------------------------------------------------------------

/// The stop flag of the write in progress on this thread, checked between datasets, so SIGINT
/// during a long write ends it with nothing written.
class WriteStop {
 public:
  explicit WriteStop(const std::atomic<bool>* stop) { current_ = stop; }
  ~WriteStop() { current_ = nullptr; }
  WriteStop(const WriteStop&) = delete;
  WriteStop& operator=(const WriteStop&) = delete;
  static void check() {
    if (current_ != nullptr && current_->load()) throw Cancelled(kStopped);
  }
  static constexpr const char* kStopped = "stopped while writing the results file";

 private:
  static thread_local const std::atomic<bool>* current_;
};
thread_local const std::atomic<bool>* WriteStop::current_ = nullptr;

/// The element type of an attribute value: itself for a number, the item type for a list.
template <class V>
struct ElementOf {
  using type = V;
};
template <class T>
struct ElementOf<std::vector<T>> {
  using type = T;
};

void write_attribute(hid_t owner, const Attribute& a) {
  const std::string what = "write attribute '" + a.name + "'";
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          Handle type = string_type();
          Handle space(H5Screate(H5S_SCALAR), H5Sclose, what);
          Handle attr(H5Acreate2(owner, a.name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                      what);
          const char* text = v.c_str();
          check(H5Awrite(attr.get(), type.get(), &text), what);
        } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
          Handle type = string_type();
          const hsize_t n = v.size();
          Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, what);
          Handle attr(H5Acreate2(owner, a.name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                      what);
          std::vector<const char*> texts;
          for (const std::string& s : v) texts.push_back(s.c_str());
          if (!texts.empty()) check(H5Awrite(attr.get(), type.get(), texts.data()), what);
        } else {
          constexpr bool scalar = std::is_arithmetic_v<V>;
          using Element = typename ElementOf<V>::type;
          const hid_t type = std::is_same_v<Element, double>          ? H5T_NATIVE_DOUBLE
                             : std::is_same_v<Element, std::uint64_t> ? H5T_NATIVE_UINT64
                                                                      : H5T_NATIVE_INT64;
          const void* data = nullptr;
          hsize_t n = 1;
          if constexpr (scalar) {
            data = &v;
          } else {
            data = v.data();
            n = v.size();
          }
          Handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose, what);
          Handle attr(H5Acreate2(owner, a.name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
          if (n > 0) check(H5Awrite(attr.get(), type, data), what);
        }
      },
      a.value);
}

void write_array(hid_t group, const ResultArray& a) {
  WriteStop::check();
  const std::string what = "write dataset '" + a.name + "'";
  std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
  std::size_t count = 1;
  for (const std::size_t d : a.shape) count *= d;
  if (count != a.values.size())
    throw IoError("dataset '" + a.name + "': shape holds " + std::to_string(count) + " values, given " +
                  std::to_string(a.values.size()));
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, what);
  Handle dcpl = ordered_object_properties(H5P_DATASET_CREATE);
  if (count >= 1024) {  // compress what is worth it: chunks of whole rows, about 64 KiB
    std::vector<hsize_t> chunk = dims;
    const hsize_t row = count / dims.front();
    chunk.front() = std::max<hsize_t>(1, std::min<hsize_t>(dims.front(), 8192 / std::max<hsize_t>(row, 1)));
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), what);
    check(H5Pset_shuffle(dcpl.get()), what);
    check(H5Pset_deflate(dcpl.get(), 4), what);
  }
  Handle set(H5Dcreate2(group, a.name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
             H5Dclose, what);
  if (count > 0) check(H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()), what);
  for (const Attribute& attr : a.attributes) write_attribute(set.get(), attr);
}

/// A table as a compound dataset of packed rows, chunked and compressed: event logs run to
/// millions of rows.
void write_table(hid_t group, const ResultTable& t) {
  WriteStop::check();
  const std::string what = "write table '" + t.name + "'";
  const std::size_t rows = t.rows();
  const std::size_t width = t.columns.size() * 8;  // every column is 8 bytes wide
  Handle type(H5Tcreate(H5T_COMPOUND, width), H5Tclose, what);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const TableColumn& col = t.columns[c];
    if (std::visit([](const auto& v) { return v.size(); }, col.values) != rows)
      throw IoError("table '" + t.name + "': column '" + col.name + "' has another length");
    const hid_t member = std::holds_alternative<std::vector<double>>(col.values) ? H5T_IEEE_F64LE : H5T_STD_I64LE;
    check(H5Tinsert(type.get(), col.name.c_str(), c * 8, member), what);
  }
  std::vector<unsigned char> packed(rows * width);
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    std::visit(
        [&](const auto& v) {
          for (std::size_t r = 0; r < rows; ++r) std::memcpy(&packed[r * width + c * 8], &v[r], 8);
        },
        t.columns[c].values);
  const hsize_t dims = rows;
  Handle space(H5Screate_simple(1, &dims, nullptr), H5Sclose, what);
  Handle dcpl = ordered_object_properties(H5P_DATASET_CREATE);
  if (rows > 0) {
    const hsize_t chunk = std::min<hsize_t>(rows, 16384);
    check(H5Pset_chunk(dcpl.get(), 1, &chunk), what);
    check(H5Pset_shuffle(dcpl.get()), what);
    check(H5Pset_deflate(dcpl.get(), 4), what);
  }
  Handle set(H5Dcreate2(group, t.name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose,
             what);
  if (rows > 0) check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()), what);
  for (const Attribute& attr : t.attributes) write_attribute(set.get(), attr);
}

void write_group(hid_t parent, const ResultGroup& g, bool is_root) {
  WriteStop::check();
  if (is_root) {
    for (const Attribute& a : g.attributes) write_attribute(parent, a);
    for (const ResultArray& a : g.arrays) write_array(parent, a);
    for (const ResultTable& t : g.tables) write_table(parent, t);
    for (const ResultGroup& child : g.groups) write_group(parent, child, false);
    return;
  }
  Handle gcpl = ordered_group_properties();
  Handle group(H5Gcreate2(parent, g.name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose,
               "create group '" + g.name + "'");
  for (const Attribute& a : g.attributes) write_attribute(group.get(), a);
  for (const ResultArray& a : g.arrays) write_array(group.get(), a);
  for (const ResultTable& t : g.tables) write_table(group.get(), t);
  for (const ResultGroup& child : g.groups) write_group(group.get(), child, false);
}

/// Removes the temporaries that earlier writes of the same file left when they were killed: the
/// same hidden name with the process id of a process that no longer exists. Another process's
/// write in progress keeps its file.
void remove_stale_partials(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::string prefix = ".";  // appended step by step, as in partial_path (GCC PR 105329)
  prefix += path.filename().string();
  prefix += ".partial-";
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    const std::string digits = name.substr(prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) || digits.size() > 9)
      continue;
    const auto pid = static_cast<pid_t>(std::stol(digits));
    if (pid == getpid() || pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code ignored;
    if (fs::is_regular_file(fs::symlink_status(it->path(), ignored))) fs::remove(it->path(), ignored);
  }
}

/// The whole file built in memory (HDF5's core driver, no backing store): HDF5 never touches
/// the disk, so a full disk or a failing device is met by write_file below with its own error,
/// and no HDF5 file is ever left open on a broken handle for the library's exit to trip on.
std::vector<unsigned char> file_image(const ResultGroup& root, const std::atomic<bool>* stop) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
  check(H5Pset_fapl_core(fapl.get(), std::size_t{4} << 20, 0), "keep a file in memory");
  Handle fcpl = ordered_group_properties(H5P_FILE_CREATE);
  // The core driver tells in-memory files apart by name: each image gets its own.
  static std::atomic<unsigned long> images{0};
  const std::string name = "leapsim-image-" + std::to_string(getpid()) + "-" + std::to_string(++images);
  Handle file(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose, "create a file in memory");
  {
    const WriteStop watching(stop);
    write_group(file.get(), root, true);
  }
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush a file in memory");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size < 0) throw IoError("HDF5: cannot size the file image");
  std::vector<unsigned char> image(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size)
    throw IoError("HDF5: cannot copy the file image");
  return image;
}

/// The hidden temporary a write goes to, created before the file is built so that it is there,
/// for the next write of the same path to remove, if the process is killed meanwhile. Failures
/// name `shown` (the file the user asked for) and their cause (errno: "No space left on device").
class PartialFile {
 public:
  PartialFile(const std::filesystem::path& file, const std::filesystem::path& shown) : shown_(shown) {
    ::unlink(file.c_str());  // a temporary of an earlier process that had our id
    fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0) fail(errno);
  }
  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  /// Writes the bytes, then makes them durable: they must be on disk before the rename makes
  /// the file the one users see.
  void write_and_close(const std::vector<unsigned char>& bytes) {
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(errno);
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd_) != 0) fail(errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) fail(errno);
  }

 private:
  [[noreturn]] void fail(int error) const {
    throw IoError("cannot write " + shown_.string() + ": " + std::generic_category().message(error));
  }

  std::filesystem::path shown_;
  int fd_ = -1;
};

// ---- reading ---------------------------------------------------------------------------------
// A results file may come from anywhere, so the reader trusts nothing it declares: each size is
// checked against what the file can hold before anything is allocated, each object is read once
// (a group hard-linked into itself would otherwise recurse until the stack overflows), and only
// hard links to groups and to datasets of numbers, stored in the file itself, are followed.

/// Declared data this size or smaller is read even when the file stores none (fill values).
constexpr std::uint64_t kUnstoredBytesAllowed = std::uint64_t{64} << 20;
/// Deflate expands at most 1032-fold, so stored data cannot stand for more than this many times its bytes.
constexpr std::uint64_t kMaxExpansion = 1100;
/// Chunks HDF5 would decompress whole; ours are at most 2 MiB.
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{64} << 20;
/// Groups nested deeper than this are refused; the layout nests four deep.
constexpr int kMaxDepth = 32;

/// a * b, or the largest value when that overflows.
std::uint64_t saturated_product(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? std::numeric_limits<std::uint64_t>::max() : out;
}

/// A byte count for messages: "61.6 TB".
std::string bytes_text(std::uint64_t bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < std::size(units)) value /= 1000.0, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

/// Whether a text is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07u;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3Fu);
    }
    constexpr std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    if (code < smallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

/// The number of elements of a dataspace (0 for a null one), saturating instead of overflowing.
std::uint64_t element_count(hid_t space, std::vector<hsize_t>* dims_out = nullptr) {
  if (H5Sget_simple_extent_type(space) == H5S_NULL) return 0;
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw IoError("HDF5: cannot read a shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0)
    throw IoError("HDF5: cannot read a shape");
  std::uint64_t n = 1;
  for (const hsize_t d : dims) n = saturated_product(n, d);
  if (dims_out != nullptr) *dims_out = std::move(dims);
  return n;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string out;
  for (const hsize_t d : dims) out += (out.empty() ? "" : " x ") + std::to_string(d);
  return out.empty() ? "1 (a scalar)" : out;
}

/// An HDF5 type class in words, for messages.
std::string class_name(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER:
      return "integers";
    case H5T_FLOAT:
      return "floats";
    case H5T_STRING:
      return "text";
    case H5T_COMPOUND:
      return "compound rows";
    case H5T_ENUM:
      return "an enumeration";
    case H5T_VLEN:
      return "variable-length sequences";
    case H5T_ARRAY:
      return "arrays";
    case H5T_REFERENCE:
      return "references";
    case H5T_OPAQUE:
      return "opaque bytes";
    case H5T_BITFIELD:
      return "bit fields";
    default:
      return "an unknown type";
  }
}

/// This machine's physical memory in bytes.
std::uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? saturated_product(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page))
                               : std::numeric_limits<std::uint64_t>::max();
}

/// Reads one open file into a tree, refusing whatever the file could use to crash, hang or exhaust
/// the reader; every refusal names the file, the object and what is wrong.
class Reader {
 public:
  Reader(std::string file, std::uint64_t file_size)
      : file_(std::move(file)),
        file_size_(file_size),
        budget_(std::min(
            physical_memory(),
            kUnstoredBytesAllowed + saturated_product(kMaxExpansion, std::max<std::uint64_t>(file_size, 1)))) {}

  ResultGroup read_root(hid_t file) {
    H5O_info_t info;
    check(H5Oget_info2(file, &info, H5O_INFO_BASIC), "inspect " + file_);
    seen_.insert(info.addr);
    return read_group(file, "/", "/", 0);
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw IoError(file_ + ": " + where + ": " + what);
  }

  /// Text checked for UTF-8, as every reader of the tree (Python among them) expects.
  std::string checked_text(std::string text, const std::string& where) const {
    if (!is_utf8(text)) fail(where, "holds text that is not valid UTF-8");
    return text;
  }

  std::vector<std::string> read_texts(hid_t attr, hid_t type, hid_t space, std::size_t n, const std::string& where) {
    std::vector<std::string> out;
    if (H5Tis_variable_str(type) > 0) {
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "create a string type");
      check(H5Tset_size(mem.get(), H5T_VARIABLE), "size a string type");
      check(H5Tset_cset(mem.get(), H5Tget_cset(type)), "mark a string type");
      std::vector<char*> texts(n, nullptr);
      if (H5Aread(attr, mem.get(), texts.data()) < 0) fail(where, "cannot be read as text");
      for (char* t : texts) out.emplace_back(t != nullptr ? t : "");
      H5Dvlen_reclaim(mem.get(), space, H5P_DEFAULT, texts.data());
    } else {
      const std::size_t size = H5Tget_size(type);
      Handle mem(H5Tcopy(type), H5Tclose, "copy a string type");
      std::string buffer(n * size, '\0');
      if (H5Aread(attr, mem.get(), buffer.data()) < 0) fail(where, "cannot be read as text");
      const bool space_padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
      for (std::size_t i = 0; i < n; ++i) {
        std::string t = buffer.substr(i * size, size);
        t.erase(space_padded ? t.find_last_not_of(' ') + 1 : std::min(t.find('\0'), t.size()));
        out.push_back(std::move(t));
      }
    }
    for (std::string& t : out) t = checked_text(std::move(t), where);
    return out;
  }

  AttributeValue read_attribute(hid_t attr, const std::string& where) {
    Handle type(H5Aget_type(attr), H5Tclose, "read the type of " + where);
    Handle space(H5Aget_space(attr), H5Sclose, "read the shape of " + where);
    const bool scalar = H5Sget_simple_extent_type(space.get()) == H5S_SCALAR;
    std::vector<hsize_t> dims;
    const std::uint64_t n = element_count(space.get(), &dims);
    if (dims.size() > 1)
      fail(where, "has " + std::to_string(dims.size()) + " dimensions; an attribute is one value or a list");
    // Attribute values are stored whole in the file, never compressed: more than the file holds is a lie.
    if (saturated_product(n, std::max<std::size_t>(H5Tget_size(type.get()), 1)) > file_size_)
      fail(where,
           "declares " + std::to_string(n) + " values, more than the file's " + bytes_text(file_size_) + " hold");
    const auto count = static_cast<std::size_t>(n);
    switch (const H5T_class_t c = H5Tget_class(type.get())) {
      case H5T_STRING: {
        if (count == 0) return std::vector<std::string>{};  // HDF5 refuses to read into an empty buffer
        std::vector<std::string> out = read_texts(attr, type.get(), space.get(), count, where);
        if (scalar) return out.front();
        return out;
      }
      case H5T_INTEGER: {
        if (scalar && H5Tget_sign(type.get()) == H5T_SGN_NONE) {
          std::uint64_t u = 0;
          if (H5Aread(attr, H5T_NATIVE_UINT64, &u) < 0) fail(where, "cannot be read as an integer");
          return u;
        }
        std::vector<std::int64_t> v(count);
        if (count > 0 && H5Aread(attr, H5T_NATIVE_INT64, v.data()) < 0) fail(where, "cannot be read as integers");
        if (scalar) return v.front();
        return v;
      }
      case H5T_FLOAT: {
        std::vector<double> v(count);
        if (count > 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()) < 0) fail(where, "cannot be read as numbers");
        if (scalar) return v.front();
        return v;
      }
      default:
        fail(where, "holds " + class_name(c) + "; an attribute holds text, integers or floats");
    }
  }

  std::vector<Attribute> read_attributes(hid_t owner, const std::string& path) {
    H5O_info_t info;
    if (H5Oget_info2(owner, &info, H5O_INFO_NUM_ATTRS) < 0) fail(path, "cannot list its attributes");
    std::vector<Attribute> out;
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
      // Creation order where it was tracked (our files), name order otherwise.
      hid_t id = H5Aopen_by_idx(owner, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
      if (id < 0) id = H5Aopen_by_idx(owner, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
      if (id < 0) fail(path, "cannot open attribute " + std::to_string(i));
      Handle attr(id, H5Aclose, "open an attribute");
      const ssize_t len = H5Aget_name(attr.get(), 0, nullptr);
      if (len < 0) fail(path, "cannot read the name of attribute " + std::to_string(i));
      std::string name(static_cast<std::size_t>(len), '\0');
      H5Aget_name(attr.get(), name.size() + 1, name.data());
      const std::string where = "attribute '" + name + "' of " + path;
      name = checked_text(std::move(name), where);
      out.push_back({name, read_attribute(attr.get(), where)});
    }
    return out;
  }

  /// Books `values` doubles of a dataset against the budget, after checking that the file stores
  /// what the dataset declares and keeps it in itself; throws before anything is allocated.
  void reserve(hid_t set, const std::string& path, const std::vector<hsize_t>& dims, std::uint64_t values,
               std::uint64_t stored_element_bytes) {
    Handle dcpl(H5Dget_create_plist(set), H5Pclose, "read the storage of " + path);
    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_VIRTUAL || H5Pget_external_count(dcpl.get()) > 0)
      fail(path, "keeps its values in other files; a results file holds its own");
    if (layout == H5D_CHUNKED) {
      std::vector<hsize_t> chunk(H5S_MAX_RANK);
      const int rank = H5Pget_chunk(dcpl.get(), H5S_MAX_RANK, chunk.data());
      std::uint64_t bytes = stored_element_bytes;
      for (int d = 0; d < rank; ++d) bytes = saturated_product(bytes, chunk[static_cast<std::size_t>(d)]);
      if (rank < 0 || bytes > kMaxChunkBytes)
        fail(path, "is stored in chunks of " + bytes_text(bytes) + ", more than the " + bytes_text(kMaxChunkBytes) +
                       " a reader decompresses at once");
    }
    const std::uint64_t wanted = saturated_product(values, 8);
    const std::uint64_t declared = saturated_product(values, stored_element_bytes);
    const std::uint64_t stored = H5Dget_storage_size(set);
    if (wanted > kUnstoredBytesAllowed && stored < declared / kMaxExpansion)
      fail(path, "declares " + shape_text(dims) + " values (" + bytes_text(wanted) + ") but stores only " +
                     bytes_text(stored));
    if (wanted > budget_ - used_)
      fail(path, "declares " + shape_text(dims) + " values (" + bytes_text(wanted) + "), more than " +
                     (budget_ == physical_memory() ? "this machine's memory holds"
                                                   : "a file of " + bytes_text(file_size_) + " can store") +
                     " with the " + bytes_text(used_) + " read before it");
    used_ += wanted;
  }

  ResultArray read_array(hid_t set, const std::string& path, const std::string& name, H5T_class_t c) {
    if (c != H5T_FLOAT && c != H5T_INTEGER) fail(path, "holds " + class_name(c) + ", not numbers");
    Handle type(H5Dget_type(set), H5Tclose, "read the type of " + path);
    Handle space(H5Dget_space(set), H5Sclose, "read the shape of " + path);
    std::vector<hsize_t> dims;
    const std::uint64_t count = element_count(space.get(), &dims);
    reserve(set, path, dims, count, std::max<std::size_t>(H5Tget_size(type.get()), 1));
    ResultArray a{name, {dims.begin(), dims.end()}, {}, read_attributes(set, path)};
    a.values.resize(static_cast<std::size_t>(count));
    if (!a.values.empty() && H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) < 0)
      fail(path, "cannot be read");
    return a;
  }

  /// A compound dataset read back column by column (HDF5 converts each member by name).
  ResultTable read_table(hid_t set, const std::string& path, const std::string& name) {
    Handle type(H5Dget_type(set), H5Tclose, "read the type of " + path);
    Handle space(H5Dget_space(set), H5Sclose, "read the shape of " + path);
    std::vector<hsize_t> dims;
    const std::uint64_t rows = element_count(space.get(), &dims);
    const int members = H5Tget_nmembers(type.get());
    if (members < 0) fail(path, "cannot list its columns");
    std::vector<std::pair<std::string, bool>> columns;  // name, integer
    for (int m = 0; m < members; ++m) {
      char* member_name = H5Tget_member_name(type.get(), static_cast<unsigned>(m));
      if (member_name == nullptr) fail(path, "cannot read the name of column " + std::to_string(m));
      std::string column(member_name);
      H5free_memory(member_name);
      column = checked_text(std::move(column), "column '" + column + "' of " + path);
      const H5T_class_t c = H5Tget_member_class(type.get(), static_cast<unsigned>(m));
      if (c != H5T_INTEGER && c != H5T_FLOAT)
        fail(path, "column '" + column + "' holds " + class_name(c) + ", not numbers");
      columns.emplace_back(std::move(column), c == H5T_INTEGER);
    }
    reserve(set, path, dims, saturated_product(rows, columns.size()),
            std::max<std::size_t>(H5Tget_size(type.get()), 1));
    ResultTable t{name, {}, read_attributes(set, path)};
    for (const auto& entry : columns) {
      const std::string& column = entry.first;
      const bool integer = entry.second;
      Handle one(H5Tcreate(H5T_COMPOUND, 8), H5Tclose, "read column '" + column + "'");
      check(H5Tinsert(one.get(), column.c_str(), 0, integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE), "read a column");
      TableColumn c{column, {}};
      auto read = [&](auto& v) {
        v.resize(static_cast<std::size_t>(rows));
        if (rows > 0 && H5Dread(set, one.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
          fail(path, "column '" + column + "' cannot be read");
      };
      if (integer) {
        std::vector<std::int64_t> v;
        read(v);
        c.values = std::move(v);
      } else {
        std::vector<double> v;
        read(v);
        c.values = std::move(v);
      }
      t.columns.push_back(std::move(c));
    }
    return t;
  }

  ResultGroup read_group(hid_t group, const std::string& path, const std::string& name, int depth) {
    if (depth > kMaxDepth) fail(path, "groups nest more than " + std::to_string(kMaxDepth) + " deep");
    ResultGroup g{name, read_attributes(group, path), {}, {}, {}};
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) fail(path, "cannot list its members");
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      H5_index_t index = H5_INDEX_CRT_ORDER;
      ssize_t len = H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (len < 0) len = H5Lget_name_by_idx(group, ".", index = H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (len < 0) fail(path, "cannot read the name of member " + std::to_string(i));
      std::string child(static_cast<std::size_t>(len), '\0');
      H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, child.data(), child.size() + 1, H5P_DEFAULT);
      const std::string child_path = (path == "/" ? "/" : path + "/") + child;
      child = checked_text(std::move(child), child_path);
      H5L_info_t link;
      if (H5Lget_info_by_idx(group, ".", index, H5_ITER_INC, i, &link, H5P_DEFAULT) < 0)
        fail(child_path, "cannot read its link");
      if (link.type != H5L_TYPE_HARD)
        fail(child_path, std::string("is ") + (link.type == H5L_TYPE_SOFT ? "a soft" : "an external") +
                             " link; a results file holds only groups and datasets");
      H5O_info_t object;
      if (H5Oget_info_by_name2(group, child.c_str(), &object, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        fail(child_path, "cannot be inspected");
      if (!seen_.insert(object.addr).second)
        fail(child_path,
             "is a second link to an object already read (a group linked into itself or twice); a results "
             "file holds each group and dataset once");
      if (object.type == H5O_TYPE_GROUP) {
        Handle sub(H5Gopen2(group, child.c_str(), H5P_DEFAULT), H5Gclose, "open group " + child_path);
        g.groups.push_back(read_group(sub.get(), child_path, child, depth + 1));
      } else if (object.type == H5O_TYPE_DATASET) {
        Handle set(H5Dopen2(group, child.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + child_path);
        Handle type(H5Dget_type(set.get()), H5Tclose, "read the type of " + child_path);
        const H5T_class_t c = H5Tget_class(type.get());
        if (c == H5T_COMPOUND)
          g.tables.push_back(read_table(set.get(), child_path, child));
        else
          g.arrays.push_back(read_array(set.get(), child_path, child, c));
      }
    }
    return g;
  }

  std::string file_;
  std::uint64_t file_size_;
  std::uint64_t budget_;
  std::uint64_t used_ = 0;
  std::set<haddr_t> seen_;
};

/// A file's bytes mapped read-only into memory, for checks HDF5 does not make.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(path.string() + ": " + std::generic_category().message(errno));
    struct stat info {};
    if (fstat(fd, &info) == 0 && info.st_size > 0) {
      size_ = static_cast<std::size_t>(info.st_size);
      data_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (data_ == MAP_FAILED) throw IoError(path.string() + ": cannot be mapped into memory");
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  std::span<const std::byte> bytes() const noexcept {
    return data_ == nullptr ? std::span<const std::byte>{} : std::span(static_cast<const std::byte*>(data_), size_);
  }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Reads an open file whose bytes are `bytes` and, when it says it is a LeapSim results file,
/// checks its layout.
ResultGroup read_open_file(hid_t file, std::span<const std::byte> bytes, const std::string& name) {
  if (const std::optional<std::string> damage = damaged_global_heap(bytes)) throw IoError(name + ": " + *damage);
  hsize_t size = 0;
  check(H5Fget_filesize(file, &size), "read the size of " + name);
  ResultGroup root = Reader(name, size).read_root(file);
  if (declares_leapsim_results(root)) check_results_layout(root, name);
  return root;
}

/// HDF5 prints its error stack to stderr by default; we report errors ourselves.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

/// Reads a file that is known to exist and to be HDF5.
ResultGroup read_file(const std::filesystem::path& path) {
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IoError(path.string() + ": damaged or truncated: HDF5 cannot open it");
  Handle file(id, H5Fclose, "open " + path.string());
  const MappedFile bytes(path);
  return read_open_file(file.get(), bytes.bytes(), path.string());
}

/// Signals by which a process crashed, rather than was stopped.
constexpr int kCrashSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGSYS, SIGTRAP};

/// Reads the file once in a child process and throws IoError if the child crashed. HDF5 1.10
/// (Debian 12) has memory errors on some damaged files that no check made before it can rule out
/// (a link message that fails to decode makes it free pointers it never set; fuzz/results_fuzzer
/// finds such files in seconds); in a child the crash takes down only the child. Its tree is
/// thrown away: reading is a function of the bytes alone, so the caller's own read then meets
/// what the child met, a tree or an IoError.
void read_in_child_first(const std::filesystem::path& path) {
  const pid_t child = fork();
  if (child < 0) return;  // no process to spare: read without the guard
  if (child == 0) {
    // Die of the crash quietly: the handlers of the caller (Python's faulthandler, a sanitizer)
    // would report it as their own.
    for (const int signal : kCrashSignals) std::signal(signal, SIG_DFL);
    try {
      (void)read_file(path);
    } catch (...) {
    }
    _exit(0);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return;
  if (WIFSIGNALED(status) &&
      std::find(std::begin(kCrashSignals), std::end(kCrashSignals), WTERMSIG(status)) != std::end(kCrashSignals))
    throw IoError(path.string() + ": damaged: the HDF5 library crashed reading it (" + strsignal(WTERMSIG(status)) +
                  ")");
}

}  // namespace

std::filesystem::path partial_path(const std::filesystem::path& path) {
  std::string name = ".";  // appended step by step: GCC 12 warns falsely on "." + string (PR 105329)
  name += path.filename().string();
  name += ".partial-";
  name += std::to_string(getpid());
  return path.parent_path() / name;
}

bool has_hdf5_signature(const std::filesystem::path& path) {
  static constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  unsigned char head[8] = {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof head) && std::memcmp(head, kSignature, sizeof head) == 0;
}

void check_destination(const std::filesystem::path& path, Overwrite overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (fs::exists(status)) {
    if (fs::is_symlink(status))
      throw UsageError(path.string() + " is a symbolic link; give the path of the file itself");
    if (!fs::is_regular_file(status))
      throw UsageError(path.string() + " is not a regular file; results are written only to a new or a results file");
    if (overwrite == Overwrite::refuse) throw UsageError(path.string() + " exists; use --force to replace it");
  }
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec))
    throw IoError("cannot write " + path.string() + ": folder " + folder.string() + " does not exist");
  // Trying is the only sure test: permissions, read-only mounts and quotas all answer here. An
  // unnamed file leaves nothing behind whenever the process dies; folders that cannot hold one
  // (some network file systems) get a named probe instead.
  int fd = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    const fs::path probe = partial_path(path);
    fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) ::unlink(probe.c_str());
    if (fd < 0 && errno == EEXIST) return;  // our own temporary from an earlier write of this process
  }
  if (fd < 0) throw IoError("cannot write in " + folder.string() + ": " + std::generic_category().message(errno));
  ::close(fd);
}

void write_results(const std::filesystem::path& path, const ResultGroup& root, Overwrite overwrite,
                   const std::atomic<bool>* stop) {
  silence_hdf5();
  check_destination(path, overwrite);
  remove_stale_partials(path);
  const std::filesystem::path partial = partial_path(path);
  std::error_code ec;
  try {
    PartialFile file(partial, path);
    file.write_and_close(file_image(root, stop));
    if (stop != nullptr && stop->load()) throw Cancelled(WriteStop::kStopped);
    if (overwrite == Overwrite::replace) {
      check_destination(path, overwrite);  // no device, folder or link may have appeared meanwhile
      std::filesystem::rename(partial, path);
    } else if (link(partial.c_str(), path.c_str()) == 0) {  // atomic, and fails if the path appeared meanwhile
      std::filesystem::remove(partial, ec);
    } else {
      const int error = errno;
      std::filesystem::remove(partial, ec);
      if (error == EEXIST) throw UsageError(path.string() + " exists; use --force to replace it");
      throw IoError("cannot write " + path.string() + ": " + std::generic_category().message(error));
    }
  } catch (const std::filesystem::filesystem_error& e) {
    std::filesystem::remove(partial, ec);
    throw IoError("cannot write " + path.string() + ": " + e.code().message());
  } catch (...) {
    std::filesystem::remove(partial, ec);
    throw;
  }
}

ResultGroup read_results(const std::filesystem::path& path) {
  silence_hdf5();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw IoError(path.string() + ": no such file");
  if (!std::filesystem::is_regular_file(status)) throw IoError(path.string() + ": not a regular file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError(path.string() + ": not an HDF5 file");
  read_in_child_first(path);
  return read_file(path);
}

ResultGroup read_results_image(std::span<const std::byte> bytes, const std::string& name) {
  silence_hdf5();
  // An empty image would make the core driver open `name` from disk instead.
  if (bytes.size() < 8) throw IoError(name + ": not an HDF5 file");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
  check(H5Pset_fapl_core(fapl.get(), 1 << 16, false), "read " + name + " from memory");
  check(H5Pset_file_image(fapl.get(), const_cast<std::byte*>(bytes.data()), bytes.size()),
        "read " + name + " from memory");
  const hid_t id = H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id < 0) throw IoError(name + ": not an HDF5 file");
  Handle file(id, H5Fclose, "open " + name);
  return read_open_file(file.get(), bytes, name);
}

}  // namespace leapsim::io
