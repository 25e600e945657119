#include "clients/crmctl/report_period.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crm::crmctl {
namespace {

using ::testing::HasSubstr;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone));
  return zone;
}

absl::Time At(int year, int month, int day, int hour, absl::TimeZone zone) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0), zone);
}

// Which civil month of `zone` the period time falls in.
absl::CivilMonth MonthOf(const GapPeriod& period, absl::TimeZone zone) {
  return absl::CivilMonth(absl::ToCivilSecond(period.period_time, zone));
}

TEST(ParseGapPeriodTest, MonthIsTheLastFullMonthInTheTenantsZone) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  // 1 March 01:00 in Shanghai is still February in UTC: the tenant's calendar counts.
  const absl::Time now = At(2026, 3, 1, 1, shanghai);
  absl::StatusOr<GapPeriod> period = ParseGapPeriod("month", now, shanghai);
  ASSERT_TRUE(period.ok()) << period.status();
  EXPECT_EQ(period->kind, crm::v1::PERIOD_KIND_MONTH);
  EXPECT_EQ(MonthOf(*period, shanghai), absl::CivilMonth(2026, 2));
  EXPECT_EQ(period->label, "February 2026");
  EXPECT_LT(period->period_time, now);
}

TEST(ParseGapPeriodTest, JanuaryLooksBackToDecember) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::StatusOr<GapPeriod> period = ParseGapPeriod("month", At(2026, 1, 10, 12, utc), utc);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(MonthOf(*period, utc), absl::CivilMonth(2025, 12));
}

TEST(ParseGapPeriodTest, QuarterAndYear) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time now = At(2026, 2, 10, 12, utc);
  absl::StatusOr<GapPeriod> quarter = ParseGapPeriod("Quarter", now, utc);
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->kind, crm::v1::PERIOD_KIND_QUARTER);
  EXPECT_EQ(quarter->label, "2025 Q4");
  EXPECT_EQ(MonthOf(*quarter, utc), absl::CivilMonth(2025, 11));  // the middle of Q4
  absl::StatusOr<GapPeriod> year = ParseGapPeriod("year", now, utc);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->kind, crm::v1::PERIOD_KIND_YEAR);
  EXPECT_EQ(year->label, "2025");
  EXPECT_EQ(absl::CivilYear(absl::ToCivilSecond(year->period_time, utc)), absl::CivilYear(2025));
}

TEST(ParseGapPeriodTest, ExplicitPeriods) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time now = At(2026, 2, 10, 12, utc);
  absl::StatusOr<GapPeriod> month = ParseGapPeriod("2025-07", now, utc);
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(MonthOf(*month, utc), absl::CivilMonth(2025, 7));
  EXPECT_EQ(month->label, "July 2025");
  absl::StatusOr<GapPeriod> quarter = ParseGapPeriod("2025-q2", now, utc);
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->label, "2025 Q2");
  EXPECT_EQ(quarter->kind, crm::v1::PERIOD_KIND_QUARTER);
  absl::StatusOr<GapPeriod> year = ParseGapPeriod("2024", now, utc);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->kind, crm::v1::PERIOD_KIND_YEAR);
}

TEST(ParseGapPeriodTest, ThePeriodUnderWayIsAskedForAtNow) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time now = At(2026, 2, 3, 12, utc);  // before the middle of February
  absl::StatusOr<GapPeriod> period = ParseGapPeriod("2026-02", now, utc);
  ASSERT_TRUE(period.ok());
  EXPECT_EQ(period->period_time, now);
}

TEST(ParseGapPeriodTest, RejectsFutureAndMalformedPeriods) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::Time now = At(2026, 2, 3, 12, utc);
  for (const char* bad : {"2026-03", "2027", "week", "2025-13", "2025-00", "2025-Q5", "25-01", "2025-1", "", "-2025"}) {
    absl::StatusOr<GapPeriod> period = ParseGapPeriod(bad, now, utc);
    EXPECT_FALSE(period.ok()) << bad;
    EXPECT_EQ(period.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(period.status().message()), HasSubstr("--period")) << bad;
  }
}

}  // namespace
}  // namespace crm::crmctl
