#include "clients/crmctl/progress_bar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace crm::crmctl {
namespace {

using ::testing::HasSubstr;

TEST(ProgressFormatTest, CountsGetThousandsSeparators) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-45000), "-45,000");
  EXPECT_EQ(FormatCount(INT64_MIN), "-9,223,372,036,854,775,808");
}

TEST(ProgressFormatTest, DurationsReadLikeAClock) {
  EXPECT_EQ(DurationClockText(absl::ZeroDuration()), "0:00");
  EXPECT_EQ(DurationClockText(absl::Seconds(7)), "0:07");
  EXPECT_EQ(DurationClockText(absl::Seconds(754)), "12:34");
  EXPECT_EQ(DurationClockText(absl::Seconds(3723)), "1:02:03");
  EXPECT_EQ(DurationClockText(absl::Milliseconds(1999)), "0:01");
  EXPECT_EQ(DurationClockText(absl::Seconds(-5)), "0:00");
}

TEST(ProgressFormatTest, EtaIsTheAverageSpeedSoFar) {
  EXPECT_EQ(EstimateRemaining(25, 100, absl::Seconds(10)), absl::Seconds(30));
  EXPECT_EQ(EstimateRemaining(50, 100, absl::Seconds(4)), absl::Seconds(4));
  EXPECT_EQ(EstimateRemaining(100, 100, absl::Seconds(9)), absl::ZeroDuration());
  EXPECT_EQ(EstimateRemaining(0, 100, absl::Seconds(3)), std::nullopt);
  EXPECT_EQ(EstimateRemaining(10, 0, absl::Seconds(3)), std::nullopt);
}

TEST(ProgressFormatTest, TheLineShowsFractionRowsRateAndEta) {
  const std::string line = FormatProgressLine({12340, 450, 1000, absl::Seconds(4)});
  EXPECT_EQ(line, " 45% [#########...........]  12,340 rows  3,085 rows/s  ETA 0:04");
  EXPECT_LE(line.size(), 80u);
  EXPECT_EQ(FormatProgressLine({0, 0, 1000, absl::ZeroDuration()}),
            "  0% [....................]  0 rows  ETA --:--");
  EXPECT_EQ(FormatProgressLine({5, 1000, 1000, absl::Seconds(1)}),
            "100% [####################]  5 rows  5 rows/s  ETA 0:00");
  // Unknown total (an export): just the count and the rate.
  EXPECT_EQ(FormatProgressLine({2000, 0, 0, absl::Seconds(2)}), "2,000 rows  1,000 rows/s");
}

class FakeClock {
 public:
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration step) { now_ += step; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
};

TEST(ProgressBarTest, RedrawsAtMostTenTimesASecondAndClearsAtTheEnd) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, /*bytes_total=*/1000, [&clock] { return clock.Now(); });
  bar.Update(1, 10);  // at once: nothing (quick runs never show a bar)
  EXPECT_EQ(out.str(), "");
  clock.Advance(absl::Milliseconds(100));
  bar.Update(2, 20);
  EXPECT_EQ(out.str(), "\r\033[K  2% [....................]  2 rows  20 rows/s  ETA 0:04");
  out.str("");
  for (int i = 0; i < 9; ++i) {
    clock.Advance(absl::Milliseconds(10));
    bar.Update(3 + i, 30);
  }
  EXPECT_EQ(out.str(), "");  // 90 ms after the last draw
  clock.Advance(absl::Milliseconds(10));
  bar.Update(20, 500);
  EXPECT_THAT(out.str(), HasSubstr(" 50% [##########..........]  20 rows"));
  out.str("");
  bar.Clear();
  EXPECT_EQ(out.str(), "\r\033[K");
  out.str("");
  bar.Clear();  // nothing drawn since: nothing to erase
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressBarTest, WaitingForTheServerShowsAtOnceAndIsClearedToo) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, 100, [&clock] { return clock.Now(); });
  bar.ShowWaiting(50000);
  EXPECT_EQ(out.str(), "\r\033[K50,000 rows sent, waiting for the server to write them...");
  out.str("");
  bar.Clear();
  EXPECT_EQ(out.str(), "\r\033[K");
}

TEST(ProgressBarTest, ClearPrintsNothingWhenNoBarWasDrawn) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(out, 100, [&clock] { return clock.Now(); });
  bar.Update(1, 1);
  bar.Clear();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace crm::crmctl
