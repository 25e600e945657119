#include "clients/crmctl/demo_tenant.h"

#include <grpcpp/client_context.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/demo_random.h"
#include "clients/crmctl/key_file.h"

namespace crm::crmctl {
namespace {

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

std::unique_ptr<grpc::ClientContext> CallContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  return context;
}

// True when `key` reads `tenant`: a TENANT_ADMIN key may read its own tenant only.
bool KeyWorksFor(const crm::Client& admin, absl::Duration timeout, const std::string& key,
                 const std::string& tenant) {
  ClientOptions options = admin.options();
  options.api_key = key;
  absl::StatusOr<std::unique_ptr<crm::Client>> client = crm::Client::Create(std::move(options));
  if (!client.ok()) return false;
  crm::v1::GetTenantRequest request;
  request.set_name(tenant);
  crm::v1::Tenant found;
  return (*client)->tenant_admin().GetTenant(CallContext(timeout).get(), request, &found).ok();
}

}  // namespace

absl::StatusOr<DemoTenantKey> EnsureDemoTenant(crm::Client& admin, absl::Duration call_timeout,
                                               const std::string& tenant_id, const std::string& display_name,
                                               const std::string& existing_key) {
  DemoTenantKey result;
  const absl::Time started = absl::Now() - absl::Seconds(1);
  crm::v1::CreateTenantRequest create;
  create.set_tenant_id(tenant_id);
  create.mutable_tenant()->set_display_name(display_name);
  create.mutable_tenant()->set_currency_code("CNY");
  create.mutable_tenant()->set_time_zone("Asia/Shanghai");
  // The same id creates the same tenant once: a re-run replays the first create.
  create.set_request_id(DemoRequestId(0, absl::StrCat("tenant/", tenant_id), 0));
  crm::v1::Tenant tenant;
  grpc::Status status = admin.tenant_admin().CreateTenant(CallContext(call_timeout).get(), create, &tenant);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    // Made some other way: seed into it all the same.
    crm::v1::GetTenantRequest get;
    get.set_name(absl::StrCat("tenants/", tenant_id));
    status = admin.tenant_admin().GetTenant(CallContext(call_timeout).get(), get, &tenant);
    if (!status.ok()) return FromGrpc(status, "get tenant");
  } else if (!status.ok()) {
    return FromGrpc(status, "create tenant");
  } else {
    result.tenant_created = absl::FromUnixSeconds(tenant.create_time().seconds()) +
                                absl::Nanoseconds(tenant.create_time().nanos()) >=
                            started;
  }
  result.tenant = tenant.name();
  if (!existing_key.empty() && KeyWorksFor(admin, call_timeout, existing_key, result.tenant)) {
    result.key = existing_key;
    return result;
  }
  crm::v1::CreateApiKeyRequest create_key;
  create_key.set_parent(result.tenant);
  create_key.mutable_api_key()->set_role(crm::v1::ROLE_TENANT_ADMIN);
  create_key.mutable_api_key()->set_display_name("crmctl demo seed");
  crm::v1::CreateApiKeyResponse created;
  status = admin.tenant_admin().CreateApiKey(CallContext(call_timeout).get(), create_key, &created);
  if (!status.ok()) return FromGrpc(status, "create API key");
  result.key = created.key();
  result.key_name = created.api_key().name();
  result.key_created = true;
  return result;
}

}  // namespace crm::crmctl
