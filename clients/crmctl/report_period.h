// The --period flag of `crmctl report`: which calendar period the gap analysis
// compares with the one before it.
#ifndef CRM_CLIENTS_CRMCTL_REPORT_PERIOD_H_
#define CRM_CLIENTS_CRMCTL_REPORT_PERIOD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/value_analysis.pb.h"

namespace crm::crmctl {

struct GapPeriod {
  crm::v1::PeriodKind kind = crm::v1::PERIOD_KIND_MONTH;
  // A time inside the period (ComputeGapAnalysisRequest.period_time): its middle, or
  // `now` for the period under way, so it is never in the future.
  absl::Time period_time;
  std::string label;  // "February 2026", "2025 Q4", "2025"
};

// "month", "quarter" or "year": the last full one before `now` in `zone`;
// "2026-02", "2025-Q4" or "2025": that period (up to now, if under way).
// Anything else, or a period that starts after `now`: INVALID_ARGUMENT.
absl::StatusOr<GapPeriod> ParseGapPeriod(const std::string& text, absl::Time now, absl::TimeZone zone);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_REPORT_PERIOD_H_
