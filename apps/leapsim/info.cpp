#include "info.hpp"

#include <ostream>
#include <sstream>
#include <type_traits>
#include <variant>

#include "leapsim/innovation/results_tree.hpp"
#include "leapsim/io/results_file.hpp"

namespace leapsim::app {
namespace {

std::string describe(const AttributeValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using V = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<V, std::string>) {
          const auto newline = x.find('\n');
          if (newline == std::string::npos && x.size() <= 70) return x;
          return "text, " + std::to_string(x.size()) + " characters";
        } else if constexpr (std::is_arithmetic_v<V>) {
          std::ostringstream s;
          s << x;
          return s.str();
        } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
          std::string joined;
          for (const std::string& item : x) joined += (joined.empty() ? "" : ", ") + item;
          return "[" + joined + "]";
        } else {
          return "list of " + std::to_string(x.size()) + " numbers";
        }
      },
      v);
}

void list_group(const ResultGroup& g, const std::string& path, std::ostream& out) {
  for (const ResultArray& a : g.arrays) {
    std::string shape;
    for (const std::size_t d : a.shape) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    out << path << a.name << "  [" << shape << "]";
    for (const Attribute& attr : a.attributes)
      if (attr.name == "unit") out << "  " << describe(attr.value);
    out << '\n';
  }
  for (const ResultTable& t : g.tables) {
    out << path << t.name << "  table of " << t.rows() << " rows:";
    for (const TableColumn& c : t.columns) out << ' ' << c.name;
    out << '\n';
  }
  for (const ResultGroup& child : g.groups) {
    // Every scenario and comparison repeats the same metric list: show its size and shape once.
    if (child.groups.empty() && child.arrays.size() > 4) {
      const ResultArray& first = child.arrays.front();
      std::string shape;
      for (const std::size_t d : first.shape) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
      out << path << child.name << "/  " << child.arrays.size() << " datasets [" << shape << "], one per metric\n";
      continue;
    }
    list_group(child, path + child.name + "/", out);
  }
}

}  // namespace

int info_command(const std::string& file, std::ostream& out) {
  const ResultGroup tree = io::read_results(file);
  innovation::check_results_tree(tree);
  out << file << '\n';
  for (const Attribute& a : tree.attributes) out << "  " << a.name << ": " << describe(a.value) << '\n';
  list_group(tree, "/", out);
  return 0;
}

}  // namespace leapsim::app
