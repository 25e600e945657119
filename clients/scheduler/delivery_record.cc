#include "clients/scheduler/delivery_record.h"

#include <chrono>

#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>

namespace crm::scheduler {

std::string ChannelName(crm::v1::CampaignChannel channel) {
  switch (channel) {
    case crm::v1::CAMPAIGN_CHANNEL_DIRECT_MAIL:
      return "direct_mail";
    case crm::v1::CAMPAIGN_CHANNEL_EMAIL:
      return "email";
    case crm::v1::CAMPAIGN_CHANNEL_SMS:
      return "sms";
    case crm::v1::CAMPAIGN_CHANNEL_CALL_CENTER:
      return "call_center";
    case crm::v1::CAMPAIGN_CHANNEL_MEMBER_WEB:
      return "member_web";
    case crm::v1::CAMPAIGN_CHANNEL_UNSPECIFIED:
      return "unspecified";
    default:
      return "channel_" + std::to_string(static_cast<int>(channel));
  }
}

std::string FormatRfc3339(const google::protobuf::Timestamp& time) {
  return google::protobuf::util::TimeUtil::ToString(time);
}

google::protobuf::Timestamp NowTimestamp() {
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  const int64_t millis = now.time_since_epoch().count();
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(millis);
}

std::string FormatDeliveryLine(const crm::v1::Recipient& recipient, const SendContext& context,
                               const google::protobuf::Timestamp& time) {
  nlohmann::ordered_json record;
  record["delivery_id"] = recipient.delivery_id();
  record["run"] = context.run;
  record["contact"] = recipient.contact();
  record["channel"] = ChannelName(recipient.channel());
  record["address"] = recipient.address();
  record["cell"] = recipient.cell();
  record["theme"] = recipient.theme();
  record["incentive"] = recipient.incentive();
  record["display_name"] = recipient.display_name();
  record["attempt"] = recipient.attempt();
  record["scheduler"] = context.scheduler_id;
  record["time"] = FormatRfc3339(time);
  std::string line =
      record.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  line.push_back('\n');
  return line;
}

std::optional<ParsedDeliveryLine> ParseDeliveryLine(const std::string& line) {
  nlohmann::json record = nlohmann::json::parse(line, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (record.is_discarded() || !record.is_object()) return std::nullopt;
  auto id = record.find("delivery_id");
  if (id == record.end() || !id->is_string()) return std::nullopt;
  ParsedDeliveryLine parsed;
  parsed.delivery_id = id->get<std::string>();
  auto time = record.find("time");
  if (time != record.end() && time->is_string()) {
    google::protobuf::Timestamp timestamp;
    if (google::protobuf::util::TimeUtil::FromString(time->get<std::string>(), &timestamp)) {
      parsed.time = timestamp;
    }
  }
  return parsed;
}

}  // namespace crm::scheduler
