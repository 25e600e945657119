// Lifecycle rules (each rule fires on a hand-made customer) and store clustering.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/analysis/lifecycle.h"
#include "server/analysis/store_clusters.h"

namespace crm::analysis {
namespace {

using ::testing::HasSubstr;

LifecycleInputs Repeat() {
  LifecycleInputs in;
  in.has_purchase = true;
  in.purchase_days = 6;
  in.days_since_first = 400;
  in.recency_days = 20;
  in.usual_interval_days = 60;
  in.p_alive = 0.9;
  in.current_spend = 100;
  in.previous_spend = 100;
  return in;
}

TEST(LifecycleTest, EachRuleFiresAndSaysWhy) {
  const LifecycleSettings s;
  EXPECT_EQ(AssignLifecycleStage(LifecycleInputs{}, s).stage, LifecycleStage::kProspect);

  LifecycleInputs in = Repeat();
  EXPECT_EQ(AssignLifecycleStage(in, s).stage, LifecycleStage::kMaturity);

  in = Repeat();
  in.recency_days = 400;
  LifecycleAssignment a = AssignLifecycleStage(in, s);
  EXPECT_EQ(a.stage, LifecycleStage::kChurned);
  EXPECT_THAT(a.rule, HasSubstr("400 days"));

  in = Repeat();
  in.p_alive = 0.05;
  EXPECT_EQ(AssignLifecycleStage(in, s).stage, LifecycleStage::kChurned);

  in = Repeat();
  in.purchase_days = 1;
  EXPECT_EQ(AssignLifecycleStage(in, s).rule, "one purchase day only");

  in = Repeat();
  in.days_since_first = 45;
  EXPECT_EQ(AssignLifecycleStage(in, s).stage, LifecycleStage::kAcquisition);

  in = Repeat();
  in.p_alive = 0.3;
  EXPECT_EQ(AssignLifecycleStage(in, s).stage, LifecycleStage::kDecline);

  in = Repeat();
  in.current_spend = 70;
  a = AssignLifecycleStage(in, s);
  EXPECT_EQ(a.stage, LifecycleStage::kDecline);
  EXPECT_THAT(a.rule, HasSubstr("spend"));

  in = Repeat();
  in.recency_days = 200;  // > 3 x 60
  a = AssignLifecycleStage(in, s);
  EXPECT_EQ(a.stage, LifecycleStage::kDecline);
  EXPECT_THAT(a.rule, HasSubstr("usual interval"));

  in = Repeat();
  in.current_spend = 130;
  EXPECT_EQ(AssignLifecycleStage(in, s).stage, LifecycleStage::kGrowth);

  // Without a model fit the P(alive) rules are skipped, not guessed.
  in = Repeat();
  in.p_alive.reset();
  EXPECT_EQ(AssignLifecycleStage(in, s).stage, LifecycleStage::kMaturity);
  // Tenant thresholds apply.
  LifecycleSettings strict;
  strict.churn_days = 10;
  EXPECT_EQ(AssignLifecycleStage(Repeat(), strict).stage, LifecycleStage::kChurned);
  EXPECT_STREQ(LifecycleStageName(LifecycleStage::kDecline), "DECLINE");
}

TEST(StoreClustersTest, SeparatesObviousGroupsReproducibly) {
  // Two traffic-led stores (many customers, small orders) and two high-end ones
  // (few customers, large orders); the third feature is constant.
  const std::vector<std::vector<double>> stores = {
      {5000, 40, 1}, {5200, 42, 1}, {800, 400, 1}, {760, 420, 1}};
  absl::StatusOr<StoreClusters> clusters = ClusterStores(stores, 2);
  ASSERT_TRUE(clusters.ok()) << clusters.status();
  const auto& of = clusters->cluster_of_store;
  EXPECT_EQ(of[0], of[1]);
  EXPECT_EQ(of[2], of[3]);
  EXPECT_NE(of[0], of[2]);
  EXPECT_DOUBLE_EQ(clusters->centroids[of[0]][0], 5100);
  EXPECT_DOUBLE_EQ(clusters->centroids[of[2]][1], 410);
  EXPECT_GT(clusters->separation[0], 0.99);
  EXPECT_EQ(clusters->separation[2], 0) << "a constant feature separates nothing";
  absl::StatusOr<StoreClusters> again = ClusterStores(stores, 2);
  EXPECT_EQ(again->cluster_of_store, clusters->cluster_of_store) << "fixed seed: same clusters";
}

TEST(StoreClustersTest, BadInputNamesTheField) {
  EXPECT_THAT(std::string(ClusterStores({{1, 2}, {3, 4}}, 3).status().message()), HasSubstr("k:"));
  EXPECT_EQ(ClusterStores({{1, 2}, {3, 4}}, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ClusterStores({{1, 2}, {3}}, 1).status().message()), HasSubstr("features"));
  EXPECT_EQ(ClusterStores({{1, 2}, {3, 4}, {5, 6}}, 3)->within_sum_of_squares, 0);
}

}  // namespace
}  // namespace crm::analysis
