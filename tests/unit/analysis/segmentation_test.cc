// RFM, ABC and value tiers (DOMAIN.md), on small cases computed by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/analysis/pareto.h"
#include "server/analysis/rank_scores.h"
#include "server/analysis/rfm.h"
#include "server/analysis/value_tiers.h"

namespace crm::analysis {
namespace {

using ::testing::ElementsAre;

CustomerSummary Active(int64_t recency, int64_t frequency, int64_t monetary) {
  CustomerSummary s;
  s.active = true;
  s.recency_days = recency;
  s.frequency = frequency;
  s.monetary_micros = monetary;
  s.contribution_micros = monetary;
  return s;
}

TEST(QuantileScoresTest, EqualValuesGetEqualScores) {
  EXPECT_THAT(QuantileScores({1, 1, 2, 3, 5}, 5), ElementsAre(1, 1, 3, 4, 5));
  EXPECT_THAT(QuantileScores({7, 7, 7}, 5), ElementsAre(1, 1, 1));
  // Ten distinct values: two per quintile.
  EXPECT_THAT(QuantileScores({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5),
              ElementsAre(5, 5, 4, 4, 3, 3, 2, 2, 1, 1));
}

TEST(RfmTest, ScoresAndSegmentsByHand) {
  const std::vector<CustomerSummary> summaries = {
      Active(10, 1, 100), Active(10, 1, 300), Active(5, 2, 200), Active(1, 3, 50),
      Active(30, 5, 1000), CustomerSummary{}};
  RfmAverages averages;
  const std::vector<RfmScore> scores = ScoreRfm(summaries, &averages);
  EXPECT_DOUBLE_EQ(averages.recency_days, 56.0 / 5);
  EXPECT_DOUBLE_EQ(averages.frequency, 12.0 / 5);
  EXPECT_DOUBLE_EQ(averages.monetary_micros, 1650.0 / 5);
  // Recency: fewer days scores higher; the two 10-day customers tie.
  EXPECT_EQ(scores[0].r, 2);
  EXPECT_EQ(scores[1].r, 2);
  EXPECT_EQ(scores[2].r, 4);
  EXPECT_EQ(scores[3].r, 5);
  EXPECT_EQ(scores[4].r, 1);
  EXPECT_EQ(scores[0].f, 1);
  EXPECT_EQ(scores[1].f, 1);
  EXPECT_EQ(scores[4].f, 5);
  EXPECT_EQ(scores[4].m, 5);
  EXPECT_EQ(scores[3].m, 1);
  EXPECT_EQ(scores[4].segment, RfmSegment::kImportantKeep);   // R 30 > 11.2, F 5 > 2.4, M 1000 > 330
  EXPECT_EQ(scores[3].segment, RfmSegment::kGeneralValue);    // recent, frequent, small
  EXPECT_EQ(scores[1].segment, RfmSegment::kGeneralDevelop);  // recent, once, 300 < 330
  EXPECT_EQ(scores[5].segment, RfmSegment::kNone);
  EXPECT_EQ(scores[5].r, 0);
  EXPECT_EQ(RfmSegmentName(RfmSegment::kImportantWinBack), "IMPORTANT_WINBACK");
}

TEST(RfmTest, AllEightSegments) {
  // Averages: recency 50, frequency 5, monetary 500.
  const std::vector<CustomerSummary> summaries = {
      Active(10, 9, 900), Active(10, 1, 900), Active(90, 9, 900), Active(90, 1, 900),
      Active(10, 9, 100), Active(10, 1, 100), Active(90, 9, 100), Active(90, 1, 100)};
  const std::vector<RfmScore> scores = ScoreRfm(summaries, nullptr);
  std::vector<RfmSegment> segments;
  for (const RfmScore& score : scores) segments.push_back(score.segment);
  EXPECT_THAT(segments, ElementsAre(RfmSegment::kImportantValue, RfmSegment::kImportantDevelop,
                                    RfmSegment::kImportantKeep, RfmSegment::kImportantWinBack,
                                    RfmSegment::kGeneralValue, RfmSegment::kGeneralDevelop,
                                    RfmSegment::kGeneralKeep, RfmSegment::kGeneralWinBack));
}

TEST(AbcTest, ClassesByCumulativeContribution) {
  std::vector<CustomerSummary> summaries = {Active(1, 1, 50), Active(1, 1, 30), Active(1, 1, 10),
                                            Active(1, 1, 5),  Active(1, 1, 5),  Active(1, 1, -3),
                                            CustomerSummary{}};
  EXPECT_THAT(ClassifyAbc(summaries, {}),
              ElementsAre(AbcClass::kA, AbcClass::kA, AbcClass::kB, AbcClass::kB, AbcClass::kB,
                          AbcClass::kC, AbcClass::kNone));
  // One dominant customer: A alone; ties at the top share A.
  EXPECT_THAT(ClassifyAbc({Active(1, 1, 90), Active(1, 1, 5), Active(1, 1, 5)}, {}),
              ElementsAre(AbcClass::kA, AbcClass::kB, AbcClass::kB));
  EXPECT_THAT(ClassifyAbc({Active(1, 1, 40), Active(1, 1, 40), Active(1, 1, 20)}, {}),
              ElementsAre(AbcClass::kA, AbcClass::kA, AbcClass::kB));
  // Tenant thresholds.
  EXPECT_THAT(ClassifyAbc({Active(1, 1, 50), Active(1, 1, 30), Active(1, 1, 20)}, {0.5, 0.8}),
              ElementsAre(AbcClass::kA, AbcClass::kB, AbcClass::kC));
}

TEST(AbcTest, ParetoCurve) {
  const std::vector<CustomerSummary> summaries = {Active(1, 1, 5), Active(1, 1, 50), Active(1, 1, 10),
                                                  Active(1, 1, 30), Active(1, 1, 5)};
  const std::vector<ParetoPoint> curve = ParetoCurve(summaries, 5);
  ASSERT_EQ(curve.size(), 5u);
  EXPECT_DOUBLE_EQ(curve[0].contribution_share, 0.5);
  EXPECT_DOUBLE_EQ(curve[1].contribution_share, 0.8);
  EXPECT_DOUBLE_EQ(curve[2].contribution_share, 0.9);
  EXPECT_DOUBLE_EQ(curve[3].contribution_share, 0.95);
  EXPECT_DOUBLE_EQ(curve[4].contribution_share, 1.0);
  EXPECT_DOUBLE_EQ(curve[4].customer_share, 1.0);
}

TEST(ValueTierTest, FifteenTwentySixtyFiveAndProspects) {
  EXPECT_DOUBLE_EQ(ExpectedValue(100, 400, 0.25), 200);
  std::vector<double> ev;
  std::vector<bool> customer;
  for (int i = 20; i >= 1; --i) {
    ev.push_back(i);
    customer.push_back(true);
  }
  ev.push_back(1000);  // a prospect's EV does not rank it
  customer.push_back(false);
  const std::vector<ValueTier> tiers = AssignValueTiers(ev, customer, {});
  int counts[4] = {0, 0, 0, 0};
  for (ValueTier tier : tiers) ++counts[static_cast<int>(tier)];
  EXPECT_EQ(counts[0], 3);   // 15 % of 20
  EXPECT_EQ(counts[1], 4);   // next 20 %
  EXPECT_EQ(counts[2], 13);  // remaining 65 %
  EXPECT_EQ(counts[3], 1);
  EXPECT_EQ(tiers[0], ValueTier::kA);
  EXPECT_EQ(tiers[20], ValueTier::kD);
  // Equal EVs share a tier even across the boundary.
  const std::vector<ValueTier> tied = AssignValueTiers({5, 5, 5, 1}, {true, true, true, true}, {});
  EXPECT_THAT(tied, ElementsAre(ValueTier::kA, ValueTier::kA, ValueTier::kA, ValueTier::kC));
}

}  // namespace
}  // namespace crm::analysis
