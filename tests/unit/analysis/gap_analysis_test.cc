// Period-over-period gap analysis on a hand-computed case: February against January.
#include "server/analysis/gap_analysis.h"

#include <gtest/gtest.h>

namespace crm::analysis {
namespace {

absl::Time Day(int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()); }

StoreTransaction Sale(std::optional<uint32_t> customer, int32_t store, absl::Time time, int64_t amount) {
  return StoreTransaction{customer, store, time, amount};
}

class GapAnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto periods = PeriodAndPrevious(Day(2026, 2, 14), PeriodKind::kMonth, absl::UTCTimeZone());
    current_ = periods.first;
    previous_ = periods.second;
    transactions_ = {
        // c0: old (first in December), managed by store 1: once in January, twice in February.
        Sale(0, 1, Day(2025, 12, 5), 90), Sale(0, 1, Day(2026, 1, 10), 100),
        Sale(0, 1, Day(2026, 2, 3), 50), Sale(0, 1, Day(2026, 2, 20), 70),
        // c1: new in January at store 2, unmanaged; once in February.
        Sale(1, 2, Day(2026, 1, 15), 200), Sale(1, 2, Day(2026, 2, 11), 80),
        // c2: new in February, managed by store 1, twice.
        Sale(2, 1, Day(2026, 2, 1), 30), Sale(2, 1, Day(2026, 2, 25), 30),
        // c3: old, bought in January at store 2, lost in February.
        Sale(3, 2, Day(2025, 11, 1), 10), Sale(3, 2, Day(2026, 1, 20), 60),
        // Unrecorded sales.
        Sale(std::nullopt, 1, Day(2026, 2, 8), 40), Sale(std::nullopt, 2, Day(2026, 1, 8), 10),
        // March: after the period, ignored.
        Sale(0, 1, Day(2026, 3, 1), 999)};
    managing_store_ = {1, -1, 1, -1};
  }

  PeriodRange current_, previous_;
  std::vector<StoreTransaction> transactions_;
  std::vector<int32_t> managing_store_;
};

TEST_F(GapAnalysisTest, PeriodsAreCalendarMonthsQuartersAndYears) {
  EXPECT_EQ(current_.start, Day(2026, 2, 1));
  EXPECT_EQ(current_.end, Day(2026, 3, 1));
  EXPECT_EQ(previous_.start, Day(2026, 1, 1));
  const auto quarter = PeriodAndPrevious(Day(2026, 5, 20), PeriodKind::kQuarter, absl::UTCTimeZone());
  EXPECT_EQ(quarter.first.start, Day(2026, 4, 1));
  EXPECT_EQ(quarter.second.start, Day(2026, 1, 1));
  const auto year = PeriodAndPrevious(Day(2026, 5, 20), PeriodKind::kYear, absl::UTCTimeZone());
  EXPECT_EQ(year.second.start, Day(2025, 1, 1));
  EXPECT_EQ(year.first.end, Day(2027, 1, 1));
}

TEST_F(GapAnalysisTest, OverallFiguresAndRates) {
  const GapAnalysis gaps = AnalyzeGaps(transactions_, managing_store_, current_, previous_);
  const GapFigures& feb = gaps.overall.current;
  EXPECT_EQ(feb.active_customers, 3);
  EXPECT_EQ(feb.new_customers, 1);
  EXPECT_EQ(feb.old_customers, 2);
  EXPECT_EQ(feb.transactions, 6);
  EXPECT_EQ(feb.unrecorded_transactions, 1);
  EXPECT_EQ(feb.sales_micros, 300);
  EXPECT_DOUBLE_EQ(feb.purchases_per_customer, 5.0 / 3);
  EXPECT_DOUBLE_EQ(feb.average_order_value_micros, 52);
  // Recorded sales = customers x purchases per customer x average order value.
  EXPECT_NEAR(feb.active_customers * feb.purchases_per_customer * feb.average_order_value_micros,
              static_cast<double>(feb.sales_micros - feb.unrecorded_sales_micros), 1e-9);
  EXPECT_DOUBLE_EQ(feb.new_repeat_rate, 1.0);
  EXPECT_DOUBLE_EQ(feb.old_repeat_rate, 0.5);
  EXPECT_DOUBLE_EQ(feb.new_purchase_frequency, 2.0);
  EXPECT_DOUBLE_EQ(feb.old_purchase_frequency, 1.5);
  EXPECT_DOUBLE_EQ(feb.managed_share, 2.0 / 3);
  EXPECT_DOUBLE_EQ(feb.managed_repeat_rate_at_own_store, 1.0);
  EXPECT_DOUBLE_EQ(feb.aov_managed_new_micros, 30);
  EXPECT_DOUBLE_EQ(feb.aov_managed_old_micros, 60);
  EXPECT_DOUBLE_EQ(feb.aov_unmanaged_old_micros, 80);
  EXPECT_DOUBLE_EQ(feb.aov_unrecorded_micros, 40);

  const GapFigures& jan = gaps.overall.previous;
  EXPECT_EQ(jan.active_customers, 3);
  EXPECT_EQ(jan.new_customers, 1);
  EXPECT_EQ(jan.sales_micros, 100 + 200 + 60 + 10);
  EXPECT_DOUBLE_EQ(gaps.overall.recruitment_rate, 1.0 / 3);
  EXPECT_DOUBLE_EQ(gaps.overall.old_retention_rate, 0.5);  // c0 stayed, c3 did not
  EXPECT_DOUBLE_EQ(gaps.overall.new_retention_rate, 1.0);  // c1 came back
}

TEST_F(GapAnalysisTest, PerStoreCountsOnlyThatStore) {
  const GapAnalysis gaps = AnalyzeGaps(transactions_, managing_store_, current_, previous_);
  ASSERT_TRUE(gaps.by_store.contains(1));
  ASSERT_TRUE(gaps.by_store.contains(2));
  const GapComparison& one = gaps.by_store.at(1);
  EXPECT_EQ(one.current.active_customers, 2);
  EXPECT_EQ(one.current.new_customers, 1);
  EXPECT_DOUBLE_EQ(one.current.managed_share, 1.0);
  EXPECT_EQ(one.current.sales_micros, 50 + 70 + 30 + 30 + 40);
  EXPECT_DOUBLE_EQ(one.recruitment_rate, 1.0);
  EXPECT_DOUBLE_EQ(one.old_retention_rate, 1.0);
  const GapComparison& two = gaps.by_store.at(2);
  EXPECT_EQ(two.current.active_customers, 1);
  EXPECT_EQ(two.current.old_customers, 1) << "c1 is new to the brand in January, so old in February";
  EXPECT_DOUBLE_EQ(two.recruitment_rate, 0.0);
  EXPECT_DOUBLE_EQ(two.old_retention_rate, 0.0);
  EXPECT_DOUBLE_EQ(two.new_retention_rate, 1.0);
  EXPECT_DOUBLE_EQ(two.current.managed_share, 0.0);
}

}  // namespace
}  // namespace crm::analysis
