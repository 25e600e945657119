// A small in-memory SchedulerService for the loop tests: runs with recipients, lease
// tokens, hand-out and reports, plus injectable failures per method.
#ifndef CRM_TESTS_UNIT_SCHEDULER_FAKE_SCHEDULER_API_H_
#define CRM_TESTS_UNIT_SCHEDULER_FAKE_SCHEDULER_API_H_

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clients/scheduler/channel_adapter.h"
#include "clients/scheduler/scheduler_api.h"

namespace crm::scheduler::testing {

class FakeSchedulerApi : public SchedulerApi {
 public:
  struct Run {
    std::string name;
    std::vector<crm::v1::Recipient> recipients;
    size_t handed_out = 0;
    bool claimed = false;
    bool completed = false;
    std::string token;  // the current lease's
  };

  void AddRun(const std::string& name, std::vector<crm::v1::Recipient> recipients) {
    std::lock_guard lock(mutex);
    Run run;
    run.name = name;
    run.recipients = std::move(recipients);
    runs.push_back(std::move(run));
  }

  // The next call of `method` returns `status` instead of doing its work.
  void FailNext(const std::string& method, grpc::Status status, int times = 1) {
    std::lock_guard lock(mutex);
    for (int k = 0; k < times; ++k) failures[method].push_back(status);
  }

  grpc::Status ClaimRun(const crm::v1::ClaimRunRequest& request,
                        crm::v1::ClaimRunResponse* response) override {
    std::lock_guard lock(mutex);
    ++claim_calls;
    last_claim = request;
    if (auto failure = TakeFailure("ClaimRun")) return *failure;
    for (Run& run : runs) {
      if (run.claimed || run.completed) continue;
      run.claimed = true;
      response->mutable_run()->set_name(run.name);
      response->mutable_run()->set_recipients(static_cast<int64_t>(run.recipients.size()));
      run.token = "token-" + std::to_string(++token_counter);
      response->set_lease_token(run.token);
      response->set_campaign_display_name("Spring campaign");
      return grpc::Status::OK;
    }
    return grpc::Status::OK;  // nothing due
  }

  grpc::Status FetchRecipients(const crm::v1::FetchRecipientsRequest& request,
                               crm::v1::FetchRecipientsResponse* response) override {
    std::lock_guard lock(mutex);
    fetches.push_back(request);
    if (auto failure = TakeFailure("FetchRecipients")) return *failure;
    Run* run = Find(request.run());
    if (run == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no run");
    if (request.lease_token() != run->token) return Stale();
    if (!scripted_fetches.empty()) {
      *response = scripted_fetches.front();
      scripted_fetches.pop_front();
      return grpc::Status::OK;
    }
    const size_t page = request.page_size() == 0 ? 100 : static_cast<size_t>(request.page_size());
    while (run->handed_out < run->recipients.size() &&
           static_cast<size_t>(response->recipients_size()) < page) {
      *response->add_recipients() = run->recipients[run->handed_out++];
    }
    response->set_exhausted(run->handed_out == run->recipients.size() &&
                            (response->recipients_size() == 0 || exhausted_with_last_page));
    return grpc::Status::OK;
  }

  grpc::Status ReportDeliveries(const crm::v1::ReportDeliveriesRequest& request,
                                crm::v1::ReportDeliveriesResponse* response) override {
    std::lock_guard lock(mutex);
    ++report_calls;
    if (auto failure = TakeFailure("ReportDeliveries")) return *failure;
    Run* run = Find(request.run());
    if (run == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no run");
    if (request.lease_token() != run->token) return Stale();
    if (reject_event_times) {
      for (const auto& report : request.reports()) {
        if (report.has_event_time()) {
          return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "event_time in the future");
        }
      }
    }
    reports.push_back(request);
    response->set_applied(request.reports_size());
    return grpc::Status::OK;
  }

  grpc::Status RenewLease(const crm::v1::RenewLeaseRequest& request,
                          crm::v1::ClaimRunResponse* response) override {
    std::lock_guard lock(mutex);
    ++renew_calls;
    if (auto failure = TakeFailure("RenewLease")) return *failure;
    Run* run = Find(request.run());
    if (run == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no run");
    if (request.lease_token() != run->token) return Stale();
    if (rotate_tokens) run->token = "token-" + std::to_string(++token_counter);
    response->set_lease_token(run->token);
    response->mutable_run()->set_name(request.run());
    return grpc::Status::OK;
  }

  grpc::Status CompleteRun(const crm::v1::CompleteRunRequest& request,
                           crm::v1::CampaignRun* response) override {
    std::lock_guard lock(mutex);
    if (auto failure = TakeFailure("CompleteRun")) return *failure;
    Run* run = Find(request.run());
    if (run == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no run");
    if (request.lease_token() != run->token) return Stale();
    run->completed = true;
    completes.push_back(request);
    response->set_name(run->name);
    return grpc::Status::OK;
  }

  grpc::Status ReleaseRun(const crm::v1::ReleaseRunRequest& request,
                          crm::v1::CampaignRun* response) override {
    std::lock_guard lock(mutex);
    if (auto failure = TakeFailure("ReleaseRun")) return *failure;
    Run* run = Find(request.run());
    if (run == nullptr) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no run");
    if (request.lease_token() != run->token) return Stale();
    run->claimed = false;
    run->token.clear();
    releases.push_back(request);
    response->set_name(run->name);
    return grpc::Status::OK;
  }

  // All reported events in order.
  std::vector<crm::v1::DeliveryReport> AllReports() {
    std::lock_guard lock(mutex);
    std::vector<crm::v1::DeliveryReport> all;
    for (const auto& request : reports) {
      for (const auto& report : request.reports()) all.push_back(report);
    }
    return all;
  }

  std::mutex mutex;
  std::vector<Run> runs;
  int token_counter = 0;
  bool rotate_tokens = false;
  bool exhausted_with_last_page = false;
  bool reject_event_times = false;
  std::map<std::string, std::deque<grpc::Status>> failures;
  std::deque<crm::v1::FetchRecipientsResponse> scripted_fetches;
  crm::v1::ClaimRunRequest last_claim;
  std::vector<crm::v1::FetchRecipientsRequest> fetches;
  std::vector<crm::v1::ReportDeliveriesRequest> reports;
  std::vector<crm::v1::CompleteRunRequest> completes;
  std::vector<crm::v1::ReleaseRunRequest> releases;
  int claim_calls = 0;
  int report_calls = 0;
  int renew_calls = 0;

 private:
  std::optional<grpc::Status> TakeFailure(const std::string& method) {
    auto found = failures.find(method);
    if (found == failures.end() || found->second.empty()) return std::nullopt;
    grpc::Status status = found->second.front();
    found->second.pop_front();
    return status;
  }
  Run* Find(const std::string& name) {
    // (runs is a vector: callers add every run before the scheduler starts.)
    for (Run& run : runs) {
      if (run.name == name) return &run;
    }
    return nullptr;
  }
  static grpc::Status Stale() {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "stale lease token");
  }
};

// Records every batch; outcomes from an optional function (default: all sent).
class RecordingAdapter : public ChannelAdapter {
 public:
  struct Batch {
    crm::v1::CampaignChannel channel;
    std::vector<std::string> delivery_ids;
    SendContext context;
  };

  std::vector<SendOutcome> Send(crm::v1::CampaignChannel channel,
                                const std::vector<crm::v1::Recipient>& recipients,
                                const SendContext& context) override {
    {
      std::lock_guard lock(mutex);
      Batch batch{channel, {}, context};
      for (const auto& recipient : recipients) batch.delivery_ids.push_back(recipient.delivery_id());
      batches.push_back(std::move(batch));
    }
    if (on_send) return on_send(channel, recipients);
    std::vector<SendOutcome> outcomes(recipients.size());
    for (SendOutcome& outcome : outcomes) outcome.sent = true;
    return outcomes;
  }

  int SentCount(const std::string& delivery_id) {
    std::lock_guard lock(mutex);
    int count = 0;
    for (const Batch& batch : batches) {
      for (const std::string& id : batch.delivery_ids) count += id == delivery_id ? 1 : 0;
    }
    return count;
  }

  std::mutex mutex;
  std::vector<Batch> batches;
  std::function<std::vector<SendOutcome>(crm::v1::CampaignChannel,
                                         const std::vector<crm::v1::Recipient>&)>
      on_send;
};

}  // namespace crm::scheduler::testing

#endif  // CRM_TESTS_UNIT_SCHEDULER_FAKE_SCHEDULER_API_H_
