#include "server/analysis/brand_value.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crm::analysis {

absl::StatusOr<BrandValue> ComputeBrandValue(const BrandValueInputs& in) {
  const auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(in.category_customers) || in.category_customers <= 0) {
    return absl::InvalidArgumentError("category_customers: must be greater than 0");
  }
  if (!finite(in.our_customers) || in.our_customers < 0) {
    return absl::InvalidArgumentError("our_customers: must not be negative");
  }
  if (in.our_customers > in.category_customers) {
    return absl::InvalidArgumentError(
        "our_customers: must not exceed category_customers (penetration above 1)");
  }
  if (!finite(in.buying_rate) || in.buying_rate < 0) {
    return absl::InvalidArgumentError("buying_rate: must not be negative");
  }
  if (!finite(in.share_of_purchase) || in.share_of_purchase < 0 || in.share_of_purchase > 1) {
    return absl::InvalidArgumentError("share_of_purchase: must be between 0 and 1");
  }
  if (!finite(in.contribution_margin) || in.contribution_margin < 0) {
    return absl::InvalidArgumentError("contribution_margin: must not be negative");
  }
  BrandValue value;
  value.penetration = in.our_customers / in.category_customers;
  value.value_per_category_customer = in.buying_rate * in.contribution_margin;
  value.our_value_per_category_customer =
      value.penetration * in.buying_rate * in.share_of_purchase * in.contribution_margin;
  return value;
}

UsageGroups GroupByUsage(const std::vector<double>& units, const std::vector<double>& unit_margin) {
  const size_t n = std::min(units.size(), unit_margin.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return units[a] > units[b]; });
  const size_t heavy = n / 5;
  const size_t light = n / 5;
  UsageGroups groups;
  const auto fill = [&](UsageGroup& group, size_t begin, size_t end) {
    group.buyers = static_cast<int>(end - begin);
    if (begin == end) return;
    double total_units = 0, total_value = 0;
    for (size_t k = begin; k < end; ++k) {
      total_units += units[order[k]];
      total_value += units[order[k]] * unit_margin[order[k]];
    }
    group.mean_units = total_units / static_cast<double>(end - begin);
    group.mean_value = total_value / static_cast<double>(end - begin);
  };
  fill(groups.heavy, 0, heavy);
  fill(groups.medium, heavy, n - light);
  fill(groups.light, n - light, n);
  return groups;
}

}  // namespace crm::analysis
