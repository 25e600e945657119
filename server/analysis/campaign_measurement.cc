#include "server/analysis/campaign_measurement.h"

#include <algorithm>

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

GroupPeriodSummary SummarizeGroupPeriod(int64_t members,
                                        const std::vector<std::vector<MemberPurchase>>& purchases_by_buyer) {
  GroupPeriodSummary summary;
  summary.members = members;
  double spend = 0;
  double gap_days = 0;
  int64_t gaps = 0;
  for (std::vector<MemberPurchase> purchases : purchases_by_buyer) {
    if (purchases.empty()) continue;
    ++summary.buyers;
    std::sort(purchases.begin(), purchases.end(),
              [](const MemberPurchase& a, const MemberPurchase& b) { return a.time < b.time; });
    for (size_t i = 0; i < purchases.size(); ++i) {
      spend += purchases[i].amount;
      if (i > 0) {
        gap_days += absl::ToDoubleHours(purchases[i].time - purchases[i - 1].time) / 24.0;
        ++gaps;
      }
    }
  }
  summary.mean_purchase_interval_days = gaps > 0 ? gap_days / static_cast<double>(gaps) : 0;
  summary.spend_per_member = PerMember(spend, static_cast<double>(members));
  return summary;
}

}  // namespace crm::analysis
