#ifndef CRM_SERVER_SERVICES_ACCOUNT_SERVICE_H_
#define CRM_SERVER_SERVICES_ACCOUNT_SERVICE_H_

#include "crm/v1/account.grpc.pb.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/account_repository.h"

namespace crm::server {

class AccountService final : public v1::AccountService::Service {
 public:
  AccountService(RpcRunner& runner, storage::AccountRepository& accounts,
                 const PageTokenCodec& page_tokens)
      : runner_(runner), accounts_(accounts), page_tokens_(page_tokens) {}

  grpc::Status CreateAccount(grpc::ServerContext* context, const v1::CreateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status GetAccount(grpc::ServerContext* context, const v1::GetAccountRequest* request,
                          v1::Account* response) override;
  grpc::Status ListAccounts(grpc::ServerContext* context, const v1::ListAccountsRequest* request,
                            v1::ListAccountsResponse* response) override;
  grpc::Status UpdateAccount(grpc::ServerContext* context, const v1::UpdateAccountRequest* request,
                             v1::Account* response) override;
  grpc::Status DeleteAccount(grpc::ServerContext* context, const v1::DeleteAccountRequest* request,
                             google::protobuf::Empty* response) override;

 private:
  RpcRunner& runner_;
  storage::AccountRepository& accounts_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_ACCOUNT_SERVICE_H_
