// The SchedulerService calls the loop makes, behind an interface so the loop can be
// tested without a server. One call = one attempt; retrying is the loop's business.
#ifndef CRM_CLIENTS_SCHEDULER_SCHEDULER_API_H_
#define CRM_CLIENTS_SCHEDULER_SCHEDULER_API_H_

#include <grpcpp/support/status.h>

#include "crm/v1/campaign.pb.h"
#include "crm/v1/scheduler.pb.h"

namespace crm::scheduler {

// Implementations are called from several threads at once.
class SchedulerApi {
 public:
  virtual ~SchedulerApi() = default;
  virtual grpc::Status ClaimRun(const crm::v1::ClaimRunRequest& request,
                                crm::v1::ClaimRunResponse* response) = 0;
  virtual grpc::Status FetchRecipients(const crm::v1::FetchRecipientsRequest& request,
                                       crm::v1::FetchRecipientsResponse* response) = 0;
  virtual grpc::Status ReportDeliveries(const crm::v1::ReportDeliveriesRequest& request,
                                        crm::v1::ReportDeliveriesResponse* response) = 0;
  virtual grpc::Status RenewLease(const crm::v1::RenewLeaseRequest& request,
                                  crm::v1::ClaimRunResponse* response) = 0;
  virtual grpc::Status CompleteRun(const crm::v1::CompleteRunRequest& request,
                                   crm::v1::CampaignRun* response) = 0;
  virtual grpc::Status ReleaseRun(const crm::v1::ReleaseRunRequest& request,
                                  crm::v1::CampaignRun* response) = 0;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_SCHEDULER_API_H_
