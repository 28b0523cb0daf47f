#pragma once
// The cost books (docs/model.md §4.11): every yuan a scenario's levers cost, as a yearly metric per
// item, each item with one payer, and the totals by payer. The payers are the district or county,
// the province and the tax authorities (tax expenditure: income tax the firms do not pay).
#include <optional>
#include <string_view>
#include <vector>

#include "leapsim/innovation/metrics.hpp"
#include "leapsim/innovation/parameters.hpp"

namespace leapsim::innovation {

/// One item of the cost books: the metric that holds it and who pays it.
struct CostItem {
  Metric metric;
  std::string_view payer;  ///< "county", "province" or "tax"
};

/// The payers in the order reports show them, and "public" for the three together.
inline constexpr std::string_view kPayers[] = {"county", "province", "tax", "public"};

/// Every item of a scenario's cost books, in metric order, each with its payer under these costs.
std::vector<CostItem> cost_book(const CostParameters& costs);

/// The metric that totals a payer's items ("county" -> county_cost, "public" -> public_cost);
/// nullopt for another word.
std::optional<Metric> payer_total(std::string_view payer) noexcept;

/// The word of a payer as files and reports write it.
std::string_view payer_word(Payer payer) noexcept;

}  // namespace leapsim::innovation
