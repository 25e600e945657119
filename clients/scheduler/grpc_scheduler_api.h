// SchedulerApi over a gRPC channel: API key as a bearer token, a deadline per call.
#ifndef CRM_CLIENTS_SCHEDULER_GRPC_SCHEDULER_API_H_
#define CRM_CLIENTS_SCHEDULER_GRPC_SCHEDULER_API_H_

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "clients/scheduler/scheduler_api.h"
#include "crm/v1/scheduler.grpc.pb.h"

namespace crm::scheduler {

class GrpcSchedulerApi : public SchedulerApi {
 public:
  // Every call carries `authorization: Bearer <api_key>` and a deadline of `timeout`.
  GrpcSchedulerApi(std::shared_ptr<grpc::ChannelInterface> channel, std::string api_key,
                   std::chrono::milliseconds timeout);

  grpc::Status ClaimRun(const crm::v1::ClaimRunRequest& request,
                        crm::v1::ClaimRunResponse* response) override;
  grpc::Status FetchRecipients(const crm::v1::FetchRecipientsRequest& request,
                               crm::v1::FetchRecipientsResponse* response) override;
  grpc::Status ReportDeliveries(const crm::v1::ReportDeliveriesRequest& request,
                                crm::v1::ReportDeliveriesResponse* response) override;
  grpc::Status RenewLease(const crm::v1::RenewLeaseRequest& request,
                          crm::v1::ClaimRunResponse* response) override;
  grpc::Status CompleteRun(const crm::v1::CompleteRunRequest& request,
                           crm::v1::CampaignRun* response) override;
  grpc::Status ReleaseRun(const crm::v1::ReleaseRunRequest& request,
                          crm::v1::CampaignRun* response) override;

 private:
  void Prepare(grpc::ClientContext& context) const;

  std::unique_ptr<crm::v1::SchedulerService::Stub> stub_;
  std::string authorization_;
  std::chrono::milliseconds timeout_;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_GRPC_SCHEDULER_API_H_
