#include "server/analysis/bgnbd.h"

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace crm::analysis {
namespace {

double LogBeta(double a, double b) {
  return boost::math::lgamma(a) + boost::math::lgamma(b) - boost::math::lgamma(a + b);
}

// 2F1(a, b; c; z) for 0 <= z < 1 through Boost.Math's generalised series.
double Hypergeometric2F1(double a, double b, double c, double z) {
  return boost::math::hypergeometric_pFq({a, b}, {c}, z);
}

}  // namespace

double BgNbdLogLikelihood(const BgNbdParameters& p, const RepeatHistory& h) {
  const double common = boost::math::lgamma(p.r + h.x) - boost::math::lgamma(p.r) + p.r * std::log(p.alpha);
  const double term1 = LogBeta(p.a, p.b + h.x) - LogBeta(p.a, p.b) - (p.r + h.x) * std::log(p.alpha + h.T);
  if (h.x <= 0) return common + term1;
  const double term2 =
      LogBeta(p.a + 1, p.b + h.x - 1) - LogBeta(p.a, p.b) - (p.r + h.x) * std::log(p.alpha + h.t_x);
  const double high = std::max(term1, term2);
  return common + high + std::log(std::exp(term1 - high) + std::exp(term2 - high));
}

double BgNbdProbabilityAlive(const BgNbdParameters& p, const RepeatHistory& h) {
  if (h.x <= 0) return 1.0;
  const double log_ratio =
      std::log(p.a / (p.b + h.x - 1)) + (p.r + h.x) * std::log((p.alpha + h.T) / (p.alpha + h.t_x));
  return 1.0 / (1.0 + std::exp(log_ratio));
}

double BgNbdExpectedPurchases(const BgNbdParameters& p, const RepeatHistory& h, double t) {
  if (t <= 0) return 0;
  if (std::abs(p.a - 1) < 1e-9) {
    // (a + b + x - 1) / (a - 1) and the bracket both vanish at a = 1; the expectation is
    // continuous there, so take the mean of the two sides.
    BgNbdParameters below = p, above = p;
    below.a = 1 - 1e-6;
    above.a = 1 + 1e-6;
    return (BgNbdExpectedPurchases(below, h, t) + BgNbdExpectedPurchases(above, h, t)) / 2;
  }
  const double z = t / (p.alpha + h.T + t);
  const double head = (p.a + p.b + h.x - 1) / (p.a - 1);
  const double tail = 1 - std::pow((p.alpha + h.T) / (p.alpha + h.T + t), p.r + h.x) *
                              Hypergeometric2F1(p.r + h.x, p.b + h.x, p.a + p.b + h.x - 1, z);
  const double alive_denominator =
      h.x > 0 ? 1 + (p.a / (p.b + h.x - 1)) * std::pow((p.alpha + h.T) / (p.alpha + h.t_x), p.r + h.x) : 1.0;
  return head * tail / alive_denominator;
}

absl::StatusOr<BgNbdFit> FitBgNbd(const std::vector<RepeatHistory>& histories, int min_customers) {
  if (static_cast<int>(histories.size()) < min_customers) {
    return absl::FailedPreconditionError(absl::StrCat(
        "BG/NBD needs at least ", min_customers, " customers with purchases; there are ", histories.size()));
  }
  std::map<std::tuple<double, double, double>, double> pooled;
  bool any_repeat = false;
  for (const RepeatHistory& h : histories) {
    pooled[{h.x, h.t_x, h.T}] += 1;
    any_repeat = any_repeat || h.x > 0;
  }
  if (!any_repeat) {
    return absl::FailedPreconditionError("BG/NBD needs customers with repeat purchases; none has one");
  }
  // Terms grouped by x: the gamma and beta functions depend on x only, so each
  // evaluation computes them once per distinct x and only logarithms per history.
  struct Term {
    double t_x, T, weight;
  };
  std::map<double, std::vector<Term>> by_x;
  double mean_rate = 0;
  for (const auto& [key, weight] : pooled) {
    const auto& [x, t_x, T] = key;
    by_x[x].push_back({t_x, T, weight});
    mean_rate += weight * (x / std::max(T, 1.0));
  }
  mean_rate /= static_cast<double>(histories.size());
  const auto log_likelihood = [&](const std::vector<double>& v) {
    const double r = v[0], alpha = v[1], a = v[2], b = v[3];
    const double log_alpha = std::log(alpha), lbeta_ab = LogBeta(a, b), lgamma_r = boost::math::lgamma(r);
    double sum = 0;
    for (const auto& [x, terms] : by_x) {
      const double common = boost::math::lgamma(r + x) - lgamma_r + r * log_alpha;
      const double beta1 = LogBeta(a, b + x) - lbeta_ab;
      const double beta2 = x > 0 ? LogBeta(a + 1, b + x - 1) - lbeta_ab : 0;
      for (const Term& term : terms) {
        const double term1 = beta1 - (r + x) * std::log(alpha + term.T);
        double value = term1;
        if (x > 0) {
          const double term2 = beta2 - (r + x) * std::log(alpha + term.t_x);
          const double high = std::max(term1, term2);
          value = high + std::log(std::exp(term1 - high) + std::exp(term2 - high));
        }
        sum += term.weight * (common + value);
      }
    }
    return sum;
  };
  // Start from a rate near the data's (r / α = mean rate) and a mild dropout.
  const double alpha0 = 1.0 / std::max(mean_rate, 1e-4);
  absl::StatusOr<ModelFit> fit = MaximizePositive(log_likelihood, {1.0, alpha0, 1.0, 1.0}, 4000);
  if (!fit.ok()) return fit.status();
  BgNbdFit out;
  out.params = {fit->parameters[0], fit->parameters[1], fit->parameters[2], fit->parameters[3]};
  out.fit = *std::move(fit);
  return out;
}

}  // namespace crm::analysis
