#ifndef CRM_SERVER_SERVICES_PURCHASE_SERVICE_H_
#define CRM_SERVER_SERVICES_PURCHASE_SERVICE_H_

#include "crm/v1/purchase.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/purchase_repository.h"

namespace crm::server {

class PurchaseService final : public v1::PurchaseService::Service {
 public:
  // Rows per ImportPurchasesRequest.
  static constexpr int kMaxImportBatch = 1000;

  PurchaseService(RpcRunner& runner, storage::PurchaseRepository& purchases,
                  const PageTokenCodec& page_tokens)
      : runner_(runner), purchases_(purchases), page_tokens_(page_tokens) {}

  grpc::Status RecordPurchase(grpc::ServerContext* context, const v1::RecordPurchaseRequest* request,
                              v1::Purchase* response) override;
  grpc::Status GetPurchase(grpc::ServerContext* context, const v1::GetPurchaseRequest* request,
                           v1::Purchase* response) override;
  grpc::Status ListPurchases(grpc::ServerContext* context, const v1::ListPurchasesRequest* request,
                             v1::ListPurchasesResponse* response) override;
  grpc::Status DeletePurchase(grpc::ServerContext* context, const v1::DeletePurchaseRequest* request,
                              google::protobuf::Empty* response) override;
  grpc::Status ImportPurchases(grpc::ServerContext* context,
                               grpc::ServerReader<v1::ImportPurchasesRequest>* reader,
                               v1::ImportPurchasesResponse* response) override;

 private:
  RpcRunner& runner_;
  storage::PurchaseRepository& purchases_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_PURCHASE_SERVICE_H_
