#ifndef CRM_SERVER_SERVICES_CAMPAIGN_RESULTS_H_
#define CRM_SERVER_SERVICES_CAMPAIGN_RESULTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/campaign.pb.h"
#include "storage/analysis_sources.h"
#include "storage/campaign_results_source.h"

namespace crm::server {

// GetCampaignResults for a started campaign, as of `now` (docs/campaigns.md
// "Results"): delivery counts from the frozen audience, responders of both arms in
// their attribution windows, test against control per cell and in total
// (analysis::MeasureCampaign), the share of the promoted sales, the daily buyers and,
// for TYPE_EVENT, attendees against non-attendees.
absl::StatusOr<v1::CampaignResults> ComputeCampaignResults(storage::CampaignResultsSource& source,
                                                           storage::AnalysisSources& purchases,
                                                           const storage::TenantId& tenant,
                                                           const std::string& campaign_id,
                                                           const v1::Campaign& campaign,
                                                           const std::string& currency, absl::Time now,
                                                           absl::Time deadline);

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_CAMPAIGN_RESULTS_H_
