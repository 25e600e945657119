#ifndef CRM_SERVER_ANALYSIS_GAMMA_GAMMA_H_
#define CRM_SERVER_ANALYSIS_GAMMA_GAMMA_H_

#include <vector>

#include "absl/status/statusor.h"
#include "server/analysis/model_fit.h"

namespace crm::analysis {

// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"): transaction values
// ~ Gamma(p, ν), ν ~ Gamma(q, γ). Fitted on repeat customers: x repeat transactions
// with mean value m.
struct SpendHistory {
  double x = 0;  // > 0
  double m = 0;  // > 0
};

struct GammaGammaParameters {
  double p = 0;
  double q = 0;
  double gamma = 0;
};

double GammaGammaLogLikelihood(const GammaGammaParameters& params, const SpendHistory& history);

// E[value per transaction | x, m] = p (γ + x m) / (p x + q - 1); needs q > 1
// (otherwise +inf). With x = 0 it is the population mean p γ / (q - 1).
double GammaGammaExpectedValue(const GammaGammaParameters& params, double x, double m);

// Maximum-likelihood fit; fewer than `min_customers` repeat customers (x > 0, m > 0)
// is FAILED_PRECONDITION.
struct GammaGammaFit {
  GammaGammaParameters params;
  ModelFit fit;
};
absl::StatusOr<GammaGammaFit> FitGammaGamma(const std::vector<SpendHistory>& histories, int min_customers = 30);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_GAMMA_GAMMA_H_
