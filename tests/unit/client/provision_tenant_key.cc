// Test helper for cpp_client_package_example: with the platform-admin key, creates
// a tenant and a TENANT_ADMIN key for it, and prints the key (only) on stdout.
//
//   CRM_ADDR=127.0.0.1:PORT CRM_API_KEY_FILE=DATA_DIR/admin.key provision_tenant_key TENANT_ID
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/client_context.h>

#include "crm/client/client.h"
#include "crm/v1/tenant_admin.pb.h"

namespace {

int Fail(const char* call, const grpc::Status& status) {
  std::fprintf(stderr, "%s failed (code %d): %s\n", call, static_cast<int>(status.error_code()),
               status.error_message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s TENANT_ID (with CRM_ADDR and CRM_API_KEY_FILE set)\n", argv[0]);
    return 2;
  }
  absl::StatusOr<crm::ClientOptions> options = crm::ClientOptions::FromEnvironment();
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<crm::Client>> client = crm::Client::Create(*options);
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return 2;
  }
  if (absl::Status connected = (*client)->WaitForConnected(std::chrono::seconds(30));
      !connected.ok()) {
    std::fprintf(stderr, "%s\n", connected.ToString().c_str());
    return 1;
  }

  crm::v1::CreateTenantRequest create_tenant;
  create_tenant.set_tenant_id(argv[1]);
  create_tenant.mutable_tenant()->set_display_name("C++ client package example");
  crm::v1::Tenant tenant;
  {
    grpc::ClientContext context;
    grpc::Status status = (*client)->tenant_admin().CreateTenant(&context, create_tenant, &tenant);
    if (!status.ok()) return Fail("CreateTenant", status);
  }

  crm::v1::CreateApiKeyRequest create_key;
  create_key.set_parent(tenant.name());
  create_key.mutable_api_key()->set_display_name("partner_example");
  create_key.mutable_api_key()->set_role(crm::v1::ROLE_TENANT_ADMIN);
  crm::v1::CreateApiKeyResponse key;
  {
    grpc::ClientContext context;
    grpc::Status status = (*client)->tenant_admin().CreateApiKey(&context, create_key, &key);
    if (!status.ok()) return Fail("CreateApiKey", status);
  }
  std::printf("%s\n", key.key().c_str());
  return 0;
}
