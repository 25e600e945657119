#ifndef CRM_SERVER_SERVICES_CAMPAIGN_SERVICE_H_
#define CRM_SERVER_SERVICES_CAMPAIGN_SERVICE_H_

#include "crm/v1/campaign.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/analysis_sources.h"
#include "storage/campaign_repository.h"
#include "storage/campaign_results_source.h"

namespace crm::server {

// CampaignService: campaign definitions and their state machine, audience previews,
// explicit responses and results. The rules live in validation/campaign_rules and
// campaign_audience; the scheduler side is SchedulerService.
class CampaignService final : public v1::CampaignService::Service {
 public:
  CampaignService(RpcRunner& runner, storage::CampaignRepository& campaigns,
                  storage::CampaignResultsSource& results, storage::AnalysisSources& purchases,
                  const PageTokenCodec& page_tokens)
      : runner_(runner), campaigns_(campaigns), results_(results), purchases_(purchases),
        page_tokens_(page_tokens) {}

  grpc::Status CreateCampaign(grpc::ServerContext* context, const v1::CreateCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status GetCampaign(grpc::ServerContext* context, const v1::GetCampaignRequest* request,
                           v1::Campaign* response) override;
  grpc::Status ListCampaigns(grpc::ServerContext* context, const v1::ListCampaignsRequest* request,
                             v1::ListCampaignsResponse* response) override;
  grpc::Status UpdateCampaign(grpc::ServerContext* context, const v1::UpdateCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status DeleteCampaign(grpc::ServerContext* context, const v1::DeleteCampaignRequest* request,
                              v1::DeleteCampaignResponse* response) override;
  grpc::Status ScheduleCampaign(grpc::ServerContext* context, const v1::ScheduleCampaignRequest* request,
                                v1::Campaign* response) override;
  grpc::Status PauseCampaign(grpc::ServerContext* context, const v1::PauseCampaignRequest* request,
                             v1::Campaign* response) override;
  grpc::Status ResumeCampaign(grpc::ServerContext* context, const v1::ResumeCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status CancelCampaign(grpc::ServerContext* context, const v1::CancelCampaignRequest* request,
                              v1::Campaign* response) override;
  grpc::Status PreviewAudience(grpc::ServerContext* context, const v1::PreviewAudienceRequest* request,
                               v1::AudiencePreview* response) override;
  grpc::Status ListCampaignRuns(grpc::ServerContext* context, const v1::ListCampaignRunsRequest* request,
                                v1::ListCampaignRunsResponse* response) override;
  grpc::Status RecordResponse(grpc::ServerContext* context, const v1::RecordResponseRequest* request,
                              v1::CampaignResponse* response) override;
  grpc::Status GetCampaignResults(grpc::ServerContext* context, const v1::GetCampaignResultsRequest* request,
                                  v1::CampaignResults* response) override;

 private:
  // Moves a campaign's state (checked by CheckCampaignTransition).
  grpc::Status Transition(grpc::ServerContext* context, const MethodPolicy& policy,
                          const std::string& name, const std::string& etag, bool resume,
                          v1::Campaign::State target, v1::Campaign* response);

  RpcRunner& runner_;
  storage::CampaignRepository& campaigns_;
  storage::CampaignResultsSource& results_;
  storage::AnalysisSources& purchases_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_CAMPAIGN_SERVICE_H_
