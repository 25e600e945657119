#ifndef CRM_SERVER_SERVICES_SCHEDULER_SERVICE_H_
#define CRM_SERVER_SERVICES_SCHEDULER_SERVICE_H_

#include "crm/v1/scheduler.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/campaign_repository.h"
#include "storage/campaign_run_repository.h"
#include "storage/moments_source.h"

namespace crm::server {

// SchedulerService: what campaign schedulers call. ClaimRun also moves campaigns on
// (starts due ones, freezes audiences in chunks), so no background thread is needed
// and any number of server replicas can serve it.
class SchedulerService final : public v1::SchedulerService::Service {
 public:
  SchedulerService(RpcRunner& runner, storage::CampaignRepository& campaigns, storage::CampaignRunRepository& runs,
                   storage::MomentsSource& moments, const PageTokenCodec& page_tokens)
      : runner_(runner), campaigns_(campaigns), runs_(runs), moments_(moments), page_tokens_(page_tokens) {}

  grpc::Status ClaimRun(grpc::ServerContext* context, const v1::ClaimRunRequest* request,
                        v1::ClaimRunResponse* response) override;
  grpc::Status FetchRecipients(grpc::ServerContext* context, const v1::FetchRecipientsRequest* request,
                               v1::FetchRecipientsResponse* response) override;
  grpc::Status ReportDeliveries(grpc::ServerContext* context, const v1::ReportDeliveriesRequest* request,
                                v1::ReportDeliveriesResponse* response) override;
  grpc::Status RenewLease(grpc::ServerContext* context, const v1::RenewLeaseRequest* request,
                          v1::ClaimRunResponse* response) override;
  grpc::Status CompleteRun(grpc::ServerContext* context, const v1::CompleteRunRequest* request,
                           v1::CampaignRun* response) override;
  grpc::Status ReleaseRun(grpc::ServerContext* context, const v1::ReleaseRunRequest* request,
                          v1::CampaignRun* response) override;
  grpc::Status ListDueMoments(grpc::ServerContext* context, const v1::ListDueMomentsRequest* request,
                              v1::ListDueMomentsResponse* response) override;

 private:
  // Starts due campaigns and freezes audiences until `budget_end`.
  absl::Status AdvanceCampaigns(const storage::TenantId& tenant, absl::Time budget_end, absl::Time deadline);

  RpcRunner& runner_;
  storage::CampaignRepository& campaigns_;
  storage::CampaignRunRepository& runs_;
  storage::MomentsSource& moments_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_SCHEDULER_SERVICE_H_
