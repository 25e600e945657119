#ifndef CRM_SERVER_ANALYSIS_BRAND_VALUE_H_
#define CRM_SERVER_ANALYSIS_BRAND_VALUE_H_

#include <vector>

#include "absl/status/statusor.h"

namespace crm::analysis {

// Brand value of a customer group (DOMAIN.md "CBV"): CBV = P × BR × SOP × CM per
// category customer.
struct BrandValueInputs {
  double category_customers = 0;  // all category customers in the market (> 0)
  double our_customers = 0;       // ours among them (0..category_customers)
  double buying_rate = 0;         // BR: category units per customer per year (>= 0)
  double share_of_purchase = 0;   // SOP: our share of those units (0..1)
  double contribution_margin = 0; // CM per unit (>= 0)
};

struct BrandValue {
  double penetration = 0;                      // P = our / category customers
  double value_per_category_customer = 0;      // BR × CM: what a category customer is worth
  double our_value_per_category_customer = 0;  // CBV = P × BR × SOP × CM
};

// INVALID_ARGUMENT naming the field for inputs out of range (penetration above 1,
// negative margins or rates, SOP outside 0..1).
absl::StatusOr<BrandValue> ComputeBrandValue(const BrandValueInputs& inputs);

// Usage groups of buyers by yearly units: heavy = top 20 % of buyers, medium = the
// middle 60 %, light = the bottom 20 % (by rank; with fewer than 5 buyers the groups
// round down, heavy first).
struct UsageGroup {
  int buyers = 0;
  double mean_units = 0;
  double mean_value = 0;  // mean units × unit margin
};
struct UsageGroups {
  UsageGroup heavy, medium, light;
};
// `units[i]` and `unit_margin[i]` per buyer (same length).
UsageGroups GroupByUsage(const std::vector<double>& units, const std::vector<double>& unit_margin);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_BRAND_VALUE_H_
