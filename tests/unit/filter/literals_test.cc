#include "server/filter/literals.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::filter::internal {
namespace {

using ::testing::HasSubstr;

// The error text of a failed conversion ("" if it succeeded).
template <typename T>
std::string Reason(const absl::StatusOr<T>& value) {
  return std::string(value.status().message());
}

TEST(Int64LiteralTest, Valid) {
  EXPECT_EQ(*ParseInt64Literal("0"), 0);
  EXPECT_EQ(*ParseInt64Literal("42"), 42);
  EXPECT_EQ(*ParseInt64Literal("-42"), -42);
  EXPECT_EQ(*ParseInt64Literal("007"), 7);
  EXPECT_EQ(*ParseInt64Literal("9223372036854775807"),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*ParseInt64Literal("-9223372036854775808"),
            std::numeric_limits<int64_t>::min());
}

TEST(Int64LiteralTest, Invalid) {
  for (const char* text :
       {"", "-", "1.5", "1e3", "12abc", "1-2", "--1", "+1"}) {
    absl::StatusOr<int64_t> value = ParseInt64Literal(text);
    EXPECT_FALSE(value.ok()) << text;
    EXPECT_THAT(Reason(value), HasSubstr("whole number")) << text;
  }
  EXPECT_THAT(Reason(ParseInt64Literal("9223372036854775808")),
              HasSubstr("64-bit integer range"));
  EXPECT_THAT(Reason(ParseInt64Literal("-9223372036854775809")),
              HasSubstr("64-bit integer range"));
}

TEST(DoubleLiteralTest, Valid) {
  EXPECT_DOUBLE_EQ(*ParseDoubleLiteral("0"), 0.0);
  EXPECT_DOUBLE_EQ(*ParseDoubleLiteral("12.5"), 12.5);
  EXPECT_DOUBLE_EQ(*ParseDoubleLiteral("-0.25"), -0.25);
  EXPECT_DOUBLE_EQ(*ParseDoubleLiteral("1e3"), 1000.0);
  EXPECT_DOUBLE_EQ(*ParseDoubleLiteral("2.5E-2"), 0.025);
}

TEST(DoubleLiteralTest, Invalid) {
  for (const char* text : {"", "-", "1.", "1.e3", "1e", "1e-", "abc", "1.2.3",
                           "nan", "inf", "0x10", "1e+3"}) {
    EXPECT_FALSE(ParseDoubleLiteral(text).ok()) << text;
  }
  EXPECT_THAT(Reason(ParseDoubleLiteral("1e999")), HasSubstr("range"));
}

TEST(MoneyLiteralTest, ConvertsExactlyToMicros) {
  EXPECT_EQ(*ParseMoneyMicrosLiteral("0"), 0);
  EXPECT_EQ(*ParseMoneyMicrosLiteral("1000"), 1'000'000'000);
  EXPECT_EQ(*ParseMoneyMicrosLiteral("12.5"), 12'500'000);
  EXPECT_EQ(*ParseMoneyMicrosLiteral("0.000001"), 1);
  EXPECT_EQ(*ParseMoneyMicrosLiteral("-3.14"), -3'140'000);
  // 0.1 + 0.2 style binary rounding must not happen.
  EXPECT_EQ(*ParseMoneyMicrosLiteral("0.3"), 300'000);
  EXPECT_EQ(*ParseMoneyMicrosLiteral("9223372036854.775807"),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*ParseMoneyMicrosLiteral("-9223372036854.775808"),
            std::numeric_limits<int64_t>::min());
}

TEST(MoneyLiteralTest, Invalid) {
  EXPECT_THAT(Reason(ParseMoneyMicrosLiteral("1.0000001")),
              HasSubstr("more than 6 decimal places"));
  EXPECT_THAT(Reason(ParseMoneyMicrosLiteral("9223372036854.775808")),
              HasSubstr("too large"));
  EXPECT_THAT(Reason(ParseMoneyMicrosLiteral("9223372036855")),
              HasSubstr("too large"));
  EXPECT_THAT(Reason(ParseMoneyMicrosLiteral("99999999999999999999999")),
              HasSubstr("too large"));
  EXPECT_THAT(Reason(ParseMoneyMicrosLiteral("-9223372036854.775809")),
              HasSubstr("too large"));
  for (const char* text :
       {"", "-", "1.", ".5", "1e3", "12,5", "1.2.3", "abc"}) {
    EXPECT_THAT(Reason(ParseMoneyMicrosLiteral(text)),
                HasSubstr("decimal amount"))
        << text;
  }
}

TEST(TimestampLiteralTest, ConvertsToUtcMicros) {
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-02T03:04:05Z"),
            "2026-01-02 03:04:05.000000");
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-02t03:04:05z"),
            "2026-01-02 03:04:05.000000");
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-02T03:04:05.5Z"),
            "2026-01-02 03:04:05.500000");
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-02T03:04:05.123456Z"),
            "2026-01-02 03:04:05.123456");
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-02T03:04:05.123456000Z"),
            "2026-01-02 03:04:05.123456");
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-02T11:04:05+08:00"),
            "2026-01-02 03:04:05.000000");
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-01T22:30:00-05:30"),
            "2026-01-02 04:00:00.000000");
  // Offsets can cross day, month and year boundaries.
  EXPECT_EQ(*ParseTimestampLiteral("2026-01-01T01:00:00+02:00"),
            "2025-12-31 23:00:00.000000");
  EXPECT_EQ(*ParseTimestampLiteral("2024-02-29T00:00:00Z"),
            "2024-02-29 00:00:00.000000");
}

TEST(TimestampLiteralTest, Invalid) {
  for (const char* text :
       {"", "2026-01-02", "2026-01-02T03:04Z", "2026-01-02 03:04:05Z",
        "2026-1-02T03:04:05Z", "2026-01-02T03:04:05.Z",
        "2026-01-02T03:04:05+0800", "2026-01-02T03:04:05+08",
        "2026-01-02T03:04:05Zjunk", "2026-01-02T03:04:05.1234567890Z",
        "2026-01-02T03:04:05+24:00", "infinite-future",
        "2026-01-02T03:04:05+08:60"}) {
    EXPECT_FALSE(ParseTimestampLiteral(text).ok()) << text;
  }
  EXPECT_THAT(Reason(ParseTimestampLiteral("2026-01-02T03:04:05")),
              HasSubstr("no time zone"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("2026-02-30T00:00:00Z")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("2025-02-29T00:00:00Z")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("2026-13-01T00:00:00Z")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("2026-01-01T24:00:00Z")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("2016-12-31T23:59:60Z")),
              HasSubstr("leap second"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("2026-01-02T03:04:05.1234567Z")),
              HasSubstr("sub-microsecond"));
  EXPECT_THAT(Reason(ParseTimestampLiteral("0999-12-31T23:59:59Z")),
              HasSubstr("range"));
  // In range locally, out of range in UTC.
  EXPECT_THAT(Reason(ParseTimestampLiteral("9999-12-31T23:00:00-02:00")),
              HasSubstr("range"));
}

TEST(DateLiteralTest, ValidAndInvalid) {
  EXPECT_EQ(*ParseDateLiteral("2024-02-29"), "2024-02-29");
  EXPECT_EQ(*ParseDateLiteral("1000-01-01"), "1000-01-01");
  EXPECT_EQ(*ParseDateLiteral("9999-12-31"), "9999-12-31");
  EXPECT_THAT(Reason(ParseDateLiteral("2025-02-29")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseDateLiteral("2025-04-31")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseDateLiteral("2025-00-10")),
              HasSubstr("not a valid calendar date"));
  EXPECT_THAT(Reason(ParseDateLiteral("0999-01-01")), HasSubstr("range"));
  for (const char* text : {"", "2025-1-01", "2025/01/01",
                           "2025-01-01T00:00:00Z", "20250101", "2025-01-0a"}) {
    EXPECT_THAT(Reason(ParseDateLiteral(text)), HasSubstr("YYYY-MM-DD"))
        << text;
  }
}

TEST(MapKeyTest, Validation) {
  EXPECT_TRUE(IsValidMapKey("tier"));
  EXPECT_TRUE(IsValidMapKey("2024-q1_budget"));
  EXPECT_TRUE(IsValidMapKey(std::string(64, 'k')));
  EXPECT_FALSE(IsValidMapKey(std::string(65, 'k')));
  EXPECT_FALSE(IsValidMapKey(""));
  EXPECT_FALSE(IsValidMapKey("a.b"));
  EXPECT_FALSE(IsValidMapKey("a b"));
  EXPECT_FALSE(IsValidMapKey("a\"b"));
  EXPECT_FALSE(IsValidMapKey("ключ"));
  EXPECT_EQ(JsonPathForKey("2024-q1"), "$.\"2024-q1\"");
}

TEST(LikePatternTest, EscapesWildcardsAndBackslash) {
  EXPECT_EQ(LikeContainsPattern("acme"), "%acme%");
  EXPECT_EQ(LikeContainsPattern(""), "%%");
  EXPECT_EQ(LikeContainsPattern("50%_off\\now"), "%50\\%\\_off\\\\now%");
}

}  // namespace
}  // namespace crm::filter::internal
