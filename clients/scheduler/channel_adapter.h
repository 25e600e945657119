// The seam between the scheduler loop and whatever actually delivers a touch.
#ifndef CRM_CLIENTS_SCHEDULER_CHANNEL_ADAPTER_H_
#define CRM_CLIENTS_SCHEDULER_CHANNEL_ADAPTER_H_

#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "crm/v1/campaign.pb.h"
#include "crm/v1/scheduler.pb.h"

namespace crm::scheduler {

// What happened to one recipient of a batch.
struct SendOutcome {
  // Handed to the channel (or found already handed over by an earlier attempt).
  bool sent = false;
  // Why not, when !sent. Free text; the loop sanitises and cuts it to 500 characters.
  std::string error;
  // Sent by an earlier attempt (found by delivery_id); `sent` is true as well.
  bool duplicate = false;
  // When it was handed over, if the adapter knows better than "now" (a duplicate's
  // original time).
  std::optional<google::protobuf::Timestamp> time;
};

// Who sends: written into every delivery record.
struct SendContext {
  // `campaigns/{campaign}/runs/{run}`.
  std::string run;
  // The scheduler's --scheduler-id.
  std::string scheduler_id;
};

// Delivers batches of recipients of one channel. Implementations must be safe to call
// from several worker threads at once, and must deduplicate by `delivery_id`: a
// recipient with `attempt > 1` may already have been delivered by a scheduler that
// died before reporting it.
class ChannelAdapter {
 public:
  virtual ~ChannelAdapter() = default;

  // Sends `recipients` (all on `channel`, non-empty). Returns exactly one outcome per
  // recipient, in the same order.
  virtual std::vector<SendOutcome> Send(crm::v1::CampaignChannel channel,
                                        const std::vector<crm::v1::Recipient>& recipients,
                                        const SendContext& context) = 0;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_CHANNEL_ADAPTER_H_
