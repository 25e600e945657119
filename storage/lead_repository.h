#ifndef CRM_STORAGE_LEAD_REPOSITORY_H_
#define CRM_STORAGE_LEAD_REPOSITORY_H_

#include <cppconn/resultset.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/lead.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// The funnel figures of one source, as stored: counts of the leads created in a
// range, and every converted lead's time to convert.
struct LeadSourceCounts {
  v1::Lead::Source source = v1::Lead::SOURCE_UNSPECIFIED;
  int64_t created = 0;
  int64_t contacted = 0;
  int64_t converted = 0;
  int64_t invalid = 0;
  std::vector<std::pair<v1::Lead::InvalidReason, int64_t>> invalid_reasons;
  std::vector<absl::Duration> times_to_convert;
};

// What the no-contact sweep writes into each lead it invalidates.
struct UnreachedLeadRule {
  absl::Time last_contact_before;  // ACTIVE leads last reached before this
  absl::Time now;                  // becomes invalid_time and update_time
  absl::Time revisit_time;
  std::string note;
};

// Leads and their follow-ups, for one tenant. Messages arrive validated by the
// service, which owns the status rules and passes them in as `mutate` callbacks;
// the repository keeps each change in one transaction with the row locked.
class LeadRepository {
 public:
  explicit LeadRepository(ConnectionPool& pool) : pool_(pool) {}

  // The contact must be the tenant's (NOT_FOUND otherwise); a replayed `request_id`
  // returns the first lead.
  absl::StatusOr<v1::Lead> Create(const TenantId& tenant, const v1::Lead& lead,
                                  absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Lead> Get(const TenantId& tenant, absl::string_view lead_id,
                               absl::Time deadline);
  absl::StatusOr<Page<v1::Lead>> List(const TenantId& tenant, const ListQuery& query,
                                      absl::Time deadline);
  // ACTIVE leads whose next follow-up is due before `due_before`, within `query`
  // (sorted by SortKey::kNextFollowUpTime).
  absl::StatusOr<Page<v1::Lead>> ListDue(const TenantId& tenant, ListQuery query,
                                         absl::Time due_before, absl::Time deadline);
  // Locks the row, checks `expected_etag`, applies `mutate`, writes a new revision.
  absl::StatusOr<v1::Lead> Update(const TenantId& tenant, absl::string_view lead_id,
                                  absl::string_view expected_etag,
                                  const std::function<absl::Status(v1::Lead&)>& mutate,
                                  absl::Time deadline);

  // Stores `follow_up` for the lead and applies `mutate(lead, follow_up)` to the
  // locked lead, in one transaction. A replayed `request_id` returns the first
  // follow-up with the lead as it is now.
  absl::StatusOr<std::pair<v1::LeadFollowUp, v1::Lead>> RecordFollowUp(
      const TenantId& tenant, absl::string_view lead_id, const v1::LeadFollowUp& follow_up,
      absl::string_view request_id,
      const std::function<absl::Status(v1::Lead&, const v1::LeadFollowUp&)>& mutate,
      absl::Time deadline);

  // Invalidates the tenant's ACTIVE leads last reached before the rule's cutoff (in
  // bounded batches, so no transaction locks many rows). Returns how many.
  absl::StatusOr<int64_t> InvalidateUnreached(const TenantId& tenant, const UnreachedLeadRule& rule,
                                              absl::Time deadline);

  // Funnel figures of the leads created in [start, end), one entry per source that
  // has any.
  absl::StatusOr<std::vector<LeadSourceCounts>> Funnel(const TenantId& tenant, absl::Time start,
                                                       absl::Time end, absl::Time deadline);

  static const ListTable& Table();
  // The follow-up table, for readers that merge follow-ups with other history.
  static const ListTable& FollowUpTable();
  static v1::LeadFollowUp FollowUpFromRow(sql::ResultSet& row);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_LEAD_REPOSITORY_H_
