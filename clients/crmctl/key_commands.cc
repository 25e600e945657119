// crmctl keys create|list|revoke: API keys of a tenant. The platform-admin key manages
// every tenant's keys; a TENANT_ADMIN key its own tenant's.
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/key_file.h"
#include "clients/crmctl/list_support.h"
#include "clients/crmctl/output.h"

namespace crm::crmctl {
namespace {

const std::vector<std::string> kKeyColumns = {"name", "display_name", "role", "state",
                                              "create_time", "revoke_time"};

struct KeyFlags {
  std::string tenant;
  std::string name;
  std::string role;
  std::string display_name;
  std::string key_out;
  bool show_revoked = false;
  ListFlags list;
};

void CreateKey(CliContext& context, const KeyFlags& flags) {
  crm::v1::Role role = crm::v1::ROLE_UNSPECIFIED;
  const std::string role_name = "ROLE_" + absl::AsciiStrToUpper(flags.role);
  if (!crm::v1::Role_Parse(role_name, &role) || role == crm::v1::ROLE_UNSPECIFIED) {
    return context.Fail(kExitUsage, absl::StrCat("--role ", flags.role, " is not a role: use TENANT_ADMIN, "
                                                 "INTEGRATION, SCHEDULER or ANALYST"));
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::CreateApiKeyRequest request;
  request.set_parent(QualifiedName("tenants", flags.tenant));
  request.mutable_api_key()->set_role(role);
  request.mutable_api_key()->set_display_name(flags.display_name);
  crm::v1::CreateApiKeyResponse response;
  std::unique_ptr<grpc::ClientContext> call = context.NewCallContext();
  grpc::Status status = client->tenant_admin().CreateApiKey(call.get(), request, &response);
  if (!status.ok()) return context.ReportRpcError(status, "create API key");
  if (!flags.key_out.empty()) {
    if (absl::Status written = WriteKeyFile(flags.key_out, response.key()); !written.ok()) {
      // The key exists but its secret is lost: say which one to revoke.
      return context.Fail(kExitLocalFile, absl::StrCat(written.message(), "; revoke ",
                                                       response.api_key().name()));
    }
    response.clear_key();
  }
  if (context.json()) {
    context.out() << ToJson(response) << "\n";
    return;
  }
  PrintMessage(context, response.api_key());
  if (flags.key_out.empty()) {
    context.out() << "\nkey (shown only now; store it safely):\n" << response.key() << "\n";
  } else {
    context.out() << "\nkey written to " << flags.key_out << " (mode 0600)\n";
  }
}

void ListKeys(CliContext& context, const KeyFlags& flags) {
  crm::v1::ListApiKeysResponse response;
  ListPages(context, flags.list, response, "api_keys", kKeyColumns, "list API keys",
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              crm::v1::ListApiKeysRequest request;
              request.set_parent(QualifiedName("tenants", flags.tenant));
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              request.set_show_revoked(flags.show_revoked);
              return context.client()->tenant_admin().ListApiKeys(
                  &call, request, static_cast<crm::v1::ListApiKeysResponse*>(&page));
            });
}

void RevokeKey(CliContext& context, const KeyFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::RevokeApiKeyRequest request;
  request.set_name(flags.name);
  crm::v1::ApiKey key;
  std::unique_ptr<grpc::ClientContext> call = context.NewCallContext();
  grpc::Status status = client->tenant_admin().RevokeApiKey(call.get(), request, &key);
  if (!status.ok()) return context.ReportRpcError(status, "revoke API key");
  PrintMessage(context, key);
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, CliContext& context) {
  CLI::App* keys = app.add_subcommand("keys", "create, list and revoke API keys");
  keys->require_subcommand(1);
  auto flags = std::make_shared<KeyFlags>();

  CLI::App* create = keys->add_subcommand("create", "create a key; its secret is shown once");
  create->add_option("--tenant", flags->tenant, "tenants/{id} or {id}")->required();
  create->add_option("--role", flags->role, "TENANT_ADMIN, INTEGRATION, SCHEDULER or ANALYST")->required();
  create->add_option("--display-name", flags->display_name, "what the key is for");
  create->add_option("--key-out", flags->key_out,
                     "write the key to this file (mode 0600) instead of printing it");
  create->callback([&context, flags] { CreateKey(context, *flags); });

  CLI::App* list = keys->add_subcommand("list", "list a tenant's keys (never their secrets)");
  list->add_option("--tenant", flags->tenant, "tenants/{id} or {id}")->required();
  list->add_flag("--show-revoked", flags->show_revoked, "include revoked keys");
  AddListFlags(*list, flags->list, /*filterable=*/false);
  list->callback([&context, flags] { ListKeys(context, *flags); });

  CLI::App* revoke = keys->add_subcommand("revoke", "revoke a key: its calls fail at once");
  revoke->add_option("key", flags->name, "tenants/{tenant}/apiKeys/{key}")->required();
  revoke->callback([&context, flags] { RevokeKey(context, *flags); });
}

}  // namespace crm::crmctl
