// Customer summaries (DOMAIN.md "Customer summary"), computed by hand below.
#include "server/analysis/customer_summary.h"

#include <gtest/gtest.h>

#include "server/analysis/value_tiers.h"

namespace crm::analysis {
namespace {

absl::Time Utc(int y, int m, int d, int hour = 12) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hour, 0, 0), absl::UTCTimeZone());
}

PurchaseRecord Buy(uint32_t customer, absl::Time time, int64_t amount, std::optional<int64_t> margin = {},
                   bool refund = false) {
  return PurchaseRecord{customer, time, amount, margin, refund};
}

TEST(CustomerSummaryTest, HandComputedCustomer) {
  const SummaryOptions options{Utc(2026, 3, 10, 0), Utc(2025, 3, 10, 0), absl::UTCTimeZone()};
  const std::vector<PurchaseRecord> purchases = {
      Buy(0, Utc(2026, 2, 1), 30, 10),
      Buy(0, Utc(2026, 1, 1, 9), 100),
      Buy(0, Utc(2026, 1, 1, 18), 50),             // same day as the first: one purchase day
      Buy(0, Utc(2026, 3, 1), 20),
      Buy(0, Utc(2026, 3, 5), 10, {}, /*refund=*/true),
      Buy(1, Utc(2024, 6, 1), 999),                // before the window
      Buy(2, Utc(2026, 3, 9), 40),
      Buy(2, Utc(2026, 3, 10, 1), 40),             // at or after as_of: ignored
      Buy(7, Utc(2026, 3, 1), 5),                  // unknown customer index: ignored
  };
  const std::vector<CustomerSummary> s = SummarizeCustomers(purchases, 3, options);
  ASSERT_EQ(s.size(), 3u);

  EXPECT_TRUE(s[0].active);
  EXPECT_EQ(s[0].frequency, 4);                  // refunds are not purchases
  EXPECT_EQ(s[0].monetary_micros, 100 + 50 + 30 + 20 - 10);
  EXPECT_EQ(s[0].contribution_micros, 100 + 50 + 10 + 20 - 10);
  EXPECT_EQ(s[0].recency_days, 9);               // Mar 1 -> Mar 10
  EXPECT_EQ(s[0].x, 2);                          // days Jan 1, Feb 1, Mar 1
  EXPECT_EQ(s[0].t_x, 59);                       // Jan 1 -> Mar 1 (31 + 28)
  EXPECT_EQ(s[0].T, 68);                         // Jan 1 -> Mar 10
  EXPECT_DOUBLE_EQ(s[0].mean_repeat_amount_micros, (30 + 20) / 2.0);
  EXPECT_DOUBLE_EQ(s[0].mean_repeat_margin_micros, (10 + 20) / 2.0);

  EXPECT_FALSE(s[1].active);
  EXPECT_EQ(s[1].frequency, 0);

  EXPECT_TRUE(s[2].active);
  EXPECT_EQ(s[2].x, 0);
  EXPECT_EQ(s[2].t_x, 0);
  EXPECT_EQ(s[2].T, 1);
  EXPECT_EQ(s[2].recency_days, 1);
  EXPECT_EQ(s[2].mean_repeat_amount_micros, 0);
}

TEST(CustomerSummaryTest, CalendarDaysAreTheTenantsTimeZone) {
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  // 20:00 UTC on Jan 1 and 01:00 UTC on Jan 2 are both Jan 2 in Shanghai (UTC+8).
  const std::vector<PurchaseRecord> purchases = {Buy(0, Utc(2026, 1, 1, 20), 10),
                                                 Buy(0, Utc(2026, 1, 2, 1), 10)};
  const SummaryOptions utc{Utc(2026, 1, 10), Utc(2025, 1, 1), absl::UTCTimeZone()};
  const SummaryOptions local{Utc(2026, 1, 10), Utc(2025, 1, 1), shanghai};
  EXPECT_EQ(SummarizeCustomers(purchases, 1, utc)[0].x, 1);
  EXPECT_EQ(SummarizeCustomers(purchases, 1, local)[0].x, 0);
}

TEST(ValuesByPeriodTest, HistoricalBeforeCurrentStartCurrentAfter) {
  const std::vector<PurchaseRecord> purchases = {
      Buy(0, Utc(2025, 1, 1), 100, 40), Buy(0, Utc(2026, 2, 1), 80),
      Buy(0, Utc(2026, 2, 2), 30, 12, /*refund=*/true), Buy(1, Utc(2026, 4, 1), 500)};
  const std::vector<PeriodValues> values = ValuesByPeriod(purchases, 2, Utc(2026, 1, 1), Utc(2026, 3, 1));
  EXPECT_EQ(values[0].historical_micros, 40);
  EXPECT_EQ(values[0].current_micros, 80 - 12);
  EXPECT_EQ(values[1].current_micros, 0) << "after as_of";
}

}  // namespace
}  // namespace crm::analysis
