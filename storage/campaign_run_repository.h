#ifndef CRM_STORAGE_CAMPAIGN_RUN_REPOSITORY_H_
#define CRM_STORAGE_CAMPAIGN_RUN_REPOSITORY_H_

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/scheduler.pb.h"
#include "storage/connection_pool.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// Delivery states of campaign_recipients (storage/migrations/0008_campaigns.sql).
enum class DeliveryState {
  kPending = 0,
  kHandedOut = 1,
  kSent = 2,
  kDelivered = 3,
  kFailed = 4,
  kBounced = 5,
  kSkippedByPolicy = 6,
  kSkippedNoConsent = 7,
  kNotSent = 8,
};

// A run and the lease on it.
struct RunLease {
  std::string campaign_id;
  int run_number = 0;
  v1::CampaignRun run;
  std::string lease_token;
  absl::Time lease_expire_time;
};

// Identifies a run and proves the caller's lease.
struct LeasedRun {
  std::string campaign_id;
  int run_number = 0;
  std::string lease_token;
};

// A recipient about to be handed out, with the contact as it is now (locked) and its
// touches in the contact policy's period.
struct RecipientCandidate {
  std::string contact_id;
  int cell_index = 0;
  int attempts = 0;        // earlier hand-outs (under expired leases)
  bool contact_exists = false;
  std::string display_name;
  std::array<int, 5> consent{};  // by v1::Channel number
  std::string first_email;
  std::string first_phone;
  std::string address;
  std::array<int, 6> touches{};  // by campaign channel; [0] = all channels
};

// What to do with a candidate.
struct HandOutDecision {
  enum class Action { kHandOut, kSkipPolicy, kSkipNoConsent };
  Action action = Action::kHandOut;
  int channel = 0;  // v1::CampaignChannel of the touch
  std::string address;
};

struct FetchedRecipients {
  std::vector<std::pair<RecipientCandidate, HandOutDecision>> handed_out;
  int skipped_by_policy = 0;
  bool exhausted = false;
};

struct ReportOutcome {
  int applied = 0;
  int ignored = 0;
};

// The scheduler side of campaigns: leases on runs, hand-out under the contact policy,
// delivery reports. Every call on a run proves the lease (FAILED_PRECONDITION if the
// token is not the run's current one or the lease expired).
class CampaignRunRepository {
 public:
  explicit CampaignRunRepository(ConnectionPool& pool) : pool_(pool) {}

  // Leases the first claimable run of a RUNNING campaign: expired leases first, then
  // PENDING runs in campaign and run order. nullopt when there is none.
  absl::StatusOr<std::optional<RunLease>> Claim(const TenantId& tenant, absl::string_view scheduler_id,
                                                absl::Duration lease, absl::Time deadline);
  // The checks of a leased call without changing anything (for answers that hand
  // nothing out: paused, quiet hours, schedule ended).
  absl::Status CheckLease(const TenantId& tenant, const LeasedRun& leased, absl::Time deadline);
  absl::StatusOr<RunLease> Renew(const TenantId& tenant, const LeasedRun& leased, absl::Duration lease,
                                 absl::Time deadline);
  // Hands out up to `page_size` recipients not yet handed out under this lease nor
  // reported. Contacts are locked while `decide` runs, so the touch counts it sees
  // hold across concurrent campaigns; handed-out first attempts are recorded as
  // touches in the same transaction.
  absl::StatusOr<FetchedRecipients> Fetch(
      const TenantId& tenant, const LeasedRun& leased, int page_size, absl::Time touches_since,
      const std::function<HandOutDecision(const RecipientCandidate&)>& decide, absl::Time deadline);
  // Applies delivery reports (idempotently). A contact not in the run is NOT_FOUND
  // naming `reports[i]`, one never handed out FAILED_PRECONDITION; nothing is written
  // then. A COMPLETED run still takes DELIVERED/BOUNCED with its last token, a
  // CANCELLED run any report of its last lease.
  absl::StatusOr<ReportOutcome> Report(const TenantId& tenant, const LeasedRun& leased,
                                       const std::vector<v1::DeliveryReport>& reports, absl::Time deadline);
  // Ends the lease now: the run is PENDING again and the token stale.
  absl::StatusOr<v1::CampaignRun> Release(const TenantId& tenant, const LeasedRun& leased, absl::Time deadline);
  // Completes the run. Unless `schedule_ended`, every recipient must be reported or
  // skipped; otherwise the rest become "not sent". The campaign completes with its
  // last run.
  absl::StatusOr<v1::CampaignRun> Complete(const TenantId& tenant, const LeasedRun& leased,
                                           bool schedule_ended, absl::Time deadline);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_CAMPAIGN_RUN_REPOSITORY_H_
