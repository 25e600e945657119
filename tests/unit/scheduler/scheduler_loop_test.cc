#include "clients/scheduler/scheduler_loop.h"

#include <gtest/gtest.h>
#include <google/protobuf/util/time_util.h>

#include <atomic>
#include <thread>

#include "clients/scheduler/delivery_record.h"
#include "tests/unit/scheduler/fake_scheduler_api.h"
#include "tests/unit/scheduler/test_util.h"

namespace crm::scheduler {
namespace {

using std::chrono::milliseconds;
using testing::FakeSchedulerApi;
using testing::MakeRecipient;
using testing::RecordingAdapter;
using google::protobuf::util::TimeUtil;

constexpr char kRun[] = "campaigns/c1/runs/1";

SchedulerOptions FastOptions() {
  SchedulerOptions options;
  options.scheduler_id = "sched-test";
  options.lease = milliseconds(3000);
  options.batch_size = 2;
  options.poll_interval = milliseconds(10);
  options.backoff_initial = milliseconds(1);
  options.backoff_max = milliseconds(5);
  options.exit_when_idle = milliseconds(200);
  return options;
}

std::vector<crm::v1::Recipient> FiveMixedRecipients() {
  return {MakeRecipient("a"), MakeRecipient("b", crm::v1::CAMPAIGN_CHANNEL_SMS),
          MakeRecipient("c"), MakeRecipient("d", crm::v1::CAMPAIGN_CHANNEL_SMS),
          MakeRecipient("e")};
}

// Claims like the worker does and works the run.
RunEnd ClaimAndWork(FakeSchedulerApi& api, Scheduler& scheduler, RunStats* stats) {
  crm::v1::ClaimRunResponse claim;
  const auto granted_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(api.ClaimRun(crm::v1::ClaimRunRequest(), &claim).ok());
  EXPECT_TRUE(claim.has_run());
  return scheduler.WorkRun(claim, granted_at, stats);
}

TEST(GroupByChannel, KeepsFirstAppearanceOrder) {
  google::protobuf::RepeatedPtrField<crm::v1::Recipient> recipients;
  for (const auto& recipient : FiveMixedRecipients()) *recipients.Add() = recipient;
  const auto groups = GroupByChannel(recipients);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].first, crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  EXPECT_EQ(groups[0].second, (std::vector<size_t>{0, 2, 4}));
  EXPECT_EQ(groups[1].first, crm::v1::CAMPAIGN_CHANNEL_SMS);
  EXPECT_EQ(groups[1].second, (std::vector<size_t>{1, 3}));
}

TEST(MakeReport, SentAndFailed) {
  const google::protobuf::Timestamp now = TimeUtil::MillisecondsToTimestamp(1000);
  SendOutcome sent;
  sent.sent = true;
  crm::v1::DeliveryReport report = MakeReport(MakeRecipient("a"), sent, now);
  EXPECT_EQ(report.contact(), "contacts/a");
  EXPECT_EQ(report.status(), crm::v1::DeliveryReport::STATUS_SENT);
  EXPECT_EQ(report.event_time(), now);
  EXPECT_TRUE(report.error_message().empty());

  sent.time = TimeUtil::MillisecondsToTimestamp(500);
  EXPECT_EQ(MakeReport(MakeRecipient("a"), sent, now).event_time(), *sent.time);

  SendOutcome failed;
  failed.error = "\x1b[1m" + std::string(700, 'x') + "\xFF";
  report = MakeReport(MakeRecipient("a"), failed, now);
  EXPECT_EQ(report.status(), crm::v1::DeliveryReport::STATUS_FAILED);
  EXPECT_EQ(report.error_message().size(), kMaxErrorMessageChars);
  EXPECT_EQ(report.error_message().rfind(" [1mxxx", 0), 0u);
  EXPECT_EQ(report.event_time(), now);

  failed.error.clear();
  EXPECT_FALSE(MakeReport(MakeRecipient("a"), failed, now).error_message().empty());
}

TEST(ChunkReports, AtMostAThousandPerCall) {
  std::vector<crm::v1::DeliveryReport> reports(2500);
  const auto requests = ChunkReports(kRun, reports);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].reports_size(), 1000);
  EXPECT_EQ(requests[1].reports_size(), 1000);
  EXPECT_EQ(requests[2].reports_size(), 500);
  EXPECT_EQ(requests[2].run(), kRun);
  EXPECT_TRUE(ChunkReports(kRun, {}).empty());
}

TEST(Scheduler, WorksARunToCompletion) {
  FakeSchedulerApi api;
  api.AddRun(kRun, FiveMixedRecipients());
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);

  EXPECT_EQ(stats.batches, 3);
  EXPECT_EQ(stats.fetched, 5);
  EXPECT_EQ(stats.sent, 5);
  EXPECT_EQ(stats.failed, 0);
  // Pages of 2: [a(email), b(sms)], [c(email), d(sms)], [e(email)]: split by channel.
  ASSERT_EQ(adapter.batches.size(), 5u);
  EXPECT_EQ(adapter.batches[0].channel, crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  EXPECT_EQ(adapter.batches[0].delivery_ids, std::vector<std::string>{"dlv-a"});
  EXPECT_EQ(adapter.batches[1].channel, crm::v1::CAMPAIGN_CHANNEL_SMS);
  EXPECT_EQ(adapter.batches[0].context.run, kRun);
  EXPECT_EQ(adapter.batches[0].context.scheduler_id, "sched-test");

  const auto reports = api.AllReports();
  ASSERT_EQ(reports.size(), 5u);
  for (const auto& report : reports) {
    EXPECT_EQ(report.status(), crm::v1::DeliveryReport::STATUS_SENT);
    EXPECT_TRUE(report.has_event_time());
  }
  EXPECT_EQ(api.reports[0].run(), kRun);
  EXPECT_EQ(api.fetches[0].page_size(), 2);
  ASSERT_EQ(api.completes.size(), 1u);
  EXPECT_EQ(api.completes[0].run(), kRun);
}

TEST(Scheduler, CompletesWithoutAnotherFetchWhenThePageSaysExhausted) {
  FakeSchedulerApi api;
  api.exhausted_with_last_page = true;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b")});
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  EXPECT_EQ(api.fetches.size(), 1u);
  EXPECT_EQ(api.AllReports().size(), 2u);
}

TEST(Scheduler, AdapterFailuresAreReportedFailed) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b")});
  RecordingAdapter adapter;
  adapter.on_send = [](crm::v1::CampaignChannel, const std::vector<crm::v1::Recipient>& batch) {
    std::vector<SendOutcome> outcomes(batch.size());
    outcomes[0].sent = true;
    outcomes[1].error = "mailbox full " + std::string(1000, '!');
    return outcomes;
  };
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  const auto reports = api.AllReports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].status(), crm::v1::DeliveryReport::STATUS_SENT);
  EXPECT_EQ(reports[1].status(), crm::v1::DeliveryReport::STATUS_FAILED);
  EXPECT_EQ(reports[1].error_message().size(), 500u);
  EXPECT_EQ(reports[1].error_message().rfind("mailbox full", 0), 0u);
  EXPECT_EQ(stats.failed, 1);
}

TEST(Scheduler, AdapterThatThrowsOrReturnsTooFewFailsTheRest) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b", crm::v1::CAMPAIGN_CHANNEL_SMS)});
  api.exhausted_with_last_page = true;
  RecordingAdapter adapter;
  adapter.on_send = [](crm::v1::CampaignChannel channel,
                       const std::vector<crm::v1::Recipient>&) -> std::vector<SendOutcome> {
    if (channel == crm::v1::CAMPAIGN_CHANNEL_SMS) throw std::runtime_error("gateway down");
    return {};
  };
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  const auto reports = api.AllReports();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].status(), crm::v1::DeliveryReport::STATUS_FAILED);
  EXPECT_EQ(reports[1].status(), crm::v1::DeliveryReport::STATUS_FAILED);
  EXPECT_NE(reports[1].error_message().find("gateway down"), std::string::npos);
}

TEST(Scheduler, TransientErrorsAreRetriedWithoutResending) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b")});
  api.FailNext("FetchRecipients", grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), 2);
  api.FailNext("ReportDeliveries", grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow"));
  api.FailNext("ReportDeliveries", grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "quota"));
  api.FailNext("ReportDeliveries", grpc::Status(grpc::StatusCode::ABORTED, "deadlock"));
  api.FailNext("CompleteRun", grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  EXPECT_EQ(adapter.SentCount("dlv-a"), 1);
  EXPECT_EQ(adapter.SentCount("dlv-b"), 1);
  EXPECT_EQ(api.report_calls, 4);
  EXPECT_EQ(api.AllReports().size(), 2u);
  EXPECT_EQ(api.completes.size(), 1u);
}

TEST(Scheduler, FailedPreconditionOnFetchAbandonsTheRun) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a")});
  api.FailNext("FetchRecipients",
               grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "campaign cancelled"));
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kAbandoned);
  EXPECT_TRUE(adapter.batches.empty());
  EXPECT_TRUE(api.reports.empty());
  EXPECT_TRUE(api.completes.empty());
}

TEST(Scheduler, FailedPreconditionOnReportAbandonsWithoutResending) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b"), MakeRecipient("c")});
  api.FailNext("ReportDeliveries", grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "stale"));
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kAbandoned);
  EXPECT_EQ(adapter.batches.size(), 1u);
  EXPECT_EQ(api.report_calls, 1);
  EXPECT_TRUE(api.completes.empty());
}

TEST(Scheduler, FailedPreconditionOnCompleteAbandons) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a")});
  api.FailNext("CompleteRun", grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "unreported"));
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kAbandoned);
  EXPECT_EQ(api.AllReports().size(), 1u);
}

TEST(Scheduler, WaitsForRetryTimeThenFetchesAgain) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a")});
  crm::v1::FetchRecipientsResponse quiet;
  *quiet.mutable_retry_time() =
      TimeUtil::MillisecondsToTimestamp(TimeUtil::TimestampToMilliseconds(NowTimestamp()) + 300);
  api.scripted_fetches.push_back(quiet);
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(200));
  EXPECT_EQ(api.fetches.size(), 3u);  // quiet, [a], exhausted
  EXPECT_EQ(stats.sent, 1);
}

TEST(Scheduler, RetryTimeWaitEndsAtShutdownWithoutCompleting) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a")});
  crm::v1::FetchRecipientsResponse quiet;
  *quiet.mutable_retry_time() = TimeUtil::MillisecondsToTimestamp(
      TimeUtil::TimestampToMilliseconds(NowTimestamp()) + 3600 * 1000);
  api.scripted_fetches.push_back(quiet);
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    stop = true;
  });
  RunStats stats;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kStopped);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  stopper.join();
  EXPECT_TRUE(api.completes.empty());
  EXPECT_EQ(api.releases.size(), 1u);  // handed back for another scheduler
}

TEST(Scheduler, ShutdownFinishesTheCurrentBatchAndDoesNotComplete) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b"), MakeRecipient("c")});
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  adapter.on_send = [&](crm::v1::CampaignChannel, const std::vector<crm::v1::Recipient>& batch) {
    stop = true;  // SIGTERM arrives while the first batch is being sent
    std::vector<SendOutcome> outcomes(batch.size());
    for (SendOutcome& outcome : outcomes) outcome.sent = true;
    return outcomes;
  };
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kStopped);
  EXPECT_EQ(adapter.batches.size(), 1u);
  EXPECT_EQ(api.AllReports().size(), 2u);  // the batch in flight was reported
  EXPECT_TRUE(api.completes.empty());
  ASSERT_EQ(api.releases.size(), 1u);
  EXPECT_EQ(api.releases[0].run(), kRun);
}

TEST(Scheduler, AFailedReleaseAtShutdownStillStopsCleanly) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b")});
  api.FailNext("ReleaseRun", grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  adapter.on_send = [&](crm::v1::CampaignChannel, const std::vector<crm::v1::Recipient>& batch) {
    stop = true;
    std::vector<SendOutcome> outcomes(batch.size());
    for (SendOutcome& outcome : outcomes) outcome.sent = true;
    return outcomes;
  };
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kStopped);
  EXPECT_TRUE(api.releases.empty());
  EXPECT_TRUE(api.completes.empty());
}

TEST(Scheduler, ReportIsRetriedDuringShutdown) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a")});
  api.FailNext("ReportDeliveries", grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), 3);
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  adapter.on_send = [&](crm::v1::CampaignChannel, const std::vector<crm::v1::Recipient>& batch) {
    stop = true;
    std::vector<SendOutcome> outcomes(batch.size());
    for (SendOutcome& outcome : outcomes) outcome.sent = true;
    return outcomes;
  };
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kStopped);
  EXPECT_EQ(api.AllReports().size(), 1u);
}

TEST(Scheduler, LostLeaseStopsTheRunBeforeReporting) {
  FakeSchedulerApi api;
  api.AddRun(kRun, {MakeRecipient("a"), MakeRecipient("b")});
  api.FailNext("RenewLease", grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "taken over"));
  RecordingAdapter adapter;
  adapter.on_send = [](crm::v1::CampaignChannel, const std::vector<crm::v1::Recipient>& batch) {
    std::this_thread::sleep_for(milliseconds(400));  // the renewal fails meanwhile
    std::vector<SendOutcome> outcomes(batch.size());
    for (SendOutcome& outcome : outcomes) outcome.sent = true;
    return outcomes;
  };
  SchedulerOptions options = FastOptions();
  options.lease = milliseconds(600);  // renewed every 200 ms
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, options, stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kAbandoned);
  EXPECT_EQ(api.report_calls, 0);
  EXPECT_TRUE(api.completes.empty());
}

TEST(Scheduler, RenewedTokenIsUsedAndARaceWithItIsRetried) {
  FakeSchedulerApi api;
  api.rotate_tokens = true;
  std::vector<crm::v1::Recipient> recipients;
  for (int k = 0; k < 6; ++k) recipients.push_back(MakeRecipient(std::to_string(k)));
  api.AddRun(kRun, recipients);
  RecordingAdapter adapter;
  adapter.on_send = [](crm::v1::CampaignChannel, const std::vector<crm::v1::Recipient>& batch) {
    std::this_thread::sleep_for(milliseconds(120));  // renewals (new tokens) meanwhile
    std::vector<SendOutcome> outcomes(batch.size());
    for (SendOutcome& outcome : outcomes) outcome.sent = true;
    return outcomes;
  };
  SchedulerOptions options = FastOptions();
  options.lease = milliseconds(300);  // renewed every 100 ms
  options.batch_size = 2;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, options, stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  EXPECT_GE(api.renew_calls, 2);
  EXPECT_EQ(api.AllReports().size(), 6u);
  EXPECT_NE(api.completes[0].lease_token(), "token-1");
}

TEST(Scheduler, InvalidEventTimeIsRetriedWithoutEventTimes) {
  FakeSchedulerApi api;
  api.reject_event_times = true;
  api.AddRun(kRun, {MakeRecipient("a")});
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  RunStats stats;
  EXPECT_EQ(ClaimAndWork(api, scheduler, &stats), RunEnd::kCompleted);
  const auto reports = api.AllReports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].has_event_time());
  EXPECT_EQ(adapter.SentCount("dlv-a"), 1);
}

TEST(Scheduler, RunClaimsAllDueRunsThenExitsWhenIdle) {
  FakeSchedulerApi api;
  api.AddRun("campaigns/c1/runs/1", FiveMixedRecipients());
  api.AddRun("campaigns/c1/runs/2", {MakeRecipient("x"), MakeRecipient("y")});
  api.AddRun("campaigns/c2/runs/1", {MakeRecipient("z")});
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  SchedulerOptions options = FastOptions();
  options.workers = 2;
  options.lease = milliseconds(60000);
  Scheduler scheduler(api, adapter, options, stop);
  EXPECT_EQ(scheduler.Run(), 0);
  EXPECT_EQ(api.completes.size(), 3u);
  EXPECT_EQ(api.AllReports().size(), 8u);
  EXPECT_EQ(api.last_claim.scheduler_id(), "sched-test");
  EXPECT_EQ(TimeUtil::DurationToMilliseconds(api.last_claim.lease_duration()), 60000);
}

TEST(Scheduler, ClaimTransientErrorsDoNotCountAsIdle) {
  FakeSchedulerApi api;
  api.FailNext("ClaimRun", grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), 3);
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  Scheduler scheduler(api, adapter, FastOptions(), stop);
  EXPECT_EQ(scheduler.Run(), 0);
  EXPECT_GT(api.claim_calls, 3);
}

TEST(Scheduler, UnauthenticatedIsFatal) {
  FakeSchedulerApi api;
  api.FailNext("ClaimRun", grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad key"), 100);
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  SchedulerOptions options = FastOptions();
  options.exit_when_idle = milliseconds(0);
  options.workers = 3;
  Scheduler scheduler(api, adapter, options, stop);
  EXPECT_EQ(scheduler.Run(), 1);
}

TEST(Scheduler, StopFlagEndsRunWithZero) {
  FakeSchedulerApi api;
  RecordingAdapter adapter;
  std::atomic<bool> stop{false};
  SchedulerOptions options = FastOptions();
  options.exit_when_idle = milliseconds(0);
  options.poll_interval = milliseconds(60000);
  Scheduler scheduler(api, adapter, options, stop);
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(100));
    stop = true;
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(scheduler.Run(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  stopper.join();
}

}  // namespace
}  // namespace crm::scheduler
