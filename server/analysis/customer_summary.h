#ifndef CRM_SERVER_ANALYSIS_CUSTOMER_SUMMARY_H_
#define CRM_SERVER_ANALYSIS_CUSTOMER_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

// The value-analysis maths (DOMAIN.md, "Customer value analysis"): plain C++ over
// in-memory records, no gRPC and no SQL. Money is in micros of the tenant's currency.
namespace crm::analysis {

// One purchase or refund of a customer. `customer` is a dense index (0..n-1) the
// caller assigns to the tenant's contacts.
struct PurchaseRecord {
  uint32_t customer = 0;
  absl::Time time;
  int64_t amount_micros = 0;               // >= 0 for both purchases and refunds
  std::optional<int64_t> margin_micros;    // gross margin, when known
  bool refund = false;
};

// What a summary is computed over: purchases with window_start <= time < as_of, with
// calendar days in the tenant's time zone.
struct SummaryOptions {
  absl::Time as_of;
  absl::Time window_start;
  absl::TimeZone zone = absl::UTCTimeZone();
};

// Per customer, from the purchases in the window (DOMAIN.md "Customer summary").
struct CustomerSummary {
  // At least one purchase (not a refund) in the window; false for prospects, whose
  // other fields are zero.
  bool active = false;
  // Days from the last purchase's calendar day to as_of's calendar day.
  int64_t recency_days = 0;
  // Purchases (not refunds) in the window.
  int64_t frequency = 0;
  // Purchases minus refunds, in the window.
  int64_t monetary_micros = 0;
  // Contribution for Pareto/ABC: margin where known, amount otherwise; refunds
  // subtract.
  int64_t contribution_micros = 0;
  // Model inputs ("buy till you die"): x = distinct purchase days - 1; t_x = days
  // from first to last purchase day; T = days from first purchase day to as_of's day;
  // m = mean amount of the repeat purchase days (each day's purchases summed; the
  // first day excluded), 0 when x = 0. mean_repeat_margin_micros: the same over
  // margins (amount where unknown).
  int64_t x = 0;
  int64_t t_x = 0;
  int64_t T = 0;
  double mean_repeat_amount_micros = 0;
  double mean_repeat_margin_micros = 0;
};

// Summaries of `customer_count` customers (index = customer). Records outside the
// window, or with a customer index out of range, are ignored.
std::vector<CustomerSummary> SummarizeCustomers(const std::vector<PurchaseRecord>& purchases,
                                                size_t customer_count, const SummaryOptions& options);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_CUSTOMER_SUMMARY_H_
