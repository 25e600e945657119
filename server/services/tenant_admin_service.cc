#include "server/services/tenant_admin_service.h"

#include "absl/strings/str_cat.h"
#include "server/auth/api_key_codec.h"
#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/validation/field_mask.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"
#include "storage/ids.h"
#include "storage/tenant_id.h"

namespace crm::server {
namespace {

const MethodPolicy kCreateTenant("crm.v1.TenantAdminService/CreateTenant",
                                 {v1::ROLE_PLATFORM_ADMIN}, false);
const MethodPolicy kGetTenant("crm.v1.TenantAdminService/GetTenant",
                              {v1::ROLE_PLATFORM_ADMIN, v1::ROLE_TENANT_ADMIN}, false);
const MethodPolicy kListTenants("crm.v1.TenantAdminService/ListTenants", {v1::ROLE_PLATFORM_ADMIN},
                                false);
const MethodPolicy kUpdateTenant("crm.v1.TenantAdminService/UpdateTenant",
                                 {v1::ROLE_PLATFORM_ADMIN}, false);
const MethodPolicy kCreateApiKey("crm.v1.TenantAdminService/CreateApiKey",
                                 {v1::ROLE_PLATFORM_ADMIN, v1::ROLE_TENANT_ADMIN}, false);
const MethodPolicy kListApiKeys("crm.v1.TenantAdminService/ListApiKeys",
                                {v1::ROLE_PLATFORM_ADMIN, v1::ROLE_TENANT_ADMIN}, false);
const MethodPolicy kRevokeApiKey("crm.v1.TenantAdminService/RevokeApiKey",
                                 {v1::ROLE_PLATFORM_ADMIN, v1::ROLE_TENANT_ADMIN}, false);

// A tenant admin reaches only its own tenant; any other tenant is NOT_FOUND, exactly
// like a tenant that does not exist, so tenant ids cannot be probed.
absl::Status CheckTenantAccess(const CallContext& call, const std::string& tenant_id) {
  if (call.principal().role == v1::ROLE_PLATFORM_ADMIN) return absl::OkStatus();
  if (call.principal().tenant && call.principal().tenant->value() == tenant_id) {
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("tenants/", tenant_id, " does not exist"));
}

}  // namespace

grpc::Status TenantAdminService::CreateTenant(grpc::ServerContext* context,
                                              const v1::CreateTenantRequest* request,
                                              v1::Tenant* response) {
  return runner_.Run(context, kCreateTenant, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    std::string tenant_id = request->tenant_id();
    if (tenant_id.empty()) {
      tenant_id = absl::StrCat("t-", storage::RandomBase32(10));
    } else if (!storage::TenantId::IsValid(tenant_id)) {
      return absl::InvalidArgumentError(
          "tenant_id: 3..40 characters of a-z, 0-9 and '-', starting with a letter");
    }
    v1::Tenant tenant = request->tenant();
    if (absl::Status status = NormalizeTenant(&tenant); !status.ok()) return status;
    absl::StatusOr<v1::Tenant> created =
        tenants_.Create(tenant_id, tenant, request->request_id(), call.deadline());
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::Status TenantAdminService::GetTenant(grpc::ServerContext* context,
                                           const v1::GetTenantRequest* request,
                                           v1::Tenant* response) {
  return runner_.Run(context, kGetTenant, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> tenant_id = ParseTenantName("name", request->name());
    if (!tenant_id.ok()) return tenant_id.status();
    if (absl::Status access = CheckTenantAccess(call, *tenant_id); !access.ok()) return access;
    absl::StatusOr<v1::Tenant> tenant = tenants_.Get(*tenant_id, call.deadline());
    if (!tenant.ok()) return tenant.status();
    *response = *std::move(tenant);
    return absl::OkStatus();
  });
}

grpc::Status TenantAdminService::ListTenants(grpc::ServerContext* context,
                                             const v1::ListTenantsRequest* request,
                                             v1::ListTenantsResponse* response) {
  return runner_.Run(context, kListTenants, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kListTenants.method(), "platform",
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        TenantFilterFields(), page_tokens_);
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Tenant>> page = tenants_.List(list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Tenant& tenant : page->items) *response->add_tenants() = std::move(tenant);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status TenantAdminService::UpdateTenant(grpc::ServerContext* context,
                                              const v1::UpdateTenantRequest* request,
                                              v1::Tenant* response) {
  return runner_.Run(context, kUpdateTenant, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> tenant_id = ParseTenantName("tenant.name", request->tenant().name());
    if (!tenant_id.ok()) return tenant_id.status();
    absl::StatusOr<v1::Tenant> updated = tenants_.Update(
        *tenant_id, request->tenant().etag(),
        [&](v1::Tenant& tenant) -> absl::Status {
          if (absl::Status status = ApplyUpdateMask(request->tenant(), request->update_mask(),
                                                    TenantWritablePaths(), &tenant);
              !status.ok()) {
            return status;
          }
          return NormalizeTenant(&tenant);
        },
        call.deadline());
    if (!updated.ok()) return updated.status();
    authenticator_.InvalidateTenant(*tenant_id);
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

grpc::Status TenantAdminService::CreateApiKey(grpc::ServerContext* context,
                                              const v1::CreateApiKeyRequest* request,
                                              v1::CreateApiKeyResponse* response) {
  return runner_.Run(context, kCreateApiKey, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> tenant_id = ParseTenantName("parent", request->parent());
    if (!tenant_id.ok()) return tenant_id.status();
    if (absl::Status access = CheckTenantAccess(call, *tenant_id); !access.ok()) return access;
    const v1::ApiKey& key = request->api_key();
    if (absl::Status status = CheckText("api_key.display_name", key.display_name(), 200);
        !status.ok()) {
      return status;
    }
    if (absl::Status status = CheckEnum("api_key.role", key.role(), v1::Role_IsValid, false);
        !status.ok()) {
      return status;
    }
    if (key.role() == v1::ROLE_PLATFORM_ADMIN) {
      return absl::InvalidArgumentError(
          "api_key.role: ROLE_PLATFORM_ADMIN keys cannot be created through the API; use a "
          "tenant role");
    }
    // The tenant must exist (NOT_FOUND otherwise) before a key can point to it.
    absl::StatusOr<v1::Tenant> tenant = tenants_.Get(*tenant_id, call.deadline());
    if (!tenant.ok()) return tenant.status();
    const NewApiKey generated = GenerateApiKey();
    absl::StatusOr<v1::ApiKey> stored =
        keys_.Create(generated.key_id, *tenant_id, key, generated.secret_sha256, call.deadline());
    if (!stored.ok()) return stored.status();
    *response->mutable_api_key() = *std::move(stored);
    response->set_key(generated.full_key);
    return absl::OkStatus();
  });
}

grpc::Status TenantAdminService::ListApiKeys(grpc::ServerContext* context,
                                             const v1::ListApiKeysRequest* request,
                                             v1::ListApiKeysResponse* response) {
  return runner_.Run(context, kListApiKeys, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> tenant_id = ParseTenantName("parent", request->parent());
    if (!tenant_id.ok()) return tenant_id.status();
    if (absl::Status access = CheckTenantAccess(call, *tenant_id); !access.ok()) return access;
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        absl::StrCat(kListApiKeys.method(), request->show_revoked() ? "+revoked" : ""),
        *tenant_id, {request->page_size(), request->page_token(), "", ""}, TenantFilterFields(),
        page_tokens_);
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::ApiKey>> page =
        keys_.List(*tenant_id, request->show_revoked(), list->query().after,
                   list->query().page_size, call.deadline());
    if (!page.ok()) return page.status();
    for (v1::ApiKey& key : page->items) *response->add_api_keys() = std::move(key);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status TenantAdminService::RevokeApiKey(grpc::ServerContext* context,
                                              const v1::RevokeApiKeyRequest* request,
                                              v1::ApiKey* response) {
  return runner_.Run(context, kRevokeApiKey, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> name =
        ParseApiKeyName("name", request->name());
    if (!name.ok()) return name.status();
    const auto& [tenant_id, key_id] = *name;
    if (absl::Status access = CheckTenantAccess(call, tenant_id); !access.ok()) return access;
    absl::StatusOr<v1::ApiKey> revoked = keys_.Revoke(tenant_id, key_id, call.deadline());
    if (!revoked.ok()) return revoked.status();
    authenticator_.InvalidateKey(key_id);
    *response = *std::move(revoked);
    return absl::OkStatus();
  });
}

}  // namespace crm::server
