#include "leapsim/io/results_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "leapsim/engine/errors.hpp"

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

AttributeValue read_attribute_value(hid_t attr) {
  Handle type(H5Aget_type(attr), H5Tclose, "read an attribute type");
  Handle space(H5Aget_space(attr), H5Sclose, "read an attribute shape");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  const bool scalar = H5Sget_simple_extent_type(space.get()) == H5S_SCALAR;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: {
      if (n == 0) return std::vector<std::string>{};  // HDF5 refuses to read into an empty buffer
      Handle mem = string_type();
      std::vector<char*> texts(static_cast<std::size_t>(n), nullptr);
      check(H5Aread(attr, mem.get(), texts.data()), "read a text attribute");
      std::vector<std::string> out;
      for (char* t : texts) out.emplace_back(t != nullptr ? t : "");
      H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, texts.data());
      if (scalar) return out.front();
      return out;
    }
    case H5T_INTEGER: {
      if (scalar && H5Tget_sign(type.get()) == H5T_SGN_NONE) {
        std::uint64_t u = 0;
        check(H5Aread(attr, H5T_NATIVE_UINT64, &u), "read an integer attribute");
        return u;
      }
      std::vector<std::int64_t> v(static_cast<std::size_t>(n));
      if (n > 0) check(H5Aread(attr, H5T_NATIVE_INT64, v.data()), "read an integer attribute");
      if (scalar) return v.front();
      return v;
    }
    default: {
      std::vector<double> v(static_cast<std::size_t>(n));
      if (n > 0) check(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), "read a number attribute");
      if (scalar) return v.front();
      return v;
    }
  }
}

std::vector<Attribute> read_attributes(hid_t owner) {
  H5O_info_t info;
  check(H5Oget_info2(owner, &info, H5O_INFO_NUM_ATTRS), "list attributes");
  std::vector<Attribute> out;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    // Creation order where it was tracked (our files), name order otherwise.
    H5_index_t index = H5_INDEX_CRT_ORDER;
    hid_t id = H5Aopen_by_idx(owner, ".", index, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
    if (id < 0) id = H5Aopen_by_idx(owner, ".", index = H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
    Handle attr(id, H5Aclose, "open an attribute");
    const ssize_t len = H5Aget_name(attr.get(), 0, nullptr);
    std::string name(static_cast<std::size_t>(len), '\0');
    H5Aget_name(attr.get(), name.size() + 1, name.data());
    out.push_back({name, read_attribute_value(attr.get())});
  }
  return out;
}

ResultArray read_array(hid_t group, const std::string& name) {
  Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset '" + name + "'");
  Handle space(H5Dget_space(set.get()), H5Sclose, "read the shape of '" + name + "'");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  ResultArray a{name, {dims.begin(), dims.end()}, {}, read_attributes(set.get())};
  a.values.resize(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!a.values.empty())
    check(H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()),
          "read dataset '" + name + "'");
  return a;
}

/// A compound dataset read back column by column (HDF5 converts each member by name).
ResultTable read_table(hid_t set, const std::string& name) {
  Handle type(H5Dget_type(set), H5Tclose, "read the type of '" + name + "'");
  Handle space(H5Dget_space(set), H5Sclose, "read the shape of '" + name + "'");
  const auto rows = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  ResultTable t{name, {}, read_attributes(set)};
  const int members = H5Tget_nmembers(type.get());
  for (int m = 0; m < members; ++m) {
    char* member_name = H5Tget_member_name(type.get(), static_cast<unsigned>(m));
    const std::string column(member_name);
    H5free_memory(member_name);
    const bool integer = H5Tget_member_class(type.get(), static_cast<unsigned>(m)) == H5T_INTEGER;
    Handle one(H5Tcreate(H5T_COMPOUND, 8), H5Tclose, "read column '" + column + "'");
    check(H5Tinsert(one.get(), column.c_str(), 0, integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE), "read a column");
    TableColumn c{column, {}};
    if (integer) {
      std::vector<std::int64_t> v(rows);
      if (rows > 0) check(H5Dread(set, one.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read column " + column);
      c.values = std::move(v);
    } else {
      std::vector<double> v(rows);
      if (rows > 0) check(H5Dread(set, one.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read column " + column);
      c.values = std::move(v);
    }
    t.columns.push_back(std::move(c));
  }
  return t;
}

ResultGroup read_group(hid_t group, const std::string& name) {
  ResultGroup g{name, read_attributes(group), {}, {}, {}};
  H5G_info_t info;
  check(H5Gget_info(group, &info), "list group '" + name + "'");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    H5_index_t index = H5_INDEX_CRT_ORDER;
    ssize_t len = H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) len = H5Lget_name_by_idx(group, ".", index = H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string child(static_cast<std::size_t>(len), '\0');
    H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, child.data(), child.size() + 1, H5P_DEFAULT);
    H5O_info_t object;
    check(H5Oget_info_by_name2(group, child.c_str(), &object, H5O_INFO_BASIC, H5P_DEFAULT), "inspect '" + child + "'");
    if (object.type == H5O_TYPE_GROUP) {
      Handle sub(H5Gopen2(group, child.c_str(), H5P_DEFAULT), H5Gclose, "open group '" + child + "'");
      g.groups.push_back(read_group(sub.get(), child));
    } else if (object.type == H5O_TYPE_DATASET) {
      Handle set(H5Dopen2(group, child.c_str(), H5P_DEFAULT), H5Dclose, "open dataset '" + child + "'");
      Handle type(H5Dget_type(set.get()), H5Tclose, "read the type of '" + child + "'");
      if (H5Tget_class(type.get()) == H5T_COMPOUND)
        g.tables.push_back(read_table(set.get(), child));
      else
        g.arrays.push_back(read_array(group, child));
    }
  }
  return g;
}

/// HDF5 prints its error stack to stderr by default; we report errors ourselves.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

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
  if (!std::filesystem::exists(path)) throw IoError(path.string() + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError(path.string() + ": not an HDF5 file");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path.string());
  return read_group(file.get(), "/");
}

}  // namespace leapsim::io
