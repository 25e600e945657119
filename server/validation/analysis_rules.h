#ifndef CRM_SERVER_VALIDATION_ANALYSIS_RULES_H_
#define CRM_SERVER_VALIDATION_ANALYSIS_RULES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/value_analysis.pb.h"
#include "server/analysis/brand_value.h"
#include "server/analysis/value_analysis.h"

// What the value-analysis requests must hold, and how they become the analysis
// library's parameters. Pure functions: the service and the tests share them.
namespace crm::server {

inline constexpr absl::Duration kDefaultAnalysisWindow = absl::Hours(24 * 365);
inline constexpr absl::Duration kMaxAnalysisWindow = absl::Hours(24 * 7305);  // 20 years

// Checks RunAnalysisRequest's as_of (not in the future of `now`; unset = now), window
// (1 day..20 years; unset = 365 days; zero or negative is "empty") and settings (the
// ranges documented in value_analysis.proto; a field this server does not know is
// INVALID_ARGUMENT naming `settings`), and fills in `run` (as_of, window, settings as
// given). Errors are INVALID_ARGUMENT naming the field.
absl::Status NormalizeRunRequest(const v1::RunAnalysisRequest& request, absl::Time now, v1::AnalysisRun* run);

// The tenant's IANA time zone; UTC when it is empty or unknown.
absl::TimeZone TenantTimeZone(const std::string& name);

// The library's settings for a stored run (defaults for unset fields), in `zone`.
analysis::ValueAnalysisSettings SettingsForRun(const v1::AnalysisRun& run, absl::TimeZone zone);

// Market inputs of ComputeBrandValue, before the data-derived ones are known:
// product_category 1..64 characters, category_customers > 0, buying_rate >= 0,
// contribution_margin >= 0, share_of_purchase 0..1, our_customers
// 0..category_customers (penetration at most 1). INVALID_ARGUMENT naming the field.
absl::Status CheckBrandValueRequest(const v1::ComputeBrandValueRequest& request);

// k >= 1 and features known and each listed once (k against the number of stores is
// checked once they are known).
absl::Status CheckClusterStoresRequest(const v1::ClusterStoresRequest& request);

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_ANALYSIS_RULES_H_
