#ifndef CRM_SERVER_VALIDATION_CAMPAIGN_RULES_H_
#define CRM_SERVER_VALIDATION_CAMPAIGN_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/v1/campaign.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "storage/campaign_repository.h"

// What a campaign must hold and how it may move (DOMAIN.md "Campaigns",
// docs/campaigns.md). Pure functions over the messages.
namespace crm::server {

inline constexpr int kMaxCampaignCells = 20;
inline constexpr int kDefaultAttributionWindowDays = 30;

// Checks and normalises a campaign definition: texts, objective, type, cells (1..20,
// unique names, a channel each), schedule (end after start, at most 366 days, a
// known time zone; default the tenant's), control percent 0..50, touch costs
// (non-negative, in `currency`, one per channel), response categories, the window
// (0 → 30) and, for TYPE_EVENT, the event time. Filters are compiled against the
// ListContacts whitelist so a bad one fails here, naming the field.
absl::Status NormalizeCampaign(const std::string& currency, const std::string& tenant_time_zone,
                               v1::Campaign* campaign);

// The audience and cell filters compiled to SQL over ContactRepository::Table().
absl::StatusOr<storage::AudienceFilterSql> CompileAudience(const v1::Campaign& campaign);

// Whether `from` may move to `to` (FAILED_PRECONDITION naming both otherwise).
absl::Status CheckCampaignTransition(v1::Campaign::State from, v1::Campaign::State to);

// The paths UpdateCampaign accepts.
const std::vector<std::string>& CampaignWritablePaths();

// Refuses changes the campaign's state does not allow: the audience once started,
// anything but texts once COMPLETED or CANCELLED. `before` is the stored campaign.
absl::Status CheckCampaignUpdate(const v1::Campaign& before, const v1::Campaign& after);

// The cost of one touch on `channel` (0 when not listed), in micros.
int64_t TouchCostMicros(const v1::Campaign& campaign, v1::CampaignChannel channel);

// The attribution window in days (default applied).
int AttributionWindowDays(const v1::Campaign& campaign);

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_CAMPAIGN_RULES_H_
