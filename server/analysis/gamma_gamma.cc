#include "server/analysis/gamma_gamma.h"

#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"

namespace crm::analysis {

double GammaGammaLogLikelihood(const GammaGammaParameters& g, const SpendHistory& h) {
  const double px = g.p * h.x;
  return boost::math::lgamma(px + g.q) - boost::math::lgamma(px) - boost::math::lgamma(g.q) +
         g.q * std::log(g.gamma) + (px - 1) * std::log(h.m) + px * std::log(h.x) -
         (px + g.q) * std::log(g.gamma + h.m * h.x);
}

double GammaGammaExpectedValue(const GammaGammaParameters& g, double x, double m) {
  if (g.q <= 1) return std::numeric_limits<double>::infinity();
  return g.p * (g.gamma + x * m) / (g.p * x + g.q - 1);
}

absl::StatusOr<GammaGammaFit> FitGammaGamma(const std::vector<SpendHistory>& histories, int min_customers) {
  std::vector<SpendHistory> usable;
  double mean = 0;
  for (const SpendHistory& h : histories) {
    if (h.x > 0 && h.m > 0) {
      usable.push_back(h);
      mean += h.m;
    }
  }
  if (static_cast<int>(usable.size()) < min_customers) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Gamma-Gamma needs at least ", min_customers, " repeat customers with spend; there are ",
        usable.size()));
  }
  mean /= static_cast<double>(usable.size());
  // Grouped by x, with log m and log x precomputed: per evaluation the gamma functions
  // are computed once per distinct x and one logarithm per customer.
  struct Term {
    double m, log_m;
  };
  std::map<double, std::vector<Term>> by_x;
  for (const SpendHistory& h : usable) by_x[h.x].push_back({h.m, std::log(h.m)});
  const auto log_likelihood = [&](const std::vector<double>& v) {
    const double p = v[0], q = v[1], gamma = v[2];
    const double shared = q * std::log(gamma) - boost::math::lgamma(q);
    double sum = 0;
    for (const auto& [x, terms] : by_x) {
      const double px = p * x;
      const double per_x = boost::math::lgamma(px + q) - boost::math::lgamma(px) + shared + px * std::log(x);
      for (const Term& term : terms) {
        sum += per_x + (px - 1) * term.log_m - (px + q) * std::log(gamma + term.m * x);
      }
    }
    return sum;
  };
  // Start with a population mean p γ / (q - 1) equal to the data's.
  absl::StatusOr<ModelFit> fit = MaximizePositive(log_likelihood, {1.0, 2.0, mean}, 4000);
  if (!fit.ok()) return fit.status();
  GammaGammaFit out;
  out.params = {fit->parameters[0], fit->parameters[1], fit->parameters[2]};
  out.fit = *std::move(fit);
  return out;
}

}  // namespace crm::analysis
