#ifndef CRM_SERVER_SERVICES_INTERACTION_SERVICE_H_
#define CRM_SERVER_SERVICES_INTERACTION_SERVICE_H_

#include "crm/v1/interaction.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/interaction_repository.h"

namespace crm::server {

class InteractionService final : public v1::InteractionService::Service {
 public:
  InteractionService(RpcRunner& runner, storage::InteractionRepository& interactions,
                     const PageTokenCodec& page_tokens)
      : runner_(runner), interactions_(interactions), page_tokens_(page_tokens) {}

  grpc::Status LogInteraction(grpc::ServerContext* context, const v1::LogInteractionRequest* request,
                              v1::Interaction* response) override;
  grpc::Status GetInteraction(grpc::ServerContext* context, const v1::GetInteractionRequest* request,
                              v1::Interaction* response) override;
  grpc::Status ListInteractions(grpc::ServerContext* context,
                                const v1::ListInteractionsRequest* request,
                                v1::ListInteractionsResponse* response) override;
  grpc::Status GetContactTimeline(grpc::ServerContext* context,
                                  const v1::GetContactTimelineRequest* request,
                                  v1::GetContactTimelineResponse* response) override;

 private:
  RpcRunner& runner_;
  storage::InteractionRepository& interactions_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_INTERACTION_SERVICE_H_
