// crmctl tenants create|list|get|update|suspend|resume: the platform operator's view
// of tenants (TenantAdminService, platform-admin key).
#include <memory>
#include <string>

#include <optional>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/list_support.h"
#include "clients/crmctl/output.h"
#include "clients/crmctl/yaml_to_proto.h"

namespace crm::crmctl {
namespace {

const std::vector<std::string> kTenantColumns = {"name", "display_name", "state", "currency_code",
                                                 "time_zone", "create_time"};

struct TenantFlags {
  std::string name;
  std::string display_name;
  std::string tenant_id;
  std::string currency_code;
  std::string time_zone;
  std::string request_id;
  std::string json;  // extra fields as proto JSON (quotas, policies)
  ListFlags list;
};

bool ParseTenantJson(CliContext& context, const std::string& json, crm::v1::Tenant& tenant) {
  if (json.empty()) return true;
  absl::Status parsed = ParseYamlMessage(json, tenant);
  if (!parsed.ok()) {
    context.Fail(kExitUsage, absl::StrCat("--json: ", parsed.message()));
    return false;
  }
  return true;
}

void CreateTenant(CliContext& context, const TenantFlags& flags) {
  crm::v1::CreateTenantRequest request;
  if (!ParseTenantJson(context, flags.json, *request.mutable_tenant())) return;
  if (!flags.display_name.empty()) request.mutable_tenant()->set_display_name(flags.display_name);
  if (!flags.currency_code.empty()) request.mutable_tenant()->set_currency_code(flags.currency_code);
  if (!flags.time_zone.empty()) request.mutable_tenant()->set_time_zone(flags.time_zone);
  request.set_tenant_id(flags.tenant_id);
  request.set_request_id(flags.request_id);
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::Tenant tenant;
  std::unique_ptr<grpc::ClientContext> call = context.NewCallContext();
  grpc::Status status = client->tenant_admin().CreateTenant(call.get(), request, &tenant);
  if (!status.ok()) return context.ReportRpcError(status, "create tenant");
  PrintMessage(context, tenant);
}

void GetTenant(CliContext& context, const TenantFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetTenantRequest request;
  request.set_name(QualifiedName("tenants", flags.name));
  crm::v1::Tenant tenant;
  std::unique_ptr<grpc::ClientContext> call = context.NewCallContext();
  grpc::Status status = client->tenant_admin().GetTenant(call.get(), request, &tenant);
  if (!status.ok()) return context.ReportRpcError(status, "get tenant");
  PrintMessage(context, tenant);
}

void ListTenants(CliContext& context, const TenantFlags& flags) {
  crm::v1::ListTenantsResponse response;
  ListPages(context, flags.list, response, "tenants", kTenantColumns, "list tenants",
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              crm::v1::ListTenantsRequest request;
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              request.set_filter(flags.list.filter);
              request.set_order_by(flags.list.order_by);
              return context.client()->tenant_admin().ListTenants(
                  &call, request, static_cast<crm::v1::ListTenantsResponse*>(&page));
            });
}

// Updates the fields named by the flags (and --json); the etag of a fresh read makes
// a concurrent change ABORTED instead of silently overwritten.
void UpdateTenant(CliContext& context, const TenantFlags& flags,
                  std::optional<crm::v1::Tenant::State> new_state) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::UpdateTenantRequest request;
  crm::v1::Tenant& tenant = *request.mutable_tenant();
  if (!ParseTenantJson(context, flags.json, tenant)) return;
  auto* mask = request.mutable_update_mask();
  if (!flags.json.empty()) {
    // The top-level fields the JSON set are the ones to update.
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    tenant.GetReflection()->ListFields(tenant, &fields);
    for (const auto* field : fields) mask->add_paths(field->name());
  }
  if (!flags.display_name.empty()) {
    tenant.set_display_name(flags.display_name);
    mask->add_paths("display_name");
  }
  if (!flags.currency_code.empty()) {
    tenant.set_currency_code(flags.currency_code);
    mask->add_paths("currency_code");
  }
  if (!flags.time_zone.empty()) {
    tenant.set_time_zone(flags.time_zone);
    mask->add_paths("time_zone");
  }
  if (new_state.has_value()) {
    tenant.set_state(*new_state);
    mask->add_paths("state");
  }
  if (mask->paths_size() == 0) {
    return context.Fail(kExitUsage, "nothing to update: give --display-name, --currency-code, "
                                    "--time-zone or --json");
  }
  crm::v1::GetTenantRequest get;
  get.set_name(QualifiedName("tenants", flags.name));
  crm::v1::Tenant current;
  std::unique_ptr<grpc::ClientContext> read = context.NewCallContext();
  grpc::Status status = client->tenant_admin().GetTenant(read.get(), get, &current);
  if (!status.ok()) return context.ReportRpcError(status, "get tenant");
  tenant.set_name(current.name());
  tenant.set_etag(current.etag());
  crm::v1::Tenant updated;
  std::unique_ptr<grpc::ClientContext> write = context.NewCallContext();
  status = client->tenant_admin().UpdateTenant(write.get(), request, &updated);
  if (!status.ok()) return context.ReportRpcError(status, "update tenant");
  PrintMessage(context, updated);
}

}  // namespace

void RegisterTenantCommands(CLI::App& app, CliContext& context) {
  CLI::App* tenants = app.add_subcommand("tenants", "create, list, inspect, suspend and resume tenants (platform-admin key)");
  tenants->require_subcommand(1);
  auto flags = std::make_shared<TenantFlags>();

  CLI::App* create = tenants->add_subcommand("create", "create a tenant");
  create->add_option("--display-name", flags->display_name, "1..200 characters")->required();
  create->add_option("--id", flags->tenant_id, "id in the name tenants/{id} (generated if empty)");
  create->add_option("--currency-code", flags->currency_code, "ISO 4217, default EUR");
  create->add_option("--time-zone", flags->time_zone, "IANA zone, default UTC");
  create->add_option("--request-id", flags->request_id, "idempotency key (UUID); generated if empty");
  create->add_option("--json", flags->json, "more fields as crm.v1.Tenant JSON (quotas, policies)");
  create->callback([&context, flags] { CreateTenant(context, *flags); });

  CLI::App* list = tenants->add_subcommand("list", "list tenants");
  AddListFlags(*list, flags->list, /*filterable=*/true);
  list->callback([&context, flags] { ListTenants(context, *flags); });

  CLI::App* get = tenants->add_subcommand("get", "show a tenant");
  get->add_option("tenant", flags->name, "tenants/{id} or {id}")->required();
  get->callback([&context, flags] { GetTenant(context, *flags); });

  CLI::App* update = tenants->add_subcommand("update", "change a tenant's settings");
  update->add_option("tenant", flags->name, "tenants/{id} or {id}")->required();
  update->add_option("--display-name", flags->display_name, "1..200 characters");
  update->add_option("--currency-code", flags->currency_code, "ISO 4217");
  update->add_option("--time-zone", flags->time_zone, "IANA zone");
  update->add_option("--json", flags->json,
                     "fields as crm.v1.Tenant JSON; the top-level fields given are updated, e.g. "
                     "'{\"quotas\":{\"max_contacts\":5000}}'");
  update->callback([&context, flags] { UpdateTenant(context, *flags, std::nullopt); });

  CLI::App* suspend = tenants->add_subcommand("suspend", "refuse every call of the tenant's keys (data is kept)");
  suspend->add_option("tenant", flags->name, "tenants/{id} or {id}")->required();
  suspend->callback([&context, flags] {
    UpdateTenant(context, *flags, crm::v1::Tenant::STATE_SUSPENDED);
  });

  CLI::App* resume = tenants->add_subcommand("resume", "let a suspended tenant's keys work again");
  resume->add_option("tenant", flags->name, "tenants/{id} or {id}")->required();
  resume->callback([&context, flags] {
    UpdateTenant(context, *flags, crm::v1::Tenant::STATE_ACTIVE);
  });
}

}  // namespace crm::crmctl
