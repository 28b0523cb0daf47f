#include "leapsim/innovation/scenario/writer.hpp"

#include <array>
#include <cstdio>
#include <limits>
#include <string_view>
#include <type_traits>

#include "leapsim/innovation/parameter_schema.hpp"

namespace leapsim::innovation {
namespace {

using schema::Range;

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          std::array<char, 8> escape{};
          std::snprintf(escape.data(), escape.size(), "\\x%02x", static_cast<unsigned>(c));
          out += escape.data();
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string month_day(const Date& d) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "\"%02d-%02d\"", d.month, d.day);
  return text.data();
}

std::string flow_list(std::span<const double> xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (i > 0) out += ", ";
    out += schema::format_number(xs[i]);
  }
  return out + "]";
}

bool is_date(Range range) { return range == Range::date || range == Range::date_or_before; }

/// The visitor that writes one struct's fields as block YAML, in schema order.
class Writer {
 public:
  Writer(std::string& out, std::size_t indent) : out_(out), indent_(indent, ' ') {}

  template <class M>
  void operator()(std::string_view key, const M& member, Range range = Range::any) {
    if constexpr (schema::Struct<M>) {
      open(key);
      write_struct(member, indent_.size() + 2);
    } else if constexpr (schema::StructList<M>) {
      write_list(key, member);
    } else if constexpr (schema::FixedArray<M>) {
      write_array(key, member, range);
    } else if constexpr (std::is_same_v<M, Schedule>) {
      write_schedule(key, member);
    } else if constexpr (std::is_same_v<M, double>) {
      if (range == Range::date_or_before && member == -std::numeric_limits<Time>::infinity()) return;  // the default
      line(key, is_date(range) ? schema::format_time(member) : schema::format_number(member));
    } else if constexpr (std::is_same_v<M, std::string>) {
      line(key, quoted(member));
    } else if constexpr (std::is_same_v<M, Date>) {
      line(key, month_day(member));
    } else if constexpr (std::is_enum_v<M>) {
      line(key, std::string(schema::word_of(member)));
    } else {
      line(key, std::to_string(member));
    }
  }

  template <class T>
  void write_struct(const T& value, std::size_t indent) {
    Writer inner(out_, indent);
    schema::describe(inner, value);
  }

 private:
  void line(std::string_view key, const std::string& value) {
    out_ += indent_ + std::string(key) + ": " + value + "\n";
  }
  void open(std::string_view key) { out_ += indent_ + std::string(key) + ":\n"; }
  /// A list item: "- " in place of the indentation before its first line.
  void item(const std::string& body) {
    out_ += body.substr(0, indent_.size() + 2) + "- " + body.substr(indent_.size() + 4);
  }

  template <class T>
  void write_list(std::string_view key, const std::vector<T>& list) {
    if (list.empty()) return line(key, "[]");
    open(key);
    for (const T& element : list) {
      std::string body;
      Writer(body, 0).write_struct(element, indent_.size() + 4);
      item(body);
    }
  }

  template <std::size_t N>
  void write_array(std::string_view key, const std::array<double, N>& a, Range range) {
    if (range != Range::correlation) return line(key, flow_list(a));
    open(key);
    const std::size_t side = schema::square_side(N);
    for (std::size_t row = 0; row < side; ++row)
      out_ += indent_ + "  - " + flow_list(std::span<const double>(a).subspan(row * side, side)) + "\n";
  }

  void write_schedule(std::string_view key, const Schedule& s) {
    const bool constant = s.steps.size() == 1 && s.steps.front().from == -std::numeric_limits<Time>::infinity();
    if (constant) return line(key, schema::format_number(s.steps.front().value));
    open(key);
    for (const Schedule::Step& step : s.steps) {
      const bool from_start = step.from == -std::numeric_limits<Time>::infinity();
      const std::string from = from_start ? "" : "from: " + schema::format_time(step.from) + ", ";
      out_ += indent_ + "  - {" + from + "value: " + schema::format_number(step.value) + "}\n";
    }
  }

  std::string& out_;
  std::string indent_;
};

}  // namespace

std::string to_yaml(const Parameters& p) {
  std::string out = "# LeapSim scenario parameters, fully resolved (format: docs/scenario-format.md)\n";
  Writer(out, 0).write_struct(p, 0);
  return out;
}

}  // namespace leapsim::innovation
