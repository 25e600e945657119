#ifndef CRM_SERVER_ANALYSIS_VALUE_TIERS_H_
#define CRM_SERVER_ANALYSIS_VALUE_TIERS_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "server/analysis/customer_summary.h"

namespace crm::analysis {

// Expected value EV = CB + AV × P (DOMAIN.md "value tiers"): CB = current base value
// (margin in the current period), AV = additional value if the relationship continues
// (expected margin over the horizon), P = the probability it continues (P(alive)).
inline double ExpectedValue(double current_base, double additional_value, double p_alive) {
  return current_base + additional_value * p_alive;
}

enum class ValueTier { kA, kB, kC, kD };

// Tenant settings: the top share that is A, and the next share that is B.
struct TierShares {
  double a = 0.15;
  double b = 0.20;
};

// Ranks customers (is_customer[i]: at least one purchase) by EV: the share of
// customers with a strictly larger EV decides (ties share a tier): < a is A,
// < a + b is B, otherwise C. Non-customers (prospects) are D.
std::vector<ValueTier> AssignValueTiers(const std::vector<double>& expected_values,
                                        const std::vector<bool>& is_customer, const TierShares& shares);

// Historical and current value (DOMAIN.md "Total customer value" HV + CV + PV; PV is the
// CLV): margin (amount where unknown, refunds subtracted) before `current_start`, and in
// [current_start, as_of).
struct PeriodValues {
  int64_t historical_micros = 0;
  int64_t current_micros = 0;
};
std::vector<PeriodValues> ValuesByPeriod(const std::vector<PurchaseRecord>& purchases,
                                         size_t customer_count, absl::Time current_start,
                                         absl::Time as_of);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_VALUE_TIERS_H_
