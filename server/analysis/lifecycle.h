#ifndef CRM_SERVER_ANALYSIS_LIFECYCLE_H_
#define CRM_SERVER_ANALYSIS_LIFECYCLE_H_

#include <optional>
#include <string>

namespace crm::analysis {

// DOMAIN.md "Lifecycle stage".
enum class LifecycleStage { kProspect, kAcquisition, kGrowth, kMaturity, kDecline, kChurned };

// Tenant settings (defaults in brackets).
struct LifecycleSettings {
  int acquisition_days = 90;        // a first purchase this recent is acquisition
  int churn_days = 365;             // no purchase for this long is churned
  double churn_p_alive = 0.1;       // P(alive) below this is churned
  double decline_p_alive = 0.5;     // P(alive) below this is decline
  double overdue_factor = 3.0;      // recency beyond this × the own usual interval is decline
  double growth_ratio = 1.2;        // current-period spend ≥ this × the previous: growth
  double decline_ratio = 0.8;       // current-period spend ≤ this × the previous: decline
};

// What the rules look at for one customer.
struct LifecycleInputs {
  bool has_purchase = false;
  int64_t purchase_days = 0;        // distinct purchase days (x + 1)
  int64_t days_since_first = 0;     // T
  int64_t recency_days = 0;
  double usual_interval_days = 0;   // t_x / x; 0 with one purchase day
  std::optional<double> p_alive;    // unset when the model fit is unavailable
  double current_spend = 0;         // this period
  double previous_spend = 0;        // the period before
};

struct LifecycleAssignment {
  LifecycleStage stage = LifecycleStage::kProspect;
  std::string rule;  // which rule fired, in words, e.g. "no purchase for 400 days (>= 365)"
};

// The first rule that matches, in this order: no purchase (prospect); no purchase for
// churn_days, or P(alive) < churn_p_alive (churned); one purchase day, or a first
// purchase within acquisition_days (acquisition); P(alive) < decline_p_alive, spend
// down to decline_ratio of the previous period, or recency beyond overdue_factor × the
// usual interval (decline); spend up to growth_ratio of the previous period (growth);
// otherwise maturity (repeat buyer, stable, likely alive).
LifecycleAssignment AssignLifecycleStage(const LifecycleInputs& inputs, const LifecycleSettings& settings);

// "PROSPECT", "ACQUISITION", "GROWTH", "MATURITY", "DECLINE", "CHURNED".
const char* LifecycleStageName(LifecycleStage stage);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_LIFECYCLE_H_
