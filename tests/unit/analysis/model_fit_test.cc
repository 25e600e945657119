// BG/NBD, Gamma-Gamma and CLV: formulas checked by hand and against the published
// example, and fits that recover the parameters of data simulated with each model's own
// generative process (fixed seeds, sample sizes and tolerances stated per test).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "server/analysis/bgnbd.h"
#include "server/analysis/clv.h"
#include "server/analysis/gamma_gamma.h"

namespace crm::analysis {
namespace {

TEST(BgNbdTest, LogLikelihoodMatchesTheFormulaByHand) {
  const BgNbdParameters p{0.5, 10, 0.8, 2.5};
  // x = 0: r ln(α / (α + T)).
  EXPECT_NEAR(BgNbdLogLikelihood(p, {0, 0, 30}), 0.5 * std::log(10.0 / 40.0), 1e-12);
  // x = 2, t_x = 20, T = 30, directly in the non-log form (FHL 2005, eq. 6).
  const double x = 2, t_x = 20, T = 30;
  const auto beta = [](double a, double b) { return std::tgamma(a) * std::tgamma(b) / std::tgamma(a + b); };
  const double common = std::tgamma(p.r + x) * std::pow(p.alpha, p.r) / std::tgamma(p.r);
  const double likelihood =
      common * (beta(p.a, p.b + x) / beta(p.a, p.b) / std::pow(p.alpha + T, p.r + x) +
                beta(p.a + 1, p.b + x - 1) / beta(p.a, p.b) / std::pow(p.alpha + t_x, p.r + x));
  EXPECT_NEAR(BgNbdLogLikelihood(p, {x, t_x, T}), std::log(likelihood), 1e-10);
}

TEST(BgNbdTest, PublishedCdnowExample) {
  // Fader, Hardie & Lee (2005), CDNOW sample, time in weeks: r = 0.243, α = 4.414,
  // a = 0.793, b = 2.426; a customer with x = 2, t_x = 30.43, T = 38.86 is expected to
  // make 1.226 purchases in the next 39 weeks.
  const BgNbdParameters cdnow{0.243, 4.414, 0.793, 2.426};
  EXPECT_NEAR(BgNbdExpectedPurchases(cdnow, {2, 30.43, 38.86}, 39), 1.226, 0.002);
  // a = 1 exactly is the continuous limit of its neighbours.
  const BgNbdParameters one{0.243, 4.414, 1.0, 2.426};
  const BgNbdParameters near{0.243, 4.414, 1.001, 2.426};
  EXPECT_NEAR(BgNbdExpectedPurchases(one, {2, 30.43, 38.86}, 39),
              BgNbdExpectedPurchases(near, {2, 30.43, 38.86}, 39), 1e-3);
}

TEST(BgNbdTest, ProbabilityAlive) {
  const BgNbdParameters p{0.5, 10, 0.8, 2.5};
  EXPECT_DOUBLE_EQ(BgNbdProbabilityAlive(p, {0, 0, 100}), 1.0);
  // x = 3, t_x = 50, T = 60: 1 / (1 + 0.8 / 4.5 × (70 / 60)^3.5).
  EXPECT_NEAR(BgNbdProbabilityAlive(p, {3, 50, 60}), 1.0 / (1.0 + 0.8 / 4.5 * std::pow(70.0 / 60.0, 3.5)), 1e-12);
  // The longer since the last purchase, the less likely alive.
  EXPECT_GT(BgNbdProbabilityAlive(p, {3, 50, 60}), BgNbdProbabilityAlive(p, {3, 50, 200}));
}

// Simulates BG/NBD histories in whole days: λ ~ Gamma(r, α), p ~ Beta(a, b); from the
// first purchase at day 0, exponential gaps; after each repeat purchase the customer
// drops out with probability p.
std::vector<RepeatHistory> SimulateBgNbd(const BgNbdParameters& truth, int customers, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> rate(truth.r, 1.0 / truth.alpha);
  std::gamma_distribution<double> beta_a(truth.a, 1.0), beta_b(truth.b, 1.0);
  std::uniform_int_distribution<int> observed(180, 540);
  std::vector<RepeatHistory> histories;
  for (int i = 0; i < customers; ++i) {
    const double lambda = rate(rng);
    const double ga = beta_a(rng), gb = beta_b(rng);
    const double p = ga / (ga + gb);
    const double T = observed(rng);
    std::exponential_distribution<double> gap(lambda);
    std::bernoulli_distribution drop(p);
    double t = 0;
    RepeatHistory h{0, 0, T};
    while (true) {
      t += gap(rng);
      if (t > T) break;
      h.x += 1;
      h.t_x = std::floor(t);
      if (drop(rng)) break;
    }
    histories.push_back(h);
  }
  return histories;
}

TEST(BgNbdTest, FitRecoversSimulatedParameters) {
  // 20,000 customers; each parameter within 15 % of the truth.
  const BgNbdParameters truth{0.6, 12.0, 0.9, 3.0};
  const std::vector<RepeatHistory> histories = SimulateBgNbd(truth, 20000, 20261123);
  absl::StatusOr<BgNbdFit> fit = FitBgNbd(histories);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_TRUE(fit->fit.converged) << fit->fit.optimizer_result;
  EXPECT_GT(fit->fit.iterations, 0);
  EXPECT_NEAR(fit->params.r, truth.r, 0.15 * truth.r);
  EXPECT_NEAR(fit->params.alpha, truth.alpha, 0.15 * truth.alpha);
  EXPECT_NEAR(fit->params.a, truth.a, 0.15 * truth.a);
  EXPECT_NEAR(fit->params.b, truth.b, 0.15 * truth.b);
  // The fit's pooled likelihood is the per-customer formula summed, and the optimum is
  // at least as likely as the truth.
  double at_fit = 0, at_truth = 0;
  for (const RepeatHistory& h : histories) {
    at_fit += BgNbdLogLikelihood(fit->params, h);
    at_truth += BgNbdLogLikelihood(truth, h);
  }
  EXPECT_NEAR(fit->fit.log_likelihood, at_fit, 1e-6 * std::abs(at_fit));
  EXPECT_GE(fit->fit.log_likelihood, at_truth - 1e-6);
}

TEST(BgNbdTest, TooLittleDataIsAPreconditionNotAFit) {
  EXPECT_EQ(FitBgNbd({{1, 5, 10}, {0, 0, 10}}).status().code(), absl::StatusCode::kFailedPrecondition);
  std::vector<RepeatHistory> one_timers(100, RepeatHistory{0, 0, 50});
  EXPECT_EQ(FitBgNbd(one_timers).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(GammaGammaTest, FitRecoversSimulatedParametersAndExpectation) {
  // 20,000 repeat customers with 1 + Poisson(3) transactions; each parameter within 20 %.
  const GammaGammaParameters truth{6.0, 4.0, 15.0};
  std::mt19937_64 rng(7);
  std::gamma_distribution<double> nu_dist(truth.q, 1.0 / truth.gamma);
  std::poisson_distribution<int> extra(3.0);
  std::vector<SpendHistory> histories;
  for (int i = 0; i < 20000; ++i) {
    const double nu = nu_dist(rng);
    const int x = 1 + extra(rng);
    std::gamma_distribution<double> value(truth.p, 1.0 / nu);
    double sum = 0;
    for (int k = 0; k < x; ++k) sum += value(rng);
    histories.push_back({static_cast<double>(x), sum / x});
  }
  absl::StatusOr<GammaGammaFit> fit = FitGammaGamma(histories);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_TRUE(fit->fit.converged) << fit->fit.optimizer_result;
  EXPECT_NEAR(fit->params.p, truth.p, 0.2 * truth.p);
  EXPECT_NEAR(fit->params.q, truth.q, 0.2 * truth.q);
  EXPECT_NEAR(fit->params.gamma, truth.gamma, 0.2 * truth.gamma);
  double at_fit = 0;
  for (const SpendHistory& h : histories) at_fit += GammaGammaLogLikelihood(fit->params, h);
  EXPECT_NEAR(fit->fit.log_likelihood, at_fit, 1e-6 * std::abs(at_fit));
  // E[value | x, m] is a weighted mean of the population mean and the customer's own.
  const double population = truth.p * truth.gamma / (truth.q - 1);
  const double own = 50;
  const double expected = GammaGammaExpectedValue(truth, 4, own);
  EXPECT_NEAR(expected, truth.p * (truth.gamma + 4 * own) / (truth.p * 4 + truth.q - 1), 1e-12);
  EXPECT_GT(expected, population);
  EXPECT_LT(expected, own);
  EXPECT_EQ(FitGammaGamma({{2, 10}, {3, 20}}).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ClvTest, MatchesADirectSumAndTelescopesWithoutDiscount) {
  const BgNbdParameters p{0.6, 12.0, 1.9, 3.0};
  const RepeatHistory h{4, 150, 200};
  // Without discounting the monthly increments add up to E[Y(H months)].
  EXPECT_NEAR(DiscountedClv(p, h, 80, 12, 0.0), 80 * BgNbdExpectedPurchases(p, h, 12 * kDaysPerMonth), 1e-9);
  // With 1 % a month: the sum written out.
  double direct = 0;
  for (int i = 1; i <= 24; ++i) {
    const double month = BgNbdExpectedPurchases(p, h, i * kDaysPerMonth) -
                         BgNbdExpectedPurchases(p, h, (i - 1) * kDaysPerMonth);
    direct += month * 80 / std::pow(1.01, i);
  }
  EXPECT_NEAR(DiscountedClv(p, h, 80, 24, 0.01), direct, 1e-9);
  EXPECT_LT(DiscountedClv(p, h, 80, 24, 0.01), DiscountedClv(p, h, 80, 24, 0.0));
}

}  // namespace
}  // namespace crm::analysis
