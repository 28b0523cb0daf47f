#pragma once
// Writing resolved parameters back as scenario YAML, e.g. into results files, so every run records
// exactly what it simulated. Reading the output reproduces the parameters bit for bit.
#include <string>

#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// Every parameter as a self-contained scenario document (no `extends`), numbers in shortest
/// round-trip form.
std::string to_yaml(const Parameters& p);

}  // namespace leapsim::innovation
