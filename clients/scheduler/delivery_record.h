// The delivery record: one JSON object per line, shared by the JSONL and command
// adapters (README.md "Delivery records").
#ifndef CRM_CLIENTS_SCHEDULER_DELIVERY_RECORD_H_
#define CRM_CLIENTS_SCHEDULER_DELIVERY_RECORD_H_

#include <optional>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "clients/scheduler/channel_adapter.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/scheduler.pb.h"

namespace crm::scheduler {

// `email`, `sms`, `direct_mail`, `call_center`, `member_web`; `unspecified` for 0 and
// `channel_<n>` for values this build does not know.
std::string ChannelName(crm::v1::CampaignChannel channel);

// RFC 3339 in UTC with a `Z`, e.g. 2024-05-01T12:00:00.123Z.
std::string FormatRfc3339(const google::protobuf::Timestamp& time);

// The current time as a Timestamp (millisecond precision).
google::protobuf::Timestamp NowTimestamp();

// One record, newline-terminated: {"delivery_id", "run", "contact", "channel",
// "address", "cell", "theme", "incentive", "display_name", "attempt", "scheduler",
// "time"} in that order. Invalid UTF-8 in a field is replaced, never fatal.
std::string FormatDeliveryLine(const crm::v1::Recipient& recipient, const SendContext& context,
                               const google::protobuf::Timestamp& time);

// What a scan needs of a record already in a file.
struct ParsedDeliveryLine {
  std::string delivery_id;
  // Unset when the record has no parseable `time`.
  std::optional<google::protobuf::Timestamp> time;
};

// Parses one line (without its newline). Anything that is not a complete JSON object
// with a string `delivery_id` — a torn write, a blank line — is nullopt.
std::optional<ParsedDeliveryLine> ParseDeliveryLine(const std::string& line);

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_DELIVERY_RECORD_H_
