// The whole per-tenant computation on simulated purchases: every part present and
// consistent, failed fits reported as unavailable fields, and no data refused.
#include "server/analysis/value_analysis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace crm::analysis {
namespace {

const absl::Time kAsOf = absl::FromCivil(absl::CivilDay(2026, 11, 1), absl::UTCTimeZone());

// `customers` buyers following BG/NBD in days (first purchase 30..700 days before
// as_of), spending Gamma-distributed amounts with a third as margin; then `prospects`
// customers who never bought.
std::vector<PurchaseRecord> Simulate(int customers, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> rate(0.8, 1.0 / 40);  // about one purchase per 50 days
  std::gamma_distribution<double> beta_a(1.5, 1.0), beta_b(6.0, 1.0);
  std::uniform_int_distribution<int> age(30, 700);
  std::gamma_distribution<double> amount(4.0, 25.0);
  std::vector<PurchaseRecord> purchases;
  for (int c = 0; c < customers; ++c) {
    const double lambda = rate(rng);
    const double ga = beta_a(rng), gb = beta_b(rng);
    std::bernoulli_distribution drop(ga / (ga + gb));
    std::exponential_distribution<double> gap(lambda);
    const double T = age(rng);
    const auto buy = [&](double day) {
      const auto micros = static_cast<int64_t>(amount(rng) * 1e6);
      purchases.push_back({static_cast<uint32_t>(c), kAsOf - absl::Hours(24 * (T - day)) - absl::Hours(1), micros,
                           micros / 3, false});
    };
    buy(0);
    for (double t = gap(rng); t < T; t += gap(rng)) {
      buy(t);
      if (drop(rng)) break;
    }
  }
  return purchases;
}

TEST(ValueAnalysisTest, EveryPartOnSimulatedCustomers) {
  const std::vector<PurchaseRecord> purchases = Simulate(3000, 42);
  ValueAnalysisSettings settings;
  settings.as_of = kAsOf;
  absl::StatusOr<ValueAnalysis> analysis = AnalyzeCustomerValue(purchases, 3000 + 100, settings);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  ASSERT_TRUE(analysis->bgnbd.ok()) << analysis->bgnbd.status();
  ASSERT_TRUE(analysis->gamma_gamma.ok()) << analysis->gamma_gamma.status();
  EXPECT_TRUE(analysis->unavailable.empty());
  int tiers[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < analysis->customers.size(); ++i) {
    const CustomerValue& c = analysis->customers[i];
    ++tiers[static_cast<int>(c.tier)];
    if (i >= 3000) {  // never bought
      EXPECT_EQ(c.tier, ValueTier::kD);
      EXPECT_EQ(c.lifecycle.stage, LifecycleStage::kProspect);
      EXPECT_FALSE(c.p_alive.has_value());
      continue;
    }
    ASSERT_TRUE(c.p_alive.has_value());
    EXPECT_GE(*c.p_alive, 0);
    EXPECT_LE(*c.p_alive, 1);
    ASSERT_TRUE(c.clv_micros.has_value());
    EXPECT_GE(*c.clv_micros, 0);
    EXPECT_NEAR(c.expected_value_micros, c.current_value_micros + *c.clv_micros, 1e-6);
    ASSERT_TRUE(c.additional_value_micros.has_value());
    EXPECT_NEAR(c.current_value_micros + *c.additional_value_micros * *c.p_alive, c.expected_value_micros,
                1e-6 * std::max(1.0, c.expected_value_micros));
    EXPECT_FALSE(c.lifecycle.rule.empty());
  }
  // 15 / 20 / 65 % of the 3,000 buyers (ties could only move a few).
  EXPECT_NEAR(tiers[0], 450, 5);
  EXPECT_NEAR(tiers[1], 600, 5);
  EXPECT_NEAR(tiers[2], 1950, 10);
  EXPECT_EQ(tiers[3], 100);
}

TEST(ValueAnalysisTest, AFailedFitLeavesTheRestAndSaysWhatIsMissing) {
  // Ten buyers: too few for the fits (minimum 30), enough for RFM, ABC and tiers.
  const std::vector<PurchaseRecord> purchases = Simulate(10, 7);
  ValueAnalysisSettings settings;
  settings.as_of = kAsOf;
  settings.window = absl::Hours(24 * 800);
  absl::StatusOr<ValueAnalysis> analysis = AnalyzeCustomerValue(purchases, 10, settings);
  ASSERT_TRUE(analysis.ok()) << analysis.status();
  EXPECT_EQ(analysis->bgnbd.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_EQ(analysis->unavailable.size(), 2u);
  EXPECT_THAT(analysis->unavailable[0], ::testing::HasSubstr("p_alive"));
  EXPECT_THAT(analysis->unavailable[1], ::testing::HasSubstr("at least 30"));
  for (const CustomerValue& c : analysis->customers) {
    EXPECT_GE(c.rfm.r, 1);
    EXPECT_NE(c.abc, AbcClass::kNone);
    EXPECT_FALSE(c.clv_micros.has_value());
    EXPECT_EQ(c.expected_value_micros, c.current_value_micros);
  }
}

TEST(ValueAnalysisTest, NoPurchasesInTheWindowIsAPrecondition) {
  ValueAnalysisSettings settings;
  settings.as_of = kAsOf;
  absl::StatusOr<ValueAnalysis> empty = AnalyzeCustomerValue({}, 5, settings);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(empty.status().message()), ::testing::HasSubstr("no purchases in the window"));
}

}  // namespace
}  // namespace crm::analysis
