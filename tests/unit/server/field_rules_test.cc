#include "server/validation/field_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crm::server {
namespace {

using ::testing::HasSubstr;

absl::Status Email(std::string value, std::string* out = nullptr) {
  absl::Status status = NormalizeEmail("emails[0]", &value);
  if (out) *out = value;
  return status;
}

absl::Status Phone(std::string value, std::string* out = nullptr) {
  absl::Status status = NormalizePhone("phones[0]", &value);
  if (out) *out = value;
  return status;
}

TEST(FieldRulesTest, Emails) {
  std::string out;
  EXPECT_TRUE(Email(" Ada.Lovelace+crm@Example.co.uk ", &out).ok());
  EXPECT_EQ(out, "ada.lovelace+crm@example.co.uk");
  for (const char* bad : {"", "plain", "@example.com", "a@", "a@b", "a@b.c", "a..b@example.com",
                          ".a@example.com", "a@-example.com", "a@exa_mple.com", "a b@example.com",
                          "a@example.c0m"}) {
    absl::Status status = Email(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("emails[0]"));
  }
  EXPECT_FALSE(Email(std::string(65, 'a') + "@example.com").ok());
}

TEST(FieldRulesTest, Phones) {
  std::string out;
  EXPECT_TRUE(Phone("+86 (138) 0013-8000", &out).ok());
  EXPECT_EQ(out, "+8613800138000");
  for (const char* bad : {"", "13800138000", "+0123456789", "+1234567", "+1234567890123456",
                          "+86 138 abc", "++8613800138000", "+86+13800138000"}) {
    EXPECT_EQ(Phone(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(FieldRulesTest, TextLimitsCountCodePointsAndRejectControls) {
  EXPECT_TRUE(CheckText("f", "王小明", 3).ok());
  EXPECT_FALSE(CheckText("f", "王小明", 2).ok());
  EXPECT_FALSE(CheckText("f", "a\x01", 10).ok());
  EXPECT_FALSE(CheckText("f", "a\nb", 10).ok());
  EXPECT_TRUE(CheckText("f", "a\nb", 10, false, /*multiline=*/true).ok());
  EXPECT_FALSE(CheckText("f", "   ", 10, /*required=*/true).ok());
}

TEST(FieldRulesTest, TagsAreDeduplicatedAndChecked) {
  google::protobuf::RepeatedPtrField<std::string> tags;
  *tags.Add() = "vip";
  *tags.Add() = "member:gold";
  *tags.Add() = "vip";
  ASSERT_TRUE(NormalizeTags("tags", &tags).ok());
  ASSERT_EQ(tags.size(), 2);
  *tags.Add() = "";
  EXPECT_THAT(NormalizeTags("tags", &tags).message(), HasSubstr("tags[2]"));
}

TEST(FieldRulesTest, Money) {
  v1::Money money;
  money.set_units(10);
  money.set_nanos(500000000);
  EXPECT_TRUE(NormalizeMoney("m", "EUR", false, &money).ok());
  EXPECT_EQ(money.currency_code(), "EUR");
  money.set_currency_code("USD");
  EXPECT_THAT(NormalizeMoney("m", "EUR", false, &money).message(), HasSubstr("m.currency_code"));
  money.set_currency_code("");
  money.set_nanos(500);
  EXPECT_THAT(NormalizeMoney("m", "EUR", false, &money).message(), HasSubstr("m.nanos"));
  money.set_units(-1);
  money.set_nanos(500000000);
  EXPECT_FALSE(NormalizeMoney("m", "EUR", true, &money).ok());  // mixed signs
  money.set_nanos(-500000000);
  EXPECT_TRUE(NormalizeMoney("m", "EUR", true, &money).ok());
  EXPECT_FALSE(NormalizeMoney("m", "EUR", false, &money).ok());
}

TEST(FieldRulesTest, DatesAndRequestIds) {
  v1::Date date;
  date.set_year(2024);
  date.set_month(2);
  date.set_day(29);
  EXPECT_TRUE(CheckDate("d", date).ok());
  date.set_year(2023);
  EXPECT_FALSE(CheckDate("d", date).ok());
  date.set_month(13);
  EXPECT_FALSE(CheckDate("d", date).ok());
  EXPECT_TRUE(CheckRequestId("").ok());
  EXPECT_TRUE(CheckRequestId("123e4567-e89b-12d3-a456-426614174000").ok());
  EXPECT_FALSE(CheckRequestId("123e4567-e89b-12d3-a456-4266141740001").ok());
  EXPECT_FALSE(CheckRequestId("a'b").ok());
}

}  // namespace
}  // namespace crm::server
