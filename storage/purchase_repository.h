#ifndef CRM_STORAGE_PURCHASE_REPOSITORY_H_
#define CRM_STORAGE_PURCHASE_REPOSITORY_H_

#include <cppconn/resultset.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/purchase.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// What one imported batch did.
struct ImportBatchResult {
  int64_t imported = 0;  // rows written
  int64_t skipped = 0;   // rows whose external_id was already stored
  // Rows rejected by storage (index within the batch, reason): contacts the tenant
  // does not have.
  std::vector<std::pair<int, absl::Status>> errors;
};

// Purchases of one tenant. Messages arrive validated and normalised by the service;
// money is in the tenant's currency and stored in micros.
class PurchaseRepository {
 public:
  explicit PurchaseRepository(ConnectionPool& pool) : pool_(pool) {}

  // The contact must be the tenant's (NOT_FOUND otherwise); a duplicate external_id
  // is ALREADY_EXISTS; a replayed `request_id` returns the first purchase.
  absl::StatusOr<v1::Purchase> Record(const TenantId& tenant, const v1::Purchase& purchase,
                                      absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Purchase> Get(const TenantId& tenant, absl::string_view purchase_id,
                                   absl::Time deadline);
  absl::StatusOr<Page<v1::Purchase>> List(const TenantId& tenant, const ListQuery& query,
                                          absl::Time deadline);
  absl::Status Delete(const TenantId& tenant, absl::string_view purchase_id,
                      absl::string_view expected_etag, absl::Time deadline);

  // Writes a batch in one transaction with multi-row inserts. Rows whose contact the
  // tenant does not have are rejected; rows whose external_id is already stored are
  // skipped (so a re-sent stream adds nothing). With `all_or_nothing`, any rejected
  // row means nothing of the batch is written.
  absl::StatusOr<ImportBatchResult> ImportBatch(const TenantId& tenant,
                                                const std::vector<v1::Purchase>& rows,
                                                bool all_or_nothing, absl::Time deadline);

  // One purchase as the value analysis reads it.
  struct Fact {
    absl::string_view contact_id;  // valid during the visit only
    absl::Time time;
    int64_t amount_micros = 0;
    std::optional<int64_t> margin_micros;
    bool refund = false;
  };
  // Visits every purchase of the tenant made before `before`, in primary-key order
  // (a sequential read of the clustered index), `chunk_rows` per statement, each chunk
  // in its own short transaction so no statement holds a snapshot for the whole scan.
  // `keep_going`, when given, is asked before each chunk; false ends the scan with
  // CANCELLED.
  absl::Status ScanFacts(const TenantId& tenant, absl::Time before,
                         const std::function<void(const Fact&)>& visit, absl::Time deadline,
                         int chunk_rows = 50000, const std::function<bool()>& keep_going = nullptr);

  static const ListTable& Table();
  // Decodes a row of Table().columns (for readers that merge purchases with others).
  static v1::Purchase FromRow(sql::ResultSet& row);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_PURCHASE_REPOSITORY_H_
