#ifndef CRM_SERVER_ANALYSIS_INPUT_H_
#define CRM_SERVER_ANALYSIS_INPUT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/analysis/customer_summary.h"
#include "storage/purchase_repository.h"
#include "storage/tenant_id.h"

namespace crm::server {

// A tenant's purchases in the analysis library's terms: contacts become dense indexes
// (contact_ids[i] is customer i), so the maths never sees storage ids.
struct TenantPurchases {
  std::vector<std::string> contact_ids;
  std::vector<analysis::PurchaseRecord> records;
};

// Reads every purchase of the tenant made before `as_of` (storage's chunked scan).
// `on_progress`, when given, is called with the rows read so far every
// kProgressEveryRows rows; once it returns false the scan stops (CANCELLED).
inline constexpr int64_t kProgressEveryRows = 100000;
absl::StatusOr<TenantPurchases> LoadTenantPurchases(storage::PurchaseRepository& purchases,
                                                    const storage::TenantId& tenant, absl::Time as_of,
                                                    absl::Time deadline,
                                                    const std::function<bool(int64_t)>& on_progress = nullptr);

}  // namespace crm::server

#endif  // CRM_SERVER_ANALYSIS_INPUT_H_
