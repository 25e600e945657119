#ifndef CRM_SERVER_ANALYSIS_MODEL_FIT_H_
#define CRM_SERVER_ANALYSIS_MODEL_FIT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace crm::analysis {

// What a maximum-likelihood fit reports (issue 4: parameters, log-likelihood,
// iterations and convergence).
struct ModelFit {
  std::vector<double> parameters;   // in the model's natural units
  double log_likelihood = 0;        // at the parameters, summed over the data
  int iterations = 0;               // likelihood evaluations
  bool converged = false;           // the optimiser met its tolerance
  std::string optimizer_result;     // NLopt's result name
};

// Maximises `log_likelihood(parameters)` over positive parameters with NLopt's
// derivative-free Sbplx on their logarithms, from `start`. Fails (never returns a
// made-up fit) when the optimiser fails or the likelihood is not finite there.
absl::StatusOr<ModelFit> MaximizePositive(const std::function<double(const std::vector<double>&)>& log_likelihood,
                                          const std::vector<double>& start, int max_evaluations);

}  // namespace crm::analysis

#endif  // CRM_SERVER_ANALYSIS_MODEL_FIT_H_
