#include "server/analysis/lifecycle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::analysis {

const char* LifecycleStageName(LifecycleStage stage) {
  switch (stage) {
    case LifecycleStage::kProspect: return "PROSPECT";
    case LifecycleStage::kAcquisition: return "ACQUISITION";
    case LifecycleStage::kGrowth: return "GROWTH";
    case LifecycleStage::kMaturity: return "MATURITY";
    case LifecycleStage::kDecline: return "DECLINE";
    case LifecycleStage::kChurned: return "CHURNED";
  }
  return "PROSPECT";
}

LifecycleAssignment AssignLifecycleStage(const LifecycleInputs& in, const LifecycleSettings& s) {
  using Stage = LifecycleStage;
  if (!in.has_purchase) return {Stage::kProspect, "no purchase"};
  if (in.recency_days >= s.churn_days) {
    return {Stage::kChurned, absl::StrCat("no purchase for ", in.recency_days, " days (>= ", s.churn_days, ")")};
  }
  if (in.p_alive && *in.p_alive < s.churn_p_alive) {
    return {Stage::kChurned, absl::StrFormat("P(alive) %.3f < %.3f", *in.p_alive, s.churn_p_alive)};
  }
  if (in.purchase_days <= 1) return {Stage::kAcquisition, "one purchase day only"};
  if (in.days_since_first <= s.acquisition_days) {
    return {Stage::kAcquisition,
            absl::StrCat("first purchase ", in.days_since_first, " days ago (<= ", s.acquisition_days, ")")};
  }
  if (in.p_alive && *in.p_alive < s.decline_p_alive) {
    return {Stage::kDecline, absl::StrFormat("P(alive) %.3f < %.3f", *in.p_alive, s.decline_p_alive)};
  }
  if (in.previous_spend > 0 && in.current_spend <= s.decline_ratio * in.previous_spend) {
    return {Stage::kDecline, absl::StrFormat("spend %.2f <= %.2f x previous %.2f", in.current_spend,
                                             s.decline_ratio, in.previous_spend)};
  }
  if (in.usual_interval_days > 0 &&
      static_cast<double>(in.recency_days) > s.overdue_factor * in.usual_interval_days) {
    return {Stage::kDecline, absl::StrFormat("%d days since the last purchase > %.1f x usual interval %.1f",
                                             in.recency_days, s.overdue_factor, in.usual_interval_days)};
  }
  if (in.previous_spend > 0 && in.current_spend >= s.growth_ratio * in.previous_spend) {
    return {Stage::kGrowth, absl::StrFormat("spend %.2f >= %.2f x previous %.2f", in.current_spend,
                                            s.growth_ratio, in.previous_spend)};
  }
  return {Stage::kMaturity, "repeat buyer, stable spend, likely alive"};
}

}  // namespace crm::analysis
