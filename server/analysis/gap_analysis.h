#ifndef CRM_SERVER_ANALYSIS_GAP_ANALYSIS_H_
#define CRM_SERVER_ANALYSIS_GAP_ANALYSIS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/time/time.h"

namespace crm::analysis {

// A sale for gap analysis: a customer's purchase, or an unrecorded one (no customer).
struct StoreTransaction {
  std::optional<uint32_t> customer;
  int32_t store = -1;  // store index; -1 when unknown
  absl::Time time;
  int64_t amount_micros = 0;
};

// Calendar periods in the tenant's zone.
enum class PeriodKind { kMonth, kQuarter, kYear };
struct PeriodRange {
  absl::Time start;  // inclusive
  absl::Time end;    // exclusive
};
// The period of `kind` containing `anchor`, and the one before it.
std::pair<PeriodRange, PeriodRange> PeriodAndPrevious(absl::Time anchor, PeriodKind kind, absl::TimeZone zone);

// The figures of one period in one scope (all stores, or one store). A customer is new
// in a period when their first purchase ever (at any store) falls in it, old when it
// came before it. Rates are 0 when their denominator is.
struct GapFigures {
  int64_t active_customers = 0;
  int64_t new_customers = 0;
  int64_t old_customers = 0;
  int64_t transactions = 0;           // recorded + unrecorded
  int64_t unrecorded_transactions = 0;
  int64_t sales_micros = 0;           // recorded + unrecorded
  int64_t unrecorded_sales_micros = 0;
  // The exact decomposition of recorded sales: customers × purchases per customer ×
  // average order value = sales_micros - unrecorded_sales_micros.
  double purchases_per_customer = 0;
  double average_order_value_micros = 0;
  // Share of new (old) customers with two or more purchases, and their purchases per
  // customer.
  double new_repeat_rate = 0;
  double old_repeat_rate = 0;
  double new_purchase_frequency = 0;
  double old_purchase_frequency = 0;
  // Managed customers (overall: managed by any store; per store: by that store) as a
  // share of the active customers, and the share of those who bought twice or more at
  // their own store. "Unmanaged" below means not managed in that sense.
  double managed_share = 0;
  double managed_repeat_rate_at_own_store = 0;
  // Average order value by kind of customer, and of unrecorded transactions.
  double aov_managed_new_micros = 0;
  double aov_managed_old_micros = 0;
  double aov_unmanaged_old_micros = 0;
  double aov_unrecorded_micros = 0;
};

// Period P against P-1 in one scope.
struct GapComparison {
  GapFigures current;
  GapFigures previous;
  double recruitment_rate = 0;     // new in P / active in P-1
  double old_retention_rate = 0;   // old customers of P-1 active in P / old of P-1
  double new_retention_rate = 0;   // new customers of P-1 active in P / new of P-1
};

struct GapAnalysis {
  GapComparison overall;
  std::map<int32_t, GapComparison> by_store;  // stores with a transaction in P or P-1
};

// `transactions`: all history up to the end of `current` (first purchases need it);
// `managing_store[c]`: the store managing customer c, or -1. Per store, a customer's
// activity, newness and repeat purchases count only transactions at that store, while
// "new" still means new to the brand.
GapAnalysis AnalyzeGaps(const std::vector<StoreTransaction>& transactions,
                        const std::vector<int32_t>& managing_store, const PeriodRange& current,
                        const PeriodRange& previous);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_GAP_ANALYSIS_H_
