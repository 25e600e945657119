#include "clients/crmctl/svg_format.h"

#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crm::crmctl {
namespace {

using ::testing::ElementsAre;

TEST(XmlEscapeTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(XmlEscape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(XmlEscape("Café 北京"), "Café 北京");
}

TEST(FormatNumberTest, GroupsThousandsAndRounds) {
  EXPECT_EQ(FormatNumber(1234567.891, 2), "1,234,567.89");
  EXPECT_EQ(FormatNumber(-1234.5, 1), "-1,234.5");
  EXPECT_EQ(FormatNumber(999, 0), "999");
  EXPECT_EQ(FormatNumber(1000, 0), "1,000");
  EXPECT_EQ(FormatNumber(-0.001, 2), "0.00");
}

TEST(FormatNumberTest, NonFiniteIsADash) {
  EXPECT_EQ(FormatNumber(std::nan(""), 2), "\xE2\x80\x93");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity(), 0), "\xE2\x80\x93");
  EXPECT_EQ(FormatPercent(std::nan("")), "\xE2\x80\x93");
  EXPECT_EQ(FormatCompact(std::nan("")), "\xE2\x80\x93");
}

TEST(FormatCompactTest, ShortensLargeNumbers) {
  EXPECT_EQ(FormatCompact(0), "0");
  EXPECT_EQ(FormatCompact(0.25), "0.25");
  EXPECT_EQ(FormatCompact(12.5), "12.5");
  EXPECT_EQ(FormatCompact(950), "950");
  EXPECT_EQ(FormatCompact(1234), "1.2k");
  EXPECT_EQ(FormatCompact(5000), "5k");
  EXPECT_EQ(FormatCompact(56000), "56k");
  EXPECT_EQ(FormatCompact(999950), "1M");
  EXPECT_EQ(FormatCompact(3400000), "3.4M");
  EXPECT_EQ(FormatCompact(2.1e9), "2.1B");
  EXPECT_EQ(FormatCompact(-1500), "-1.5k");
}

TEST(FormatMoneyTest, PutsTheCurrencyFirst) {
  EXPECT_EQ(FormatMoney(1234.5, "CNY"), "CNY 1,234.50");
  EXPECT_EQ(FormatMoney(-3, "EUR", 0), "EUR -3");
  EXPECT_EQ(FormatMoney(7.126, ""), "7.13");
}

TEST(FormatPercentTest, ScalesShares) {
  EXPECT_EQ(FormatPercent(0.1234), "12.3%");
  EXPECT_EQ(FormatPercent(1), "100.0%");
  EXPECT_EQ(FormatPercent(0.5, 0), "50%");
}

TEST(NiceTicksTest, RoundsOutToNiceSteps) {
  const AxisTicks ticks = NiceTicks(0, 97);
  EXPECT_EQ(ticks.lo, 0);
  EXPECT_EQ(ticks.hi, 100);
  EXPECT_EQ(ticks.step, 20);
  EXPECT_THAT(ticks.values, ElementsAre(0, 20, 40, 60, 80, 100));
}

TEST(NiceTicksTest, FractionsAndNegativeRanges) {
  const AxisTicks shares = NiceTicks(0, 1);
  EXPECT_DOUBLE_EQ(shares.step, 0.2);
  EXPECT_EQ(shares.values.size(), 6u);
  EXPECT_DOUBLE_EQ(shares.values.back(), 1);

  const AxisTicks mixed = NiceTicks(-35, 80);
  EXPECT_LE(mixed.lo, -35);
  EXPECT_GE(mixed.hi, 80);
  EXPECT_THAT(mixed.values, ::testing::Contains(0.0));
  for (size_t i = 1; i < mixed.values.size(); ++i) {
    EXPECT_NEAR(mixed.values[i] - mixed.values[i - 1], mixed.step, 1e-9);
  }
}

TEST(NiceTicksTest, StepsAreOneTwoOrFiveTimesAPowerOfTen) {
  for (double max : {0.003, 0.7, 3.0, 13.0, 260.0, 4321.0, 98765.0, 1.5e7}) {
    const AxisTicks ticks = NiceTicks(0, max);
    const double mantissa = ticks.step / std::pow(10.0, std::floor(std::log10(ticks.step) + 1e-9));
    EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-6 || std::fabs(mantissa - 2) < 1e-6 || std::fabs(mantissa - 5) < 1e-6)
        << max << " gave step " << ticks.step;
    EXPECT_GE(ticks.hi, max);
    EXPECT_LE(ticks.values.size(), 11u);
    EXPECT_GE(ticks.values.size(), 3u);
  }
}

TEST(NiceTicksTest, DegenerateRangesStillGiveAnAxis) {
  const AxisTicks one_value = NiceTicks(5, 5);
  EXPECT_EQ(one_value.lo, 0);
  EXPECT_GE(one_value.hi, 5);
  const AxisTicks zero = NiceTicks(0, 0);
  EXPECT_EQ(zero.lo, 0);
  EXPECT_EQ(zero.hi, 1);
  const AxisTicks broken = NiceTicks(std::nan(""), 3);
  EXPECT_TRUE(std::isfinite(broken.lo) && std::isfinite(broken.hi));
  EXPECT_GT(broken.step, 0);
  const AxisTicks reversed = NiceTicks(10, 0);
  EXPECT_EQ(reversed.lo, 0);
  EXPECT_EQ(reversed.hi, 10);
}

TEST(FormatTickTest, PicksDecimalsAndSuffixForTheAxis) {
  const AxisTicks thousands = NiceTicks(0, 5000);
  EXPECT_EQ(FormatTick(1000, thousands), "1,000");
  const AxisTicks large = NiceTicks(0, 50000);
  EXPECT_EQ(FormatTick(10000, large), "10k");
  const AxisTicks millions = NiceTicks(0, 1.8e6);
  EXPECT_EQ(millions.step, 500000);
  EXPECT_EQ(FormatTick(500000, millions), "0.5M");
  EXPECT_EQ(FormatTick(2e6, millions), "2.0M");
  const AxisTicks shares = NiceTicks(0, 1);
  EXPECT_EQ(FormatTick(0.2, shares), "0.2");
  EXPECT_EQ(FormatTick(0, shares), "0");
}

}  // namespace
}  // namespace crm::crmctl
