#ifndef CRM_STORAGE_CAMPAIGN_REPOSITORY_H_
#define CRM_STORAGE_CAMPAIGN_REPOSITORY_H_

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/contact.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/sql_fragment.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// Campaign states as stored (the values of v1::Campaign::State).
inline constexpr int kCampaignScheduled = 2;
inline constexpr int kCampaignRunning = 3;

// The compiled filters of a campaign: the audience and each cell's sub-filter, as
// conditions over ContactRepository::Table()'s join (contacts with the current value
// analysis as `v`).
struct AudienceFilterSql {
  SqlFragment audience;
  std::vector<SqlFragment> cells;
};

// One contact as the audience scan sees it.
struct AudienceCandidate {
  std::string contact_id;
  bool in_audience = false;
  std::vector<bool> cell_matches;  // one per cell
  // Consent state by v1::Channel number (index 0 unused).
  std::array<int, 5> consent{};
  std::string first_email;
  std::string first_phone;
  std::string address;
};

// Where a frozen audience member goes.
struct SnapshotMember {
  int cell_index = 0;
  bool control = false;
};

// Decides a candidate's place (nullopt: not in the audience) and counts it in the
// preview tally.
using AssignMember =
    std::function<std::optional<SnapshotMember>(const AudienceCandidate&, v1::AudiencePreview&)>;

// What one AdvanceSnapshot call did.
enum class SnapshotStep {
  kAdvanced,  // a chunk was frozen; more to go
  kDone,      // the snapshot is complete (now or already)
  kBusy,      // another caller holds the campaign: try later
};

// Campaign definitions, their state, and the frozen audience, for one tenant.
// Definitions arrive validated by the service (validation/campaign_rules).
class CampaignRepository {
 public:
  // Test recipients per run.
  static constexpr int kRunSize = 5000;
  // Contacts scanned per snapshot transaction.
  static constexpr int kSnapshotChunk = 5000;

  explicit CampaignRepository(ConnectionPool& pool) : pool_(pool) {}

  // Stores a DRAFT campaign; a replayed `request_id` returns the first one.
  absl::StatusOr<v1::Campaign> Create(const TenantId& tenant, const v1::Campaign& campaign,
                                      absl::string_view request_id, absl::Time deadline);
  absl::StatusOr<v1::Campaign> Get(const TenantId& tenant, absl::string_view campaign_id,
                                   absl::Time deadline);
  absl::StatusOr<Page<v1::Campaign>> List(const TenantId& tenant, const ListQuery& query,
                                          absl::Time deadline);
  // Locks the row, checks `expected_etag` (when not empty), applies `mutate` (which
  // may change the definition and the state) and writes a new revision. A campaign
  // moving to CANCELLED gets its end_time and its open runs cancelled.
  absl::StatusOr<v1::Campaign> Update(const TenantId& tenant, absl::string_view campaign_id,
                                      absl::string_view expected_etag,
                                      const std::function<absl::Status(v1::Campaign&)>& mutate,
                                      absl::Time deadline);
  // Deletes when `may_delete(campaign)` allows it.
  absl::Status Delete(const TenantId& tenant, absl::string_view campaign_id,
                      absl::string_view expected_etag,
                      const std::function<absl::Status(const v1::Campaign&)>& may_delete,
                      absl::Time deadline);

  // Reads up to `limit` contacts after `after` (contact-id order) through the filters
  // and calls `visit` for each. Returns the last contact id read, or nullopt when the
  // scan reached the end.
  absl::StatusOr<std::optional<std::string>> ScanAudience(
      const TenantId& tenant, const AudienceFilterSql& filters, const std::string& after, int limit,
      const std::function<void(const AudienceCandidate&)>& visit, absl::Time deadline);

  // Touches since `since` of each contact, by campaign channel (index 0: all channels).
  absl::StatusOr<std::vector<std::array<int, 6>>> TouchCounts(
      const TenantId& tenant, const std::vector<std::string>& contact_ids, absl::Time since,
      absl::Time deadline);

  // SCHEDULED campaigns whose start time has come, and RUNNING ones whose snapshot is
  // not complete: the ones a ClaimRun has to move on. At most 20.
  absl::StatusOr<std::vector<v1::Campaign>> CampaignsToAdvance(const TenantId& tenant, absl::Time now,
                                                               absl::Time deadline);
  // SCHEDULED → RUNNING (start_time = now) if still SCHEDULED and due; a campaign
  // whose schedule already ended becomes COMPLETED with nothing sent.
  absl::Status Start(const TenantId& tenant, absl::string_view campaign_id, absl::Time now,
                     absl::Time deadline);
  // Freezes the next chunk of a RUNNING campaign's audience: members are stored,
  // test members fill runs of kRunSize, a full run becomes claimable, and the tally is
  // saved. With `stop` (the schedule ended) the snapshot is closed where it is.
  absl::StatusOr<SnapshotStep> AdvanceSnapshot(const TenantId& tenant, absl::string_view campaign_id,
                                               const AudienceFilterSql& filters,
                                               const AssignMember& assign, bool stop,
                                               absl::Time deadline);

  absl::StatusOr<Page<v1::CampaignRun>> ListRuns(const TenantId& tenant, absl::string_view campaign_id,
                                                 int after_run, int page_size, absl::Time deadline);

  // Stores a response of a frozen audience member (NOT_FOUND naming `response.contact`
  // otherwise). A replayed `request_id` returns the first response.
  absl::StatusOr<v1::CampaignResponse> RecordResponse(const TenantId& tenant,
                                                      absl::string_view campaign_id,
                                                      const v1::CampaignResponse& response,
                                                      absl::string_view request_id,
                                                      absl::Time deadline);

  static const ListTable& Table();

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_CAMPAIGN_REPOSITORY_H_
