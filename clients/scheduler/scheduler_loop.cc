#include "clients/scheduler/scheduler_loop.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <utility>

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include "clients/scheduler/delivery_record.h"
#include "clients/scheduler/retry.h"
#include "clients/scheduler/text_util.h"

namespace crm::scheduler {

using Clock = std::chrono::steady_clock;
using google::protobuf::util::TimeUtil;

namespace {

SendOutcome FailedOutcome(std::string error) {
  SendOutcome outcome;
  outcome.error = std::move(error);
  return outcome;
}

}  // namespace

std::vector<std::pair<crm::v1::CampaignChannel, std::vector<size_t>>> GroupByChannel(
    const google::protobuf::RepeatedPtrField<crm::v1::Recipient>& recipients) {
  std::vector<std::pair<crm::v1::CampaignChannel, std::vector<size_t>>> groups;
  for (int k = 0; k < recipients.size(); ++k) {
    const crm::v1::CampaignChannel channel = recipients[k].channel();
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& entry) { return entry.first == channel; });
    if (group == groups.end()) {
      groups.emplace_back(channel, std::vector<size_t>{});
      group = groups.end() - 1;
    }
    group->second.push_back(static_cast<size_t>(k));
  }
  return groups;
}

crm::v1::DeliveryReport MakeReport(const crm::v1::Recipient& recipient,
                                   const SendOutcome& outcome,
                                   const google::protobuf::Timestamp& default_time) {
  crm::v1::DeliveryReport report;
  report.set_contact(recipient.contact());
  *report.mutable_event_time() = outcome.time.value_or(default_time);
  if (outcome.sent) {
    report.set_status(crm::v1::DeliveryReport::STATUS_SENT);
  } else {
    report.set_status(crm::v1::DeliveryReport::STATUS_FAILED);
    std::string error = outcome.error.empty() ? "not sent" : outcome.error;
    report.set_error_message(SanitizeMessage(error, kMaxErrorMessageChars));
  }
  return report;
}

std::vector<crm::v1::ReportDeliveriesRequest> ChunkReports(
    const std::string& run, const std::vector<crm::v1::DeliveryReport>& reports) {
  std::vector<crm::v1::ReportDeliveriesRequest> requests;
  for (size_t begin = 0; begin < reports.size(); begin += kMaxReportsPerCall) {
    crm::v1::ReportDeliveriesRequest& request = requests.emplace_back();
    request.set_run(run);
    const size_t end = std::min(reports.size(), begin + kMaxReportsPerCall);
    for (size_t k = begin; k < end; ++k) *request.add_reports() = reports[k];
  }
  return requests;
}

Scheduler::Scheduler(SchedulerApi& api, ChannelAdapter& adapter, SchedulerOptions options,
                     const std::atomic<bool>& stop)
    : api_(api),
      adapter_(adapter),
      options_(std::move(options)),
      stop_(stop),
      last_activity_(Clock::now()) {}

bool Scheduler::Stopping() const { return stop_.load() || internal_stop_.load(); }

void Scheduler::Fatal(const std::string& message) {
  spdlog::critical("{}", message);
  exit_code_.store(1);
  internal_stop_.store(true);
}

bool Scheduler::BeginClaim() {
  std::lock_guard lock(activity_mutex_);
  if (Stopping()) return false;
  ++active_;
  return true;
}

void Scheduler::EndClaim(bool nothing_due) {
  std::lock_guard lock(activity_mutex_);
  --active_;
  // Only "nothing due" answers let the idle clock run: after a run or a failed claim
  // (the server could not say) it starts again.
  if (!nothing_due) last_activity_ = Clock::now();
}

bool Scheduler::IdleLongEnough() {
  std::lock_guard lock(activity_mutex_);
  if (options_.exit_when_idle.count() <= 0 || active_ > 0 || Stopping()) return false;
  if (Clock::now() - last_activity_ < options_.exit_when_idle) return false;
  // Decided under the same lock BeginClaim takes: no claim starts after this.
  internal_stop_.store(true);
  return true;
}

int Scheduler::Run() {
  {
    std::lock_guard lock(activity_mutex_);
    last_activity_ = Clock::now();
  }
  const int workers = std::max(1, options_.workers);
  spdlog::info("crm-scheduler {} started: {} worker(s), lease {} ms, batch size {}",
               options_.scheduler_id, workers, options_.lease.count(), options_.batch_size);
  std::vector<std::thread> threads;
  std::atomic<int> running{workers};
  for (int k = 0; k < workers; ++k) {
    threads.emplace_back([this, k, &running] {
      WorkerLoop(k);
      running.fetch_sub(1);
    });
  }
  while (running.load() > 0) {
    if (IdleLongEnough()) {
      spdlog::info("nothing due for {} ms: exiting", options_.exit_when_idle.count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (std::thread& thread : threads) thread.join();
  if (stop_.load()) spdlog::info("shutdown requested: stopped");
  return exit_code_.load();
}

void Scheduler::WorkerLoop(int index) {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  const auto stopping = [this] { return Stopping(); };
  while (BeginClaim()) {
    crm::v1::ClaimRunRequest request;
    request.set_scheduler_id(options_.scheduler_id);
    *request.mutable_lease_duration() = TimeUtil::MillisecondsToDuration(options_.lease.count());
    crm::v1::ClaimRunResponse claim;
    const Clock::time_point granted_at = Clock::now();
    const grpc::Status status = api_.ClaimRun(request, &claim);
    if (!status.ok()) {
      EndClaim(/*nothing_due=*/false);
      const grpc::StatusCode code = status.error_code();
      if (IsTransient(code) || code == grpc::StatusCode::INTERNAL ||
          code == grpc::StatusCode::UNKNOWN) {
        spdlog::warn("worker {}: ClaimRun failed: {} (retrying)", index, DescribeStatus(status));
        SleepUnless(backoff.Next(), stopping);
        continue;
      }
      // Bad credentials, a scheduler id the server rejects, an unknown method: no
      // amount of retrying helps.
      Fatal("ClaimRun failed: " + DescribeStatus(status));
      return;
    }
    backoff.Reset();
    if (!claim.has_run()) {
      EndClaim(/*nothing_due=*/true);
      SleepUnless(options_.poll_interval, stopping);
      continue;
    }
    RunStats stats;
    WorkRun(claim, granted_at, &stats);
    EndClaim(/*nothing_due=*/false);
  }
}

grpc::Status Scheduler::CallUnderLease(
    const LeaseKeeper& lease, const char* method, const std::function<bool()>& give_up,
    const std::function<grpc::Status(const std::string&)>& call) {
  Backoff backoff(options_.backoff_initial, options_.backoff_max);
  while (true) {
    const std::string token = lease.token();
    grpc::Status status = call(token);
    if (status.ok()) return status;
    const grpc::StatusCode code = status.error_code();
    if (code == grpc::StatusCode::FAILED_PRECONDITION && lease.token() != token) {
      continue;  // the lease was renewed under a new token while the call was out
    }
    if (!IsTransient(code) || give_up()) return status;
    spdlog::warn("{} failed: {} (retrying)", method, DescribeStatus(status));
    if (!SleepUnless(backoff.Next(), give_up)) return status;
  }
}

RunEnd Scheduler::Abandon(const std::string& run, const std::string& why,
                          const RunStats& stats) {
  spdlog::warn(
      "abandoned run {}: {} (batches={} fetched={} sent={} failed={} duplicates={} "
      "skipped_by_policy={})",
      run, why, stats.batches, stats.fetched, stats.sent, stats.failed, stats.duplicates,
      stats.skipped_by_policy);
  return RunEnd::kAbandoned;
}

bool Scheduler::SendAndReport(const crm::v1::FetchRecipientsResponse& page,
                              const std::string& run, LeaseKeeper& lease, RunStats* stats,
                              std::string* why) {
  const auto& recipients = page.recipients();
  const SendContext context{run, options_.scheduler_id};
  std::vector<SendOutcome> outcomes(static_cast<size_t>(recipients.size()));
  for (auto& [channel, indexes] : GroupByChannel(recipients)) {
    // A lost lease may already belong to another scheduler: sending more could
    // duplicate. What was sent goes unreported; the next attempt finds it by
    // delivery_id.
    if (lease.lost()) {
      *why = "lease lost while sending: " + lease.lost_reason();
      return false;
    }
    std::vector<crm::v1::Recipient> group;
    group.reserve(indexes.size());
    for (size_t index : indexes) group.push_back(recipients[static_cast<int>(index)]);
    std::vector<SendOutcome> sent;
    try {
      sent = adapter_.Send(channel, group, context);
    } catch (const std::exception& error) {
      sent.clear();
      for (size_t k = 0; k < group.size(); ++k) {
        sent.push_back(FailedOutcome(std::string("adapter error: ") + error.what()));
      }
    }
    for (size_t k = 0; k < indexes.size(); ++k) {
      outcomes[indexes[k]] =
          k < sent.size() ? sent[k] : FailedOutcome("the adapter returned no outcome");
    }
  }

  const google::protobuf::Timestamp now = NowTimestamp();
  std::vector<crm::v1::DeliveryReport> reports;
  reports.reserve(outcomes.size());
  for (size_t k = 0; k < outcomes.size(); ++k) {
    const SendOutcome& outcome = outcomes[k];
    reports.push_back(MakeReport(recipients[static_cast<int>(k)], outcome, now));
    if (outcome.sent) {
      ++stats->sent;
      if (outcome.duplicate) ++stats->duplicates;
    } else {
      ++stats->failed;
      spdlog::debug("run {}: delivery {} failed: {}", run,
                    recipients[static_cast<int>(k)].delivery_id(), outcome.error);
    }
  }

  // Reporting is idempotent, so it is retried until it lands or the lease is gone —
  // also during shutdown (the batch was sent; reporting it is part of finishing it).
  const auto lease_gone = [&lease] { return lease.lost(); };
  for (crm::v1::ReportDeliveriesRequest& request : ChunkReports(run, reports)) {
    if (lease.lost()) {
      *why = "lease lost before the batch was reported: " + lease.lost_reason();
      return false;
    }
    crm::v1::ReportDeliveriesResponse response;
    grpc::Status status = CallUnderLease(lease, "ReportDeliveries", lease_gone,
                                         [&](const std::string& token) {
                                           request.set_lease_token(token);
                                           response.Clear();
                                           return api_.ReportDeliveries(request, &response);
                                         });
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      // Most likely an event_time the server finds in the future (clock skew): the
      // server's "now" is the next best time.
      spdlog::warn("ReportDeliveries for {} rejected ({}): retrying without event times", run,
                   DescribeStatus(status));
      for (crm::v1::DeliveryReport& report : *request.mutable_reports()) {
        report.clear_event_time();
      }
      status = CallUnderLease(lease, "ReportDeliveries", lease_gone,
                              [&](const std::string& token) {
                                request.set_lease_token(token);
                                response.Clear();
                                return api_.ReportDeliveries(request, &response);
                              });
    }
    if (!status.ok()) {
      *why = "ReportDeliveries failed: " + DescribeStatus(status);
      if (lease.lost()) *why += " (" + lease.lost_reason() + ")";
      return false;
    }
    stats->applied += response.applied();
    stats->ignored += response.ignored();
  }
  return true;
}

RunEnd Scheduler::WorkRun(const crm::v1::ClaimRunResponse& claim, Clock::time_point granted_at,
                          RunStats* stats) {
  const std::string run = claim.run().name();
  LeaseTiming timing;
  timing.lease = options_.lease;
  timing.renew_every = std::max(options_.lease / 3, std::chrono::milliseconds(1));
  timing.backoff_initial = options_.backoff_initial;
  timing.backoff_max = options_.backoff_max;
  LeaseKeeper lease(api_, run, claim.lease_token(), timing, granted_at);
  lease.Start();
  spdlog::info(
      "claimed run {} of campaign '{}': recipients={} handed_out={} reported={} "
      "skipped_by_policy={}",
      run, claim.campaign_display_name(), claim.run().recipients(), claim.run().handed_out(),
      claim.run().reported(), claim.run().skipped_by_policy());

  // A batch is only sent with at least this much lease left, so it can be sent and
  // reported before anyone else may take the run over.
  const auto send_margin = options_.lease / 6;
  const auto stop_or_lost = [this, &lease] { return Stopping() || lease.lost(); };
  const auto lost = [&lease] { return lease.lost(); };

  while (true) {
    if (lease.lost()) return Abandon(run, "lease lost: " + lease.lost_reason(), *stats);
    if (Stopping()) {
      // Hand the lease back so another scheduler resumes the run now rather than
      // after the lease expires. One attempt: if it fails the lease just lapses.
      lease.Stop();
      crm::v1::ReleaseRunRequest release;
      release.set_run(run);
      release.set_lease_token(lease.token());
      crm::v1::CampaignRun released;
      const grpc::Status status = api_.ReleaseRun(release, &released);
      spdlog::info("released run {} at shutdown (batches={} sent={} failed={}){}", run, stats->batches,
                   stats->sent, stats->failed,
                   status.ok() ? "" : "; ReleaseRun failed (" + DescribeStatus(status) + "), its lease lapses");
      return RunEnd::kStopped;
    }

    crm::v1::FetchRecipientsRequest request;
    request.set_run(run);
    request.set_page_size(options_.batch_size);
    crm::v1::FetchRecipientsResponse page;
    const grpc::Status fetched = CallUnderLease(lease, "FetchRecipients", stop_or_lost,
                                                [&](const std::string& token) {
                                                  request.set_lease_token(token);
                                                  page.Clear();
                                                  return api_.FetchRecipients(request, &page);
                                                });
    if (!fetched.ok()) {
      if (IsTransient(fetched.error_code()) && Stopping() && !lease.lost()) continue;
      return Abandon(run, "FetchRecipients failed: " + DescribeStatus(fetched), *stats);
    }
    stats->skipped_by_policy += page.skipped_by_policy();

    if (page.recipients().empty()) {
      if (page.exhausted()) break;
      if (page.has_retry_time()) {
        // Quiet hours or a paused campaign: wait (renewing) and ask again.
        const int64_t wait_ms = TimeUtil::TimestampToMilliseconds(page.retry_time()) -
                                TimeUtil::TimestampToMilliseconds(NowTimestamp());
        const auto wait = std::clamp(std::chrono::milliseconds(wait_ms),
                                     std::chrono::milliseconds(100), options_.max_retry_wait);
        spdlog::debug("run {}: nothing may be sent now; asking again in {} ms", run,
                      wait.count());
        SleepUnless(wait, stop_or_lost);
        continue;
      }
      // Nothing now but not exhausted (e.g. all skipped by the contact policy): ask
      // again, pausing unless the call made progress.
      if (page.skipped_by_policy() == 0) SleepUnless(options_.poll_interval, stop_or_lost);
      continue;
    }

    if (lease.remaining() < send_margin) {
      return Abandon(run, "too little lease left to send a batch; it will be handed out again",
                     *stats);
    }
    ++stats->batches;
    stats->fetched += page.recipients_size();
    std::string why;
    if (!SendAndReport(page, run, lease, stats, &why)) return Abandon(run, why, *stats);
    if (page.exhausted()) break;
  }

  crm::v1::CompleteRunRequest complete;
  complete.set_run(run);
  crm::v1::CampaignRun completed;
  const grpc::Status status = CallUnderLease(lease, "CompleteRun", lost,
                                             [&](const std::string& token) {
                                               complete.set_lease_token(token);
                                               completed.Clear();
                                               return api_.CompleteRun(complete, &completed);
                                             });
  lease.Stop();
  if (!status.ok()) return Abandon(run, "CompleteRun failed: " + DescribeStatus(status), *stats);
  spdlog::info(
      "completed run {}: batches={} fetched={} sent={} failed={} duplicates={} "
      "skipped_by_policy={} applied={} ignored={} (run: recipients={} reported={})",
      run, stats->batches, stats->fetched, stats->sent, stats->failed, stats->duplicates,
      stats->skipped_by_policy, stats->applied, stats->ignored, completed.recipients(),
      completed.reported());
  return RunEnd::kCompleted;
}

}  // namespace crm::scheduler
