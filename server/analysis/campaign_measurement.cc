#include "server/analysis/campaign_measurement.h"

namespace crm::analysis {
namespace {

double PerMember(double total, double members) { return members > 0 ? total / members : 0; }

}  // namespace

CampaignResult MeasureCampaign(const CampaignArm& test, const CampaignArm& control, double cost) {
  CampaignResult result;
  result.test_response_rate = PerMember(test.responders, test.members);
  result.control_response_rate = PerMember(control.responders, control.members);
  if (result.control_response_rate > 0) {
    result.lift = (result.test_response_rate - result.control_response_rate) / result.control_response_rate;
  }
  result.incremental_responders = (result.test_response_rate - result.control_response_rate) * test.members;
  result.incremental_revenue =
      (PerMember(test.revenue, test.members) - PerMember(control.revenue, control.members)) * test.members;
  result.incremental_margin =
      (PerMember(test.margin, test.members) - PerMember(control.margin, control.members)) * test.members;
  if (cost > 0) result.roi = (result.incremental_margin - cost) / cost;
  return result;
}

double BeforeAfterDifference(double attendees_before, double attendees_after, double others_before,
                             double others_after) {
  return (attendees_after - attendees_before) - (others_after - others_before);
}

}  // namespace crm::analysis
