#include "server/analysis/model_fit.h"

#include <nlopt.h>

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"

namespace crm::analysis {
namespace {

struct Objective {
  const std::function<double(const std::vector<double>&)>* log_likelihood;
  std::vector<double> natural;
  int evaluations = 0;
};

// NLopt minimises over log-parameters; non-finite values become a large penalty so
// the simplex steps back instead of stopping.
double NegativeLogLikelihood(unsigned n, const double* logs, double* /*gradient*/, void* data) {
  auto* objective = static_cast<Objective*>(data);
  ++objective->evaluations;
  for (unsigned i = 0; i < n; ++i) objective->natural[i] = std::exp(logs[i]);
  const double value = (*objective->log_likelihood)(objective->natural);
  if (!std::isfinite(value)) return std::numeric_limits<double>::max() / 4;
  return -value;
}

}  // namespace

absl::StatusOr<ModelFit> MaximizePositive(const std::function<double(const std::vector<double>&)>& log_likelihood,
                                          const std::vector<double>& start, int max_evaluations) {
  const auto n = static_cast<unsigned>(start.size());
  nlopt_opt opt = nlopt_create(NLOPT_LN_SBPLX, n);
  if (opt == nullptr) return absl::InternalError("cannot create the NLopt optimiser");
  Objective objective{&log_likelihood, std::vector<double>(n), 0};
  std::vector<double> logs(n);
  for (unsigned i = 0; i < n; ++i) logs[i] = std::log(start[i]);
  std::vector<double> lower(n, std::log(1e-8)), upper(n, std::log(1e12));
  nlopt_set_lower_bounds(opt, lower.data());
  nlopt_set_upper_bounds(opt, upper.data());
  nlopt_set_min_objective(opt, NegativeLogLikelihood, &objective);
  nlopt_set_xtol_rel(opt, 1e-7);
  nlopt_set_ftol_rel(opt, 1e-10);
  nlopt_set_maxeval(opt, max_evaluations);
  double minimum = 0;
  const nlopt_result result = nlopt_optimize(opt, logs.data(), &minimum);
  nlopt_destroy(opt);
  ModelFit fit;
  fit.iterations = objective.evaluations;
  fit.optimizer_result = nlopt_result_to_string(result);
  if (result < 0) {
    return absl::FailedPreconditionError(absl::StrCat("the fit failed: ", fit.optimizer_result));
  }
  for (unsigned i = 0; i < n; ++i) fit.parameters.push_back(std::exp(logs[i]));
  fit.log_likelihood = log_likelihood(fit.parameters);
  if (!std::isfinite(fit.log_likelihood)) {
    return absl::FailedPreconditionError("the fit failed: the likelihood is not finite at its optimum");
  }
  fit.converged = result == NLOPT_FTOL_REACHED || result == NLOPT_XTOL_REACHED || result == NLOPT_SUCCESS;
  return fit;
}

}  // namespace crm::analysis
