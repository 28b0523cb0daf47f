#pragma once
// The reference of scenario keys, generated from the parameter schema: the key tables of
// docs/scenario-format.md (a test keeps the file equal to them) and `leapsim keys`.
#include <string>
#include <string_view>
#include <vector>

namespace leapsim::innovation {

/// One scenario key as the reference shows it.
struct KeyReference {
  std::string key;       ///< the key inside its section: "base_rate"
  std::string type;      ///< "number", "schedule", "whole number", ...
  std::string unit;      ///< as the docs write it, or empty
  std::string fallback;  ///< the value when the key is left out, with its source: "60 (assumption (calibrate))"
  std::string range;     ///< allowed values: "[0, 1]", ">= 0, at most 10000000"
  std::string help;      ///< one line in English
  std::string help_zh;   ///< one line in Chinese
};

/// The keys of one section of a scenario file, in file order.
struct KeySection {
  std::string name;  ///< "entry", "initial", "attributes", ...; "top level" for the root
  std::vector<KeyReference> keys;
};

/// Every section, in the order docs/scenario-format.md lists them.
std::vector<KeySection> key_reference();

/// One section's keys as a Markdown table (key, type, unit, default, range, meaning, 中文).
std::string key_table_markdown(const KeySection& section);

}  // namespace leapsim::innovation
