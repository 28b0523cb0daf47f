#pragma once
// A results file as plain data: groups holding attributes, numeric arrays and nested groups. A
// model builds one from its results; engine/io writes it to HDF5 and reads it back. Neither side
// needs the other: the model knows no file format, the writer knows no model.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace leapsim {

/// The value of an attribute: text, a number, a signed or unsigned integer (seeds use all 64
/// bits), or a list of numbers, integers or texts.
using AttributeValue = std::variant<std::string, double, std::int64_t, std::uint64_t, std::vector<double>,
                                    std::vector<std::int64_t>, std::vector<std::string>>;

/// A named attribute.
struct Attribute {
  std::string name;
  AttributeValue value;
};

/// A dense array of doubles, row-major, with its shape (one or two dimensions).
struct ResultArray {
  std::string name;
  std::vector<std::size_t> shape;
  std::vector<double> values;
  std::vector<Attribute> attributes;
};

/// One column of a table: numbers or integers.
struct TableColumn {
  std::string name;
  std::variant<std::vector<double>, std::vector<std::int64_t>> values;
};

/// A table of rows (an HDF5 compound dataset): columns of equal length.
struct ResultTable {
  std::string name;
  std::vector<TableColumn> columns;
  std::vector<Attribute> attributes;
  /// Number of rows (the length of the first column).
  std::size_t rows() const noexcept {
    return columns.empty() ? 0 : std::visit([](const auto& v) { return v.size(); }, columns.front().values);
  }
};

/// A group: attributes, arrays, tables and sub-groups, each kind in the order it was added.
struct ResultGroup {
  std::string name;
  std::vector<Attribute> attributes;
  std::vector<ResultArray> arrays;
  std::vector<ResultGroup> groups;
  std::vector<ResultTable> tables;

  /// Adds a sub-group and returns it (references stay valid until the next add_group).
  ResultGroup& add_group(std::string group_name) {
    groups.push_back(ResultGroup{std::move(group_name), {}, {}, {}, {}});
    return groups.back();
  }
  /// The table of that name, or nullptr.
  const ResultTable* table(const std::string& wanted) const noexcept { return named(tables, wanted); }
  /// The sub-group of that name, or nullptr.
  const ResultGroup* group(const std::string& wanted) const noexcept { return named(groups, wanted); }
  /// The array of that name, or nullptr.
  const ResultArray* array(const std::string& wanted) const noexcept { return named(arrays, wanted); }
  /// The attribute of that name, or nullptr.
  const AttributeValue* attribute(const std::string& wanted) const noexcept {
    const Attribute* a = named(attributes, wanted);
    return a != nullptr ? &a->value : nullptr;
  }

 private:
  /// The first item of that name: lists are short, and order is the file's order.
  template <class T>
  static const T* named(const std::vector<T>& items, const std::string& wanted) noexcept {
    for (const T& item : items)
      if (item.name == wanted) return &item;
    return nullptr;
  }
};

}  // namespace leapsim
