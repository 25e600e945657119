#ifndef CRM_STORAGE_ANALYSIS_SOURCES_H_
#define CRM_STORAGE_ANALYSIS_SOURCES_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <cppconn/resultset.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/common.pb.h"
#include "storage/connection_pool.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// The reads of the on-request analyses (gap analysis, store clusters, brand value,
// reciprocity) and of a run's preconditions: bounded range scans and keyed lookups
// of one tenant, each chunk in its own short transaction.
class AnalysisSources {
 public:
  explicit AnalysisSources(ConnectionPool& pool) : pool_(pool) {}

  // One purchase (type PURCHASE; refunds are not sales) with what the store analyses use.
  struct Sale {
    std::string contact_id;
    absl::Time time;
    int64_t amount_micros = 0;
    std::optional<int64_t> margin_micros;
    int64_t quantity = 0;
    std::string store_id;
    std::string product_category;
  };
  // Visits the purchases made in [start, end) in time order (the time index), with
  // `category` only when it is not empty.
  absl::Status ScanSales(const TenantId& tenant, absl::Time start, absl::Time end, const std::string& category,
                         const std::function<void(const Sale&)>& visit, absl::Time deadline);

  // Each given contact's first purchase (type PURCHASE) ever, for those with one.
  absl::StatusOr<absl::flat_hash_map<std::string, absl::Time>> FirstPurchaseTimes(
      const TenantId& tenant, const std::vector<std::string>& contact_ids, absl::Time deadline);

  struct ContactProfile {
    std::string store_id;  // managing store; empty = unmanaged
    std::optional<v1::Date> birthday;
  };
  // The profiles of the given contacts that exist.
  absl::StatusOr<absl::flat_hash_map<std::string, ContactProfile>> ContactProfiles(
      const TenantId& tenant, const std::vector<std::string>& contact_ids, absl::Time deadline);

  // Mean satisfaction score per contact over interactions and complaints that carry one.
  absl::StatusOr<absl::flat_hash_map<std::string, double>> MeanSatisfactionByContact(const TenantId& tenant,
                                                                                   absl::Time deadline);

  // Whether any purchase (type PURCHASE) was made in [start, end).
  absl::StatusOr<bool> HasPurchasesBetween(const TenantId& tenant, absl::Time start, absl::Time end,
                                           absl::Time deadline);
  // Purchases and refunds made before `before` (a run's progress total).
  absl::StatusOr<int64_t> CountPurchasesBefore(const TenantId& tenant, absl::Time before, absl::Time deadline);

 private:
  absl::Status ForEachRowOfIds(const TenantId& tenant, const char* table, const char* select_list, const char* suffix,
                               const std::vector<std::string>& ids,
                               const std::function<void(sql::ResultSet&)>& visit, absl::Time deadline);

  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_ANALYSIS_SOURCES_H_
