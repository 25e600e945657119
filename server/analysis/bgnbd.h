#ifndef CRM_SERVER_ANALYSIS_BGNBD_H_
#define CRM_SERVER_ANALYSIS_BGNBD_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "server/analysis/model_fit.h"

namespace crm::analysis {

// One customer's purchase history in the model's terms (time unit: days): x repeat
// purchases, the last at t_x, observed for T since the first purchase.
struct RepeatHistory {
  double x = 0;
  double t_x = 0;
  double T = 0;
};

// BG/NBD (Fader, Hardie & Lee 2005): purchase rate λ ~ Gamma(r, α), dropout after each
// purchase with probability p ~ Beta(a, b).
struct BgNbdParameters {
  double r = 0;
  double alpha = 0;
  double a = 0;
  double b = 0;
};

// The log-likelihood of one history (FHL 2005, eq. 6).
double BgNbdLogLikelihood(const BgNbdParameters& params, const RepeatHistory& history);

// P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((α + T) / (α + t_x))^(r + x)).
double BgNbdProbabilityAlive(const BgNbdParameters& params, const RepeatHistory& history);

// E[purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10), with Boost.Math's 2F1.
double BgNbdExpectedPurchases(const BgNbdParameters& params, const RepeatHistory& history, double t);

// Maximum-likelihood fit on the histories (identical ones are pooled, so a million
// customers cost as many likelihood terms as distinct histories). Fewer than
// `min_customers` histories, or none with a repeat purchase, is FAILED_PRECONDITION.
struct BgNbdFit {
  BgNbdParameters params;
  ModelFit fit;
};
absl::StatusOr<BgNbdFit> FitBgNbd(const std::vector<RepeatHistory>& histories, int min_customers = 30);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_BGNBD_H_
