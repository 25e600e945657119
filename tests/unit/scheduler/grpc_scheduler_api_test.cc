// GrpcSchedulerApi against an in-process SchedulerService: metadata and deadlines.
#include "clients/scheduler/grpc_scheduler_api.h"

#include <gtest/gtest.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <mutex>

namespace crm::scheduler {
namespace {

class RecordingService : public crm::v1::SchedulerService::Service {
 public:
  grpc::Status ClaimRun(grpc::ServerContext* context, const crm::v1::ClaimRunRequest* request,
                        crm::v1::ClaimRunResponse* response) override {
    Record(context);
    response->set_lease_token("tok-" + request->scheduler_id());
    return grpc::Status::OK;
  }
  grpc::Status FetchRecipients(grpc::ServerContext* context,
                               const crm::v1::FetchRecipientsRequest*,
                               crm::v1::FetchRecipientsResponse* response) override {
    Record(context);
    response->set_exhausted(true);
    return grpc::Status::OK;
  }
  grpc::Status ReportDeliveries(grpc::ServerContext* context,
                                const crm::v1::ReportDeliveriesRequest* request,
                                crm::v1::ReportDeliveriesResponse* response) override {
    Record(context);
    response->set_applied(request->reports_size());
    return grpc::Status::OK;
  }
  grpc::Status RenewLease(grpc::ServerContext* context, const crm::v1::RenewLeaseRequest*,
                          crm::v1::ClaimRunResponse*) override {
    Record(context);
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "stale lease token");
  }
  grpc::Status CompleteRun(grpc::ServerContext* context, const crm::v1::CompleteRunRequest* request,
                           crm::v1::CampaignRun* response) override {
    Record(context);
    response->set_name(request->run());
    return grpc::Status::OK;
  }

  std::mutex mutex;
  std::vector<std::string> authorizations;
  std::vector<std::chrono::system_clock::time_point> deadlines;

 private:
  void Record(grpc::ServerContext* context) {
    std::lock_guard lock(mutex);
    const auto& metadata = context->client_metadata();
    auto found = metadata.find("authorization");
    authorizations.push_back(found == metadata.end()
                                 ? "<none>"
                                 : std::string(found->second.data(), found->second.size()));
    deadlines.push_back(context->deadline());
  }
};

TEST(GrpcSchedulerApi, EveryCallCarriesTheBearerKeyAndADeadline) {
  RecordingService service;
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  GrpcSchedulerApi api(server->InProcessChannel(grpc::ChannelArguments()), "sk_test_123",
                       std::chrono::seconds(7));

  const auto before = std::chrono::system_clock::now();
  crm::v1::ClaimRunRequest claim_request;
  claim_request.set_scheduler_id("s1");
  crm::v1::ClaimRunResponse claim;
  ASSERT_TRUE(api.ClaimRun(claim_request, &claim).ok());
  EXPECT_EQ(claim.lease_token(), "tok-s1");
  crm::v1::FetchRecipientsResponse page;
  ASSERT_TRUE(api.FetchRecipients(crm::v1::FetchRecipientsRequest(), &page).ok());
  EXPECT_TRUE(page.exhausted());
  crm::v1::ReportDeliveriesRequest report_request;
  report_request.add_reports();
  crm::v1::ReportDeliveriesResponse reported;
  ASSERT_TRUE(api.ReportDeliveries(report_request, &reported).ok());
  EXPECT_EQ(reported.applied(), 1);
  crm::v1::ClaimRunResponse renewed;
  const grpc::Status renew = api.RenewLease(crm::v1::RenewLeaseRequest(), &renewed);
  EXPECT_EQ(renew.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  crm::v1::CompleteRunRequest complete_request;
  complete_request.set_run("campaigns/c/runs/1");
  crm::v1::CampaignRun completed;
  ASSERT_TRUE(api.CompleteRun(complete_request, &completed).ok());
  EXPECT_EQ(completed.name(), "campaigns/c/runs/1");
  const auto after = std::chrono::system_clock::now();

  std::lock_guard lock(service.mutex);
  ASSERT_EQ(service.authorizations.size(), 5u);
  for (size_t k = 0; k < service.authorizations.size(); ++k) {
    EXPECT_EQ(service.authorizations[k], "Bearer sk_test_123");
    EXPECT_GE(service.deadlines[k], before + std::chrono::seconds(6));
    EXPECT_LE(service.deadlines[k], after + std::chrono::seconds(8));
  }
  server->Shutdown();
}

}  // namespace
}  // namespace crm::scheduler
