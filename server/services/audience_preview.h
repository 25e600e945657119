#ifndef CRM_SERVER_SERVICES_AUDIENCE_PREVIEW_H_
#define CRM_SERVER_SERVICES_AUDIENCE_PREVIEW_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/campaign.pb.h"
#include "server/validation/contact_policy_rules.h"
#include "storage/campaign_repository.h"

namespace crm::server {

// Counts a campaign's audience as a snapshot taken now would freeze it, plus the test
// members the contact policy would skip if handed out now. Scans the tenant's
// contacts in chunks within `deadline`. `campaign_id` seeds the control draw (empty
// for an unsaved definition: the counts are then an estimate of the control split).
absl::StatusOr<v1::AudiencePreview> CountAudience(storage::CampaignRepository& campaigns,
                                                  const storage::TenantId& tenant, const v1::Campaign& campaign,
                                                  const std::string& campaign_id,
                                                  const EffectiveContactPolicy& policy, absl::Time deadline);

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_AUDIENCE_PREVIEW_H_
