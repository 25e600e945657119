// Channel adapter that pipes each batch into a shell command.
#ifndef CRM_CLIENTS_SCHEDULER_COMMAND_ADAPTER_H_
#define CRM_CLIENTS_SCHEDULER_COMMAND_ADAPTER_H_

#include <chrono>
#include <string>
#include <vector>

#include "clients/scheduler/channel_adapter.h"

namespace crm::scheduler {

// How one run of the command ended.
struct CommandResult {
  // Exited by itself with a status (else killed by a signal or by the timeout).
  bool exited = false;
  int exit_status = -1;
  // Killed by this signal (when !exited and !timed_out).
  int signal = 0;
  bool timed_out = false;
  // The last few KiB of its stderr, as received.
  std::string stderr_tail;
  // Set when the command could not be started at all.
  std::string spawn_error;
};

// Per batch runs `/bin/sh -c <command>` in its own process group with the batch as
// JSON lines (delivery_record.h) on stdin and, added to the scheduler's environment,
// CRM_CHANNEL=<channel name>, CRM_RUN=<run> and CRM_SCHEDULER_ID=<id>. stdout is
// inherited; stderr is captured. Exit 0 → every recipient sent; any other status, a
// signal, or running longer than the timeout (the whole process group is killed) →
// every recipient FAILED with the tail of stderr.
//
// The command receives retried recipients (attempt > 1) again and must itself
// deduplicate by delivery_id: an earlier scheduler may have run it for them and died
// before reporting.
class CommandAdapter : public ChannelAdapter {
 public:
  CommandAdapter(std::string command, std::chrono::milliseconds timeout);

  std::vector<SendOutcome> Send(crm::v1::CampaignChannel channel,
                                const std::vector<crm::v1::Recipient>& recipients,
                                const SendContext& context) override;

  // Runs the command once with `input` on stdin and `extra_env` ("NAME=value") added
  // to the environment. Thread-safe; SIGPIPE is kept from the process.
  CommandResult Run(const std::string& input, const std::vector<std::string>& extra_env) const;

  // "exit status 3: <stderr tail>", "timed out after 60 s: …", etc.
  static std::string Describe(const CommandResult& result);

 private:
  std::string command_;
  std::chrono::milliseconds timeout_;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_COMMAND_ADAPTER_H_
