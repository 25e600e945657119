#include "clients/crmctl/csv_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crm/v1/contact.pb.h"
#include "crm/v1/purchase.pb.h"

namespace crm::crmctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Money Money(absl::string_view text) {
  absl::StatusOr<v1::Money> money = ParseMoney(text);
  EXPECT_TRUE(money.ok()) << text << ": " << money.status();
  return money.value_or(v1::Money());
}

TEST(CsvValuesTest, MoneyIsExactUnitsAndNanos) {
  struct Case {
    const char* text;
    int64_t units;
    int32_t nanos;
  };
  for (const Case& c : std::vector<Case>{
           {"0", 0, 0},
           {"12", 12, 0},
           {"1234.5", 1234, 500'000'000},
           {"1234.50", 1234, 500'000'000},
           {"0.1", 0, 100'000'000},  // 0.1 has no exact double: never went through one
           {"19.99", 19, 990'000'000},
           {"0.000001", 0, 1000},
           {"-0.25", 0, -250'000'000},
           {"-3.000001", -3, -1000},
           {"+7.5", 7, 500'000'000},
           {" 42.10 ", 42, 100'000'000},
           {"9000000000000", 9'000'000'000'000, 0},
           {"8999999999999.999999", 8'999'999'999'999, 999'999'000},
       }) {
    const v1::Money money = Money(c.text);
    EXPECT_EQ(money.units(), c.units) << c.text;
    EXPECT_EQ(money.nanos(), c.nanos) << c.text;
    EXPECT_EQ(money.currency_code(), "") << c.text;
  }
}

TEST(CsvValuesTest, MoneyRejectsWhatIsNotAPlainDecimal) {
  for (const char* text : {"", "abc", "1,50", "1.234,5", "1e3", "$5", "5 EUR", "1.2.3", "12.",
                           ".5", "--1", "0.0000001", "9000000000001", "99999999999999999999"}) {
    EXPECT_FALSE(ParseMoney(text).ok()) << text;
  }
  EXPECT_THAT(std::string(ParseMoney("0.0000001").status().message()), HasSubstr("6 decimals"));
}

TEST(CsvValuesTest, EnumsByShortOrFullNameAnyCase) {
  const auto* gender = v1::Contact::Gender_descriptor();
  EXPECT_EQ(ParseEnumText(gender, "FEMALE").value(), v1::Contact::GENDER_FEMALE);
  EXPECT_EQ(ParseEnumText(gender, "male").value(), v1::Contact::GENDER_MALE);
  EXPECT_EQ(ParseEnumText(gender, " GENDER_OTHER ").value(), v1::Contact::GENDER_OTHER);
  EXPECT_EQ(ParseEnumText(v1::Purchase::Channel_descriptor(), "online").value(),
            v1::Purchase::CHANNEL_ONLINE);
  const absl::StatusOr<int> bad = ParseEnumText(gender, "F");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()), "\"F\" is not one of FEMALE, MALE, OTHER");
  // UNSPECIFIED is what an empty field means; it is not a value to write.
  EXPECT_FALSE(ParseEnumText(gender, "UNSPECIFIED").ok());
  EXPECT_FALSE(ParseEnumText(gender, "GENDER_UNSPECIFIED").ok());
  EXPECT_EQ(EnumText(gender, v1::Contact::GENDER_FEMALE), "FEMALE");
  EXPECT_EQ(EnumText(gender, 0), "");
  EXPECT_EQ(EnumText(v1::ConsentState_descriptor(), v1::CONSENT_STATE_OPTED_OUT), "OPTED_OUT");
}

TEST(CsvValuesTest, WholeNumbers) {
  EXPECT_EQ(ParseWholeNumber("3").value(), 3);
  EXPECT_EQ(ParseWholeNumber(" -12 ").value(), -12);
  for (const char* text : {"", "1.5", "2x", "1,000", "99999999999999999999"}) {
    EXPECT_FALSE(ParseWholeNumber(text).ok()) << text;
  }
}

TEST(CsvValuesTest, TimestampsInRfc3339) {
  const auto utc = ParseTimestampText("2024-05-01T09:30:00Z");
  ASSERT_TRUE(utc.ok()) << utc.status();
  EXPECT_EQ(utc->seconds(), 1714555800);
  EXPECT_EQ(utc->nanos(), 0);
  const auto offset = ParseTimestampText("2024-05-01T17:30:00.25+08:00");
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(offset->seconds(), 1714555800);
  EXPECT_EQ(offset->nanos(), 250'000'000);
  EXPECT_EQ(TimestampText(*offset), "2024-05-01T09:30:00.250Z");
  EXPECT_EQ(TimestampText(*utc), "2024-05-01T09:30:00Z");
  EXPECT_EQ(TimestampText(google::protobuf::Timestamp()), "");
  for (const char* text : {"", "2024-05-01", "2024-05-01 09:30:00", "yesterday",
                           "2024-13-01T00:00:00Z", "2024-05-01T09:30:00"}) {
    EXPECT_FALSE(ParseTimestampText(text).ok()) << text;
  }
}

TEST(CsvValuesTest, DatesAreCalendarDays) {
  const auto date = ParseDateText("1985-04-23");
  ASSERT_TRUE(date.ok());
  EXPECT_EQ(date->year(), 1985);
  EXPECT_EQ(date->month(), 4);
  EXPECT_EQ(date->day(), 23);
  EXPECT_EQ(DateText(*date), "1985-04-23");
  EXPECT_EQ(DateText(v1::Date()), "");
  EXPECT_TRUE(ParseDateText("2024-02-29").ok());
  for (const char* text : {"2023-02-29", "2023-02-30", "1985-4-23", "23/04/1985", "1985-04-23T00",
                           "", "abcd-ef-gh", "2024-00-10"}) {
    EXPECT_FALSE(ParseDateText(text).ok()) << text;
  }
}

TEST(CsvValuesTest, ListsSplitOnSemicolons) {
  EXPECT_THAT(SplitListText("a@x.com; b@y.org;;  c@z.net ;"),
              ElementsAre("a@x.com", "b@y.org", "c@z.net"));
  EXPECT_TRUE(SplitListText("").empty());
  EXPECT_TRUE(SplitListText(" ; ").empty());
  google::protobuf::RepeatedPtrField<std::string> values;
  values.Add("vip");
  values.Add("gold");
  EXPECT_EQ(ListText(values), "vip;gold");
}

}  // namespace
}  // namespace crm::crmctl
