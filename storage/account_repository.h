#ifndef CRM_STORAGE_ACCOUNT_REPOSITORY_H_
#define CRM_STORAGE_ACCOUNT_REPOSITORY_H_

#include <functional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/account.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// Accounts of one tenant. Messages arrive validated and normalised by the service;
// money is in the tenant's currency and stored in micros.
class AccountRepository {
 public:
  explicit AccountRepository(ConnectionPool& pool) : pool_(pool) {}

  // Generates the id. ALREADY_EXISTS on a duplicate external_id. A replayed
  // `request_id` returns the account it created first and writes nothing.
  absl::StatusOr<v1::Account> Create(const TenantId& tenant, const v1::Account& account,
                                     absl::string_view request_id, absl::Time deadline);
  // NOT_FOUND when the tenant has no such account (whoever else may have it).
  absl::StatusOr<v1::Account> Get(const TenantId& tenant, absl::string_view account_id,
                                  absl::Time deadline);
  absl::StatusOr<Page<v1::Account>> List(const TenantId& tenant, const ListQuery& query,
                                         absl::Time deadline);
  // Locks the row, checks `expected_etag` when not empty (ABORTED on mismatch), applies
  // `mutate` and writes the result with a new revision.
  absl::StatusOr<v1::Account> Update(const TenantId& tenant, absl::string_view account_id,
                                     absl::string_view expected_etag,
                                     const std::function<absl::Status(v1::Account&)>& mutate,
                                     absl::Time deadline);
  // Deletes the account and clears `account` on the contacts that pointed to it.
  absl::Status Delete(const TenantId& tenant, absl::string_view account_id,
                      absl::string_view expected_etag, absl::Time deadline);

  static const ListTable& Table();

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_ACCOUNT_REPOSITORY_H_
