#ifndef CRM_STORAGE_COMPLAINT_REPOSITORY_H_
#define CRM_STORAGE_COMPLAINT_REPOSITORY_H_

#include <cppconn/resultset.h>

#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/complaint.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// Complaints of one tenant. Messages arrive validated by the service, which also owns
// the status machine and the due-time policy.
class ComplaintRepository {
 public:
  explicit ComplaintRepository(ConnectionPool& pool) : pool_(pool) {}

  // The contact must be the tenant's (NOT_FOUND otherwise); a replayed `request_id`
  // returns the first complaint.
  absl::StatusOr<v1::Complaint> Create(const TenantId& tenant, const v1::Complaint& complaint,
                                       absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Complaint> Get(const TenantId& tenant, absl::string_view complaint_id,
                                    absl::Time deadline);
  // `overdue_before`, when set, keeps OPEN / IN_PROGRESS complaints due before it.
  absl::StatusOr<Page<v1::Complaint>> List(const TenantId& tenant, ListQuery query,
                                           std::optional<absl::Time> overdue_before,
                                           absl::Time deadline);
  // Locks the row, checks `expected_etag`, applies `mutate`, writes a new revision.
  absl::StatusOr<v1::Complaint> Update(const TenantId& tenant, absl::string_view complaint_id,
                                       absl::string_view expected_etag,
                                       const std::function<absl::Status(v1::Complaint&)>& mutate,
                                       absl::Time deadline);

  static const ListTable& Table();
  // Decodes a row of Table().columns (for readers that merge complaints with others).
  static v1::Complaint FromRow(sql::ResultSet& row);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_COMPLAINT_REPOSITORY_H_
