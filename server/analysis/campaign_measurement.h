#ifndef CRM_SERVER_ANALYSIS_CAMPAIGN_MEASUREMENT_H_
#define CRM_SERVER_ANALYSIS_CAMPAIGN_MEASUREMENT_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/time.h"

namespace crm::analysis {

// One arm of a campaign (test = contacted, control = held out), over the attribution
// window: how many members, how many responded, and what all members bought.
struct CampaignArm {
  double members = 0;
  double responders = 0;
  double revenue = 0;
  double margin = 0;
};

// Measured against the control group (DOMAIN.md "Campaigns", measurement).
struct CampaignResult {
  double test_response_rate = 0;     // responders / members
  double control_response_rate = 0;
  // (test rate - control rate) / control rate; unset when the control rate is 0.
  std::optional<double> lift;
  // What the test arm did beyond what the control arm's per-member figures predict:
  // (test per member - control per member) × test members.
  double incremental_responders = 0;
  double incremental_revenue = 0;
  double incremental_margin = 0;
  // (incremental margin - cost) / cost; unset when the cost is 0.
  std::optional<double> roi;
};

CampaignResult MeasureCampaign(const CampaignArm& test, const CampaignArm& control, double cost);

// Event attendees against non-attendees (e.g. VIP evenings): the change of a figure
// (spend, purchase interval) from before to after for attendees, minus the same change
// for non-attendees (a difference in differences).
double BeforeAfterDifference(double attendees_before, double attendees_after, double others_before,
                             double others_after);

// One purchase of a group member in a period.
struct MemberPurchase {
  absl::Time time;
  double amount = 0;
};

// A group of members over one period (before or after an event).
struct GroupPeriodSummary {
  int64_t members = 0;
  int64_t buyers = 0;  // members with at least one purchase in the period
  // Mean of the gaps between consecutive purchases, pooled over the buyers with two
  // or more purchases in the period; 0 when there is no such buyer.
  double mean_purchase_interval_days = 0;
  double spend_per_member = 0;  // total spend / members
};

// `purchases_by_buyer`: each buyer's purchases in the period, any order.
GroupPeriodSummary SummarizeGroupPeriod(int64_t members,
                                        const std::vector<std::vector<MemberPurchase>>& purchases_by_buyer);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_CAMPAIGN_MEASUREMENT_H_
