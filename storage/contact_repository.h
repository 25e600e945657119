#ifndef CRM_STORAGE_CONTACT_REPOSITORY_H_
#define CRM_STORAGE_CONTACT_REPOSITORY_H_

#include <functional>
#include <optional>
#include <utility>
#include <vector>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/contact.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// What one imported batch of contacts did.
struct ContactImportResult {
  int64_t created = 0;
  int64_t updated = 0;
  std::vector<std::pair<int, absl::Status>> errors;  // (index within the batch, reason)
};

// How LookupContact finds a contact.
enum class ContactLookupKey { kEmail = 1, kPhone = 2, kExternalId = 3 };

// Contacts of one tenant. Messages arrive validated and normalised by the service
// (emails lower-cased, phones in E.164, consents one per channel).
class ContactRepository {
 public:
  explicit ContactRepository(ConnectionPool& pool) : pool_(pool) {}

  // Generates the id. The referenced account must be the tenant's (NOT_FOUND
  // otherwise); a duplicate external_id is ALREADY_EXISTS; a replayed `request_id`
  // returns the contact it created first and writes nothing.
  absl::StatusOr<v1::Contact> Create(const TenantId& tenant, const v1::Contact& contact,
                                     absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Contact> Get(const TenantId& tenant, absl::string_view contact_id,
                                  absl::Time deadline);
  absl::StatusOr<Page<v1::Contact>> List(const TenantId& tenant, const ListQuery& query,
                                         absl::Time deadline);
  // Locks the row, checks `expected_etag` when not empty, applies `mutate`, checks the
  // account reference and writes the result with a new revision.
  absl::StatusOr<v1::Contact> Update(const TenantId& tenant, absl::string_view contact_id,
                                     absl::string_view expected_etag,
                                     const std::function<absl::Status(v1::Contact&)>& mutate,
                                     absl::Time deadline);
  absl::Status Delete(const TenantId& tenant, absl::string_view contact_id,
                      absl::string_view expected_etag, absl::Time deadline);
  // Merges `merged_id` into `survivor_id` in one transaction: both rows are locked,
  // `combine(survivor, merged)` decides the survivor's new fields, the merged contact's
  // history (purchases, interactions) moves to the survivor, the merge is recorded in
  // contact_merges and the merged contact is removed. NOT_FOUND names `survivor` or
  // `merged`. A replayed `request_id` returns the survivor.
  absl::StatusOr<v1::Contact> Merge(
      const TenantId& tenant, absl::string_view survivor_id, absl::string_view merged_id,
      absl::string_view request_id,
      const std::function<absl::Status(v1::Contact&, const v1::Contact&)>& combine,
      absl::Time deadline);

  // Upserts a batch by external id in one transaction: stored contacts with the same
  // external id are locked and replaced, the others created. `prepare(previous, row)`
  // validates and normalises each row (previous is the stored contact or null); rows it
  // rejects, and rows naming an account the tenant does not have, are reported. With
  // `all_or_nothing`, any rejected row means nothing of the batch is written.
  absl::StatusOr<ContactImportResult> ImportBatch(
      const TenantId& tenant, const std::vector<v1::Contact>& rows, bool all_or_nothing,
      const std::function<absl::Status(const v1::Contact*, v1::Contact*)>& prepare,
      absl::Time deadline);

  // The oldest contact with that (normalised) email, phone or external id.
  absl::StatusOr<v1::Contact> Lookup(const TenantId& tenant, ContactLookupKey key,
                                     const std::string& value, absl::Time deadline);

  // Groups of the tenant's contacts sharing an email or phone, in (kind, value) order,
  // starting after `after` (sort_value = kind number, id = value). Served by the
  // contact_identities primary key.
  absl::StatusOr<Page<v1::DuplicateContactGroup>> FindDuplicates(
      const TenantId& tenant, const std::optional<ListCursor>& after, int page_size,
      absl::Time deadline);

  static const ListTable& Table();

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_CONTACT_REPOSITORY_H_
