// Channel adapter that appends delivery records to DIR/<channel>.jsonl.
#ifndef CRM_CLIENTS_SCHEDULER_JSONL_ADAPTER_H_
#define CRM_CLIENTS_SCHEDULER_JSONL_ADAPTER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "clients/scheduler/channel_adapter.h"

namespace crm::scheduler {

// Appends one JSON line per recipient (delivery_record.h) to `<dir>/<channel>.jsonl`.
//
// Several processes may append to the same file: each batch is one write(2) on a file
// opened with O_APPEND (looping only on a short write), then fsync. Before writing a
// batch that holds recipients with attempt > 1, the file is scanned for their
// delivery_ids; those already present are not written again and count as sent (with
// the time recorded in the file). Only complete, parseable lines count as present.
// Scan and append happen under an advisory flock(2) on the file, so schedulers sharing
// it take turns and a record torn by a crashed writer is never glued to the next one.
class JsonlAdapter : public ChannelAdapter {
 public:
  explicit JsonlAdapter(std::string directory);

  // Creates the directory if needed and checks it is writable. Empty string on
  // success, else what is wrong.
  static std::string PrepareDirectory(const std::string& directory);

  std::vector<SendOutcome> Send(crm::v1::CampaignChannel channel,
                                const std::vector<crm::v1::Recipient>& recipients,
                                const SendContext& context) override;

  // The file a channel's records go to.
  std::string PathFor(crm::v1::CampaignChannel channel) const;

  // Which of `wanted` have a complete record in `path`, with the record's time (if
  // any). A missing file has none. Sets *error (and returns what it found so far) when
  // the file cannot be read.
  static std::map<std::string, std::optional<google::protobuf::Timestamp>> FindDeliveryIds(
      const std::string& path, const std::set<std::string>& wanted, std::string* error);

 private:
  std::string directory_;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_JSONL_ADAPTER_H_
