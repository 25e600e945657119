#ifndef CRM_SERVER_SERVICES_TENANT_ADMIN_SERVICE_H_
#define CRM_SERVER_SERVICES_TENANT_ADMIN_SERVICE_H_

#include "crm/v1/tenant_admin.grpc.pb.h"
#include "server/auth/authenticator.h"
#include "server/rpc/page_token.h"
#include "server/rpc/rpc_runner.h"
#include "storage/api_key_repository.h"
#include "storage/tenant_repository.h"

namespace crm::server {

class TenantAdminService final : public v1::TenantAdminService::Service {
 public:
  TenantAdminService(RpcRunner& runner, storage::TenantRepository& tenants,
                     storage::ApiKeyRepository& keys, Authenticator& authenticator,
                     const PageTokenCodec& page_tokens)
      : runner_(runner),
        tenants_(tenants),
        keys_(keys),
        authenticator_(authenticator),
        page_tokens_(page_tokens) {}

  grpc::Status CreateTenant(grpc::ServerContext* context, const v1::CreateTenantRequest* request,
                            v1::Tenant* response) override;
  grpc::Status GetTenant(grpc::ServerContext* context, const v1::GetTenantRequest* request,
                         v1::Tenant* response) override;
  grpc::Status ListTenants(grpc::ServerContext* context, const v1::ListTenantsRequest* request,
                           v1::ListTenantsResponse* response) override;
  grpc::Status UpdateTenant(grpc::ServerContext* context, const v1::UpdateTenantRequest* request,
                            v1::Tenant* response) override;
  grpc::Status CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                           v1::ListApiKeysResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                            v1::ApiKey* response) override;

 private:
  RpcRunner& runner_;
  storage::TenantRepository& tenants_;
  storage::ApiKeyRepository& keys_;
  Authenticator& authenticator_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_TENANT_ADMIN_SERVICE_H_
