#include "clients/scheduler/delivery_record.h"

#include <gtest/gtest.h>
#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>

namespace crm::scheduler {
namespace {

using google::protobuf::util::TimeUtil;

crm::v1::Recipient SampleRecipient() {
  crm::v1::Recipient recipient;
  recipient.set_contact("contacts/c1");
  recipient.set_delivery_id("d-1");
  recipient.set_cell("VIP");
  recipient.set_theme("Spring");
  recipient.set_incentive("10% off");
  recipient.set_channel(crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  recipient.set_address("ann@example.com");
  recipient.set_display_name("Ann \"A\" Example");
  recipient.set_attempt(2);
  return recipient;
}

TEST(ChannelName, LowerCaseWithoutPrefix) {
  EXPECT_EQ(ChannelName(crm::v1::CAMPAIGN_CHANNEL_EMAIL), "email");
  EXPECT_EQ(ChannelName(crm::v1::CAMPAIGN_CHANNEL_SMS), "sms");
  EXPECT_EQ(ChannelName(crm::v1::CAMPAIGN_CHANNEL_DIRECT_MAIL), "direct_mail");
  EXPECT_EQ(ChannelName(crm::v1::CAMPAIGN_CHANNEL_CALL_CENTER), "call_center");
  EXPECT_EQ(ChannelName(crm::v1::CAMPAIGN_CHANNEL_MEMBER_WEB), "member_web");
  EXPECT_EQ(ChannelName(crm::v1::CAMPAIGN_CHANNEL_UNSPECIFIED), "unspecified");
  EXPECT_EQ(ChannelName(static_cast<crm::v1::CampaignChannel>(42)), "channel_42");
}

TEST(FormatRfc3339, UtcWithZ) {
  EXPECT_EQ(FormatRfc3339(TimeUtil::MillisecondsToTimestamp(1714564800123)),
            "2024-05-01T12:00:00.123Z");
}

TEST(FormatDeliveryLine, OneObjectPerLineInDocumentedOrder) {
  const std::string line = FormatDeliveryLine(
      SampleRecipient(), {"campaigns/k/runs/1", "sched-a"},
      TimeUtil::MillisecondsToTimestamp(1714564800000));
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::ordered_json record = nlohmann::ordered_json::parse(line);
  std::vector<std::string> keys;
  for (const auto& item : record.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"delivery_id", "run", "contact", "channel", "address",
                                            "cell", "theme", "incentive", "display_name",
                                            "attempt", "scheduler", "time"}));
  EXPECT_EQ(record["delivery_id"], "d-1");
  EXPECT_EQ(record["run"], "campaigns/k/runs/1");
  EXPECT_EQ(record["contact"], "contacts/c1");
  EXPECT_EQ(record["channel"], "email");
  EXPECT_EQ(record["address"], "ann@example.com");
  EXPECT_EQ(record["cell"], "VIP");
  EXPECT_EQ(record["theme"], "Spring");
  EXPECT_EQ(record["incentive"], "10% off");
  EXPECT_EQ(record["display_name"], "Ann \"A\" Example");
  EXPECT_EQ(record["attempt"], 2);
  EXPECT_EQ(record["scheduler"], "sched-a");
  EXPECT_EQ(record["time"], "2024-05-01T12:00:00Z");
}

TEST(FormatDeliveryLine, InvalidUtf8IsReplacedNotFatal) {
  crm::v1::Recipient recipient = SampleRecipient();
  recipient.set_display_name("bad \xFF byte");
  const std::string line = FormatDeliveryLine(recipient, {"r", "s"}, NowTimestamp());
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(line));
  EXPECT_TRUE(parsed.is_object());
}

TEST(ParseDeliveryLine, RoundTrip) {
  const google::protobuf::Timestamp time = TimeUtil::MillisecondsToTimestamp(1714564800500);
  std::string line = FormatDeliveryLine(SampleRecipient(), {"r", "s"}, time);
  line.pop_back();
  const std::optional<ParsedDeliveryLine> parsed = ParseDeliveryLine(line);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->delivery_id, "d-1");
  ASSERT_TRUE(parsed->time.has_value());
  EXPECT_EQ(*parsed->time, time);
}

TEST(ParseDeliveryLine, TornOrForeignLinesAreNotRecords) {
  std::string line = FormatDeliveryLine(SampleRecipient(), {"r", "s"}, NowTimestamp());
  EXPECT_FALSE(ParseDeliveryLine(line.substr(0, line.size() / 2)).has_value());
  EXPECT_FALSE(ParseDeliveryLine("").has_value());
  EXPECT_FALSE(ParseDeliveryLine("[1,2]").has_value());
  EXPECT_FALSE(ParseDeliveryLine(R"({"delivery_id": 7})").has_value());
  const auto no_time = ParseDeliveryLine(R"({"delivery_id": "x"})");
  ASSERT_TRUE(no_time.has_value());
  EXPECT_FALSE(no_time->time.has_value());
}

}  // namespace
}  // namespace crm::scheduler
