// The scheduler's work: claim a due run, fetch its recipients page by page, send them
// through the channel adapter, report every outcome, complete the run; on several
// worker threads, until shutdown or idle exit.
#ifndef CRM_CLIENTS_SCHEDULER_SCHEDULER_LOOP_H_
#define CRM_CLIENTS_SCHEDULER_SCHEDULER_LOOP_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "clients/scheduler/channel_adapter.h"
#include "clients/scheduler/lease_keeper.h"
#include "clients/scheduler/scheduler_api.h"

namespace crm::scheduler {

// Maximum events per ReportDeliveries call, and characters per error_message.
inline constexpr int kMaxReportsPerCall = 1000;
inline constexpr size_t kMaxErrorMessageChars = 500;

struct SchedulerOptions {
  // ClaimRunRequest.scheduler_id and the `scheduler` field of delivery records.
  std::string scheduler_id;
  std::chrono::milliseconds lease{std::chrono::seconds(60)};
  // FetchRecipients page_size, 1..1000.
  int batch_size = 200;
  // Sleep after ClaimRun found nothing due (and between empty, non-final fetches).
  std::chrono::milliseconds poll_interval{1000};
  // Runs worked at the same time.
  int workers = 1;
  // Exit (code 0) once ClaimRun kept answering "nothing due" for this long (no run in
  // progress, no failed claim); zero = never.
  std::chrono::milliseconds exit_when_idle{0};
  // Retry backoff of transient errors.
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  // Longest single wait for a FetchRecipients retry_time before asking again.
  std::chrono::milliseconds max_retry_wait{std::chrono::seconds(30)};
};

// Counts of one run as worked by this scheduler (no personal data: safe to log).
struct RunStats {
  int64_t batches = 0;
  int64_t fetched = 0;
  int64_t sent = 0;
  int64_t failed = 0;
  // Sent by an earlier attempt and found by delivery_id (counted in `sent` too).
  int64_t duplicates = 0;
  int64_t skipped_by_policy = 0;
  int64_t applied = 0;
  int64_t ignored = 0;
};

// How working one run ended.
enum class RunEnd {
  kCompleted,  // CompleteRun succeeded
  kAbandoned,  // lease lost, or the server refused (e.g. campaign cancelled)
  kStopped,    // shutdown: the current batch was finished, the lease handed back
};

// Groups a page's recipients by channel, in order of first appearance; each group
// holds indexes into `recipients`.
std::vector<std::pair<crm::v1::CampaignChannel, std::vector<size_t>>> GroupByChannel(
    const google::protobuf::RepeatedPtrField<crm::v1::Recipient>& recipients);

// The DeliveryReport for one recipient and its outcome: SENT with event_time, or
// FAILED with event_time and an error_message of at most 500 characters: valid UTF-8,
// no control characters except newline, tab and carriage return.
crm::v1::DeliveryReport MakeReport(const crm::v1::Recipient& recipient,
                                   const SendOutcome& outcome,
                                   const google::protobuf::Timestamp& default_time);

// Splits reports into ReportDeliveries requests of at most kMaxReportsPerCall each.
std::vector<crm::v1::ReportDeliveriesRequest> ChunkReports(
    const std::string& run, const std::vector<crm::v1::DeliveryReport>& reports);

class Scheduler {
 public:
  // `stop` is the process's shutdown flag (set by the signal handler); the scheduler
  // only reads it.
  Scheduler(SchedulerApi& api, ChannelAdapter& adapter, SchedulerOptions options,
            const std::atomic<bool>& stop);

  // Runs options.workers workers until shutdown, idle exit or a fatal error. Returns
  // the process exit code: 0, or 1 after a fatal error (bad credentials, a request
  // the server rejects as invalid).
  int Run();

  // Works one claimed run to its end (the lease is kept alive meanwhile). `granted_at`
  // is the steady time just before the ClaimRun call.
  RunEnd WorkRun(const crm::v1::ClaimRunResponse& claim,
                 std::chrono::steady_clock::time_point granted_at, RunStats* stats);

 private:
  void WorkerLoop(int index);
  bool Stopping() const;
  void Fatal(const std::string& message);
  bool BeginClaim();
  void EndClaim(bool nothing_due);
  bool IdleLongEnough();

  // Calls `call(token)` until it succeeds, fails for good, or `give_up()` holds
  // between attempts; transient codes back off, a FAILED_PRECONDITION caused by a
  // token renewed during the call is retried with the new token.
  grpc::Status CallUnderLease(const LeaseKeeper& lease, const char* method,
                              const std::function<bool()>& give_up,
                              const std::function<grpc::Status(const std::string&)>& call);
  // Sends one fetched page through the adapter and reports it. False if the run must
  // be abandoned (reason in *why).
  bool SendAndReport(const crm::v1::FetchRecipientsResponse& page, const std::string& run,
                     LeaseKeeper& lease, RunStats* stats, std::string* why);
  RunEnd Abandon(const std::string& run, const std::string& why, const RunStats& stats);

  SchedulerApi& api_;
  ChannelAdapter& adapter_;
  const SchedulerOptions options_;
  const std::atomic<bool>& stop_;
  std::atomic<bool> internal_stop_{false};
  std::atomic<int> exit_code_{0};

  std::mutex activity_mutex_;
  int active_ = 0;  // workers inside ClaimRun or working a run
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_SCHEDULER_LOOP_H_
