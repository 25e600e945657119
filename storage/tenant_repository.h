#ifndef CRM_STORAGE_TENANT_REPOSITORY_H_
#define CRM_STORAGE_TENANT_REPOSITORY_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/tenant_admin.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"

namespace crm::storage {

// Tenants: a global table (not sharded). Resource messages arrive validated.
class TenantRepository {
 public:
  explicit TenantRepository(ConnectionPool& pool) : pool_(pool) {}

  // ALREADY_EXISTS when `tenant_id` is taken. A replayed `request_id` returns the
  // tenant it created first.
  absl::StatusOr<v1::Tenant> Create(const std::string& tenant_id, const v1::Tenant& tenant,
                                    absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Tenant> Get(absl::string_view tenant_id, absl::Time deadline);
  absl::StatusOr<Page<v1::Tenant>> List(const ListQuery& query, absl::Time deadline);
  // Reads the row under a lock, checks `expected_etag` (when not empty: ABORTED on
  // mismatch), lets `mutate` change it, and writes it back with a new revision.
  absl::StatusOr<v1::Tenant> Update(absl::string_view tenant_id, absl::string_view expected_etag,
                                    const std::function<absl::Status(v1::Tenant&)>& mutate,
                                    absl::Time deadline);

  static const ListTable& Table();

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_TENANT_REPOSITORY_H_
