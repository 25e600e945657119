#ifndef CRM_STORAGE_INTERACTION_REPOSITORY_H_
#define CRM_STORAGE_INTERACTION_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/interaction.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// Interactions of one tenant, and the merged per-contact timeline. Messages arrive
// validated by the service.
class InteractionRepository {
 public:
  explicit InteractionRepository(ConnectionPool& pool) : pool_(pool) {}

  // The contact must be the tenant's (NOT_FOUND otherwise); a replayed `request_id`
  // returns the first interaction.
  absl::StatusOr<v1::Interaction> Log(const TenantId& tenant, const v1::Interaction& interaction,
                                      absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Interaction> Get(const TenantId& tenant, absl::string_view interaction_id,
                                      absl::Time deadline);
  absl::StatusOr<Page<v1::Interaction>> List(const TenantId& tenant, const ListQuery& query,
                                             absl::Time deadline);

  // One contact's purchases, interactions, complaints and lead follow-ups, newest
  // first (ties by resource name, descending), starting after `after` (sort_value = the entry's DATETIME text,
  // id = its full resource name). Each source is read through its
  // (tenant, contact, time) index, page_size + 1 rows at most, and merged here.
  // NOT_FOUND when the tenant has no such contact.
  absl::StatusOr<Page<v1::TimelineEntry>> Timeline(const TenantId& tenant,
                                                   absl::string_view contact_id,
                                                   const std::optional<ListCursor>& after,
                                                   int page_size, absl::Time deadline);

  static const ListTable& Table();

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_INTERACTION_REPOSITORY_H_
