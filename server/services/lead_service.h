#ifndef CRM_SERVER_SERVICES_LEAD_SERVICE_H_
#define CRM_SERVER_SERVICES_LEAD_SERVICE_H_

#include "crm/v1/lead.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/lead_repository.h"
#include "storage/purchase_repository.h"

namespace crm::server {

// LeadService: the prospect pipeline. The rules live in validation/lead_rules; this
// class parses requests, applies them inside the repository's transactions and maps
// results back.
class LeadService final : public v1::LeadService::Service {
 public:
  LeadService(RpcRunner& runner, storage::LeadRepository& leads,
              storage::PurchaseRepository& purchases, const PageTokenCodec& page_tokens)
      : runner_(runner), leads_(leads), purchases_(purchases), page_tokens_(page_tokens) {}

  grpc::Status CreateLead(grpc::ServerContext* context, const v1::CreateLeadRequest* request,
                          v1::Lead* response) override;
  grpc::Status GetLead(grpc::ServerContext* context, const v1::GetLeadRequest* request,
                       v1::Lead* response) override;
  grpc::Status ListLeads(grpc::ServerContext* context, const v1::ListLeadsRequest* request,
                         v1::ListLeadsResponse* response) override;
  grpc::Status UpdateLead(grpc::ServerContext* context, const v1::UpdateLeadRequest* request,
                          v1::Lead* response) override;
  grpc::Status RecordFollowUp(grpc::ServerContext* context, const v1::RecordFollowUpRequest* request,
                              v1::RecordFollowUpResponse* response) override;
  grpc::Status ListDueFollowUps(grpc::ServerContext* context,
                                const v1::ListDueFollowUpsRequest* request,
                                v1::ListDueFollowUpsResponse* response) override;
  grpc::Status ConvertLead(grpc::ServerContext* context, const v1::ConvertLeadRequest* request,
                           v1::Lead* response) override;
  grpc::Status InvalidateLead(grpc::ServerContext* context, const v1::InvalidateLeadRequest* request,
                              v1::Lead* response) override;
  grpc::Status GetLeadFunnel(grpc::ServerContext* context, const v1::GetLeadFunnelRequest* request,
                             v1::LeadFunnel* response) override;

 private:
  RpcRunner& runner_;
  storage::LeadRepository& leads_;
  storage::PurchaseRepository& purchases_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_LEAD_SERVICE_H_
