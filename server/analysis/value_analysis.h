#ifndef CRM_SERVER_ANALYSIS_VALUE_ANALYSIS_H_
#define CRM_SERVER_ANALYSIS_VALUE_ANALYSIS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/analysis/bgnbd.h"
#include "server/analysis/customer_summary.h"
#include "server/analysis/gamma_gamma.h"
#include "server/analysis/lifecycle.h"
#include "server/analysis/pareto.h"
#include "server/analysis/rfm.h"
#include "server/analysis/value_tiers.h"

namespace crm::analysis {

// Everything a run is parameterised by (tenant settings and the request).
struct ValueAnalysisSettings {
  absl::Time as_of;
  absl::Duration window = absl::Hours(24 * 365);          // RFM / ABC window, ending at as_of
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::Duration current_period = absl::Hours(24 * 365);  // CB / CV period, ending at as_of
  AbcThresholds abc;
  TierShares tiers;
  int clv_horizon_months = 12;
  double monthly_discount_rate = 0.01;
  LifecycleSettings lifecycle;
  int min_fit_customers = 30;
};

// One customer's results. Model-based fields are unset when their model is unavailable.
struct CustomerValue {
  CustomerSummary window;       // RFM / ABC inputs (purchases in the window)
  CustomerSummary history;      // all purchases before as_of (model and lifecycle inputs)
  RfmScore rfm;
  AbcClass abc = AbcClass::kNone;
  ValueTier tier = ValueTier::kD;
  double current_value_micros = 0;     // CV = CB: margin in the current period
  double historical_value_micros = 0;  // HV: margin before the current period
  std::optional<double> p_alive;
  std::optional<double> expected_purchases;  // over the CLV horizon
  std::optional<double> clv_micros;          // PV: discounted expected margin over the horizon
  // AV: the expected margin if the relationship continues = CLV / P(alive), so that
  // EV = CB + AV × P = CB + CLV. Unset with the models; EV is then CB.
  std::optional<double> additional_value_micros;
  double expected_value_micros = 0;
  LifecycleAssignment lifecycle;
};

struct ValueAnalysis {
  std::vector<CustomerValue> customers;  // index = customer
  RfmAverages rfm_averages;
  int64_t customers_with_purchases = 0;  // in the window
  absl::StatusOr<BgNbdFit> bgnbd = absl::UnknownError("not run");
  absl::StatusOr<GammaGammaFit> gamma_gamma = absl::UnknownError("not run");
  // Fields that could not be computed, each with the reason (e.g. a failed fit).
  std::vector<std::string> unavailable;
};

// The whole per-tenant computation over in-memory purchases: summaries, RFM, ABC, both
// model fits (on the full history up to as_of; Gamma-Gamma on repeat margins), P(alive),
// expected purchases and CLV over the horizon, EV and tiers, HV/CV/PV and lifecycle.
// No purchase in the window is FAILED_PRECONDITION; a failed model fit leaves the rest
// and lists what is unavailable.
absl::StatusOr<ValueAnalysis> AnalyzeCustomerValue(const std::vector<PurchaseRecord>& purchases,
                                                   size_t customer_count,
                                                   const ValueAnalysisSettings& settings);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_VALUE_ANALYSIS_H_
