#include "clients/scheduler/grpc_scheduler_api.h"

#include <utility>

#include <grpcpp/client_context.h>

namespace crm::scheduler {

GrpcSchedulerApi::GrpcSchedulerApi(std::shared_ptr<grpc::ChannelInterface> channel,
                                   std::string api_key, std::chrono::milliseconds timeout)
    : stub_(crm::v1::SchedulerService::NewStub(std::move(channel))),
      authorization_("Bearer " + std::move(api_key)),
      timeout_(timeout) {}

void GrpcSchedulerApi::Prepare(grpc::ClientContext& context) const {
  context.AddMetadata("authorization", authorization_);
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
}

grpc::Status GrpcSchedulerApi::ClaimRun(const crm::v1::ClaimRunRequest& request,
                                        crm::v1::ClaimRunResponse* response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ClaimRun(&context, request, response);
}

grpc::Status GrpcSchedulerApi::FetchRecipients(const crm::v1::FetchRecipientsRequest& request,
                                               crm::v1::FetchRecipientsResponse* response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->FetchRecipients(&context, request, response);
}

grpc::Status GrpcSchedulerApi::ReportDeliveries(const crm::v1::ReportDeliveriesRequest& request,
                                                crm::v1::ReportDeliveriesResponse* response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ReportDeliveries(&context, request, response);
}

grpc::Status GrpcSchedulerApi::RenewLease(const crm::v1::RenewLeaseRequest& request,
                                          crm::v1::ClaimRunResponse* response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->RenewLease(&context, request, response);
}

grpc::Status GrpcSchedulerApi::CompleteRun(const crm::v1::CompleteRunRequest& request,
                                           crm::v1::CampaignRun* response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->CompleteRun(&context, request, response);
}

grpc::Status GrpcSchedulerApi::ReleaseRun(const crm::v1::ReleaseRunRequest& request,
                                          crm::v1::CampaignRun* response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ReleaseRun(&context, request, response);
}

}  // namespace crm::scheduler
