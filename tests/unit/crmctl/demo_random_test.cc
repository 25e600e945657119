// The demo generator's own randomness (clients/crmctl/demo_random.h).
#include "clients/crmctl/demo_random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

namespace crm::crmctl {
namespace {

TEST(DemoRandomTest, SameSeedSameStream) {
  DemoRandom a(99);
  DemoRandom b(99);
  DemoRandom c(100);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(DemoRandomTest, KnownValuesPinTheStreams) {
  // A change here changes every seeded tenant: a seeding would no longer recognise
  // (and skip) what an earlier crmctl seeded, and would add a second dataset.
  EXPECT_EQ(DemoHash(2026, "contact", 0), 10226768284549166629ULL);
  EXPECT_EQ(DemoRequestId(2026, "campaign", 0), "ea966b57-d6ee-83b8-8f8f-54b160c2e8f8");
  EXPECT_EQ(DemoRandom(2026).Next(), 10583478199052185109ULL);
  EXPECT_NE(DemoHash(2026, "contact", 0), DemoHash(2026, "contact", 1));
  EXPECT_NE(DemoHash(2026, "contact", 0), DemoHash(2026, "purchases", 0));
  EXPECT_NE(DemoHash(2026, "contact", 0), DemoHash(2027, "contact", 0));
}

TEST(DemoRandomTest, RequestIdsAreUuidShapedAndDistinct) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (uint64_t i = 0; i < 2000; ++i) {
    const std::string id = DemoRequestId(7, "lead", i);
    EXPECT_EQ(id.size(), 36u);
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
  EXPECT_NE(DemoRequestId(7, "lead", 1), DemoRequestId(7, "complaint", 1));
  EXPECT_NE(DemoRequestId(7, "lead", 1), DemoRequestId(8, "lead", 1));
}

TEST(DemoRandomTest, DistributionsHaveTheirMeans) {
  DemoRandom random(1);
  constexpr int kDraws = 200'000;
  double uniform = 0, exponential = 0, normal = 0, normal_sq = 0, gamma = 0, small_gamma = 0, beta = 0;
  int64_t between = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = random.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    uniform += u;
    exponential += random.Exponential(4.0);
    const double z = random.Normal();
    normal += z;
    normal_sq += z * z;
    gamma += random.Gamma(3.0, 2.0);
    small_gamma += random.Gamma(0.5, 2.0);
    const double b = random.Beta(1.0, 12.0);
    ASSERT_GT(b, 0.0);
    ASSERT_LT(b, 1.0);
    beta += b;
    const int64_t k = random.Between(3, 5);
    ASSERT_GE(k, 3);
    ASSERT_LE(k, 5);
    between += k;
  }
  EXPECT_NEAR(uniform / kDraws, 0.5, 0.005);
  EXPECT_NEAR(exponential / kDraws, 0.25, 0.005);
  EXPECT_NEAR(normal / kDraws, 0.0, 0.01);
  EXPECT_NEAR(normal_sq / kDraws, 1.0, 0.02);
  EXPECT_NEAR(gamma / kDraws, 6.0, 0.05);
  EXPECT_NEAR(small_gamma / kDraws, 1.0, 0.02);
  EXPECT_NEAR(beta / kDraws, 1.0 / 13.0, 0.002);
  EXPECT_NEAR(static_cast<double>(between) / kDraws, 4.0, 0.01);
}

TEST(DemoRandomTest, PickFollowsTheWeightsAndNeverPicksAZeroWeight) {
  DemoRandom random(5);
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 100'000; ++i) ++counts[random.Pick({1.0, 0.0, 3.0, 0.0})];
  EXPECT_EQ(counts[1], 0);
  EXPECT_EQ(counts[3], 0);
  EXPECT_NEAR(counts[2] / 100'000.0, 0.75, 0.01);
}

}  // namespace
}  // namespace crm::crmctl
