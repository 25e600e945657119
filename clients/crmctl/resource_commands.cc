// crmctl accounts|contacts get|list|create|update|delete. The two resources share one
// command template; a traits struct names their messages and stub methods.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/empty.pb.h>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/field_setter.h"
#include "clients/crmctl/list_support.h"
#include "clients/crmctl/output.h"
#include "clients/crmctl/yaml_to_proto.h"

namespace crm::crmctl {
namespace {

// What differs between the two resources: message types, names, columns and which
// stub methods to call.
struct AccountTraits {
  using Resource = crm::v1::Account;
  using Service = crm::v1::AccountService::Stub;
  using CreateRequest = crm::v1::CreateAccountRequest;
  using GetRequest = crm::v1::GetAccountRequest;
  using ListRequest = crm::v1::ListAccountsRequest;
  using ListResponse = crm::v1::ListAccountsResponse;
  using UpdateRequest = crm::v1::UpdateAccountRequest;
  using DeleteRequest = crm::v1::DeleteAccountRequest;
  static constexpr const char* kCollection = "accounts";
  static constexpr const char* kSingular = "account";
  static constexpr auto kCreate = &Service::CreateAccount;
  static constexpr auto kGet = &Service::GetAccount;
  static constexpr auto kList = &Service::ListAccounts;
  static constexpr auto kUpdate = &Service::UpdateAccount;
  static constexpr auto kDelete = &Service::DeleteAccount;
  static std::vector<std::string> Columns() {
    return {"name", "display_name", "tier", "industry", "region", "owner", "annual_revenue"};
  }
  static Resource* Mutable(CreateRequest& request) { return request.mutable_account(); }
  static Resource* Mutable(UpdateRequest& request) { return request.mutable_account(); }
  static Service& Stub(crm::Client& client) { return client.accounts(); }
};

struct ContactTraits {
  using Resource = crm::v1::Contact;
  using Service = crm::v1::ContactService::Stub;
  using CreateRequest = crm::v1::CreateContactRequest;
  using GetRequest = crm::v1::GetContactRequest;
  using ListRequest = crm::v1::ListContactsRequest;
  using ListResponse = crm::v1::ListContactsResponse;
  using UpdateRequest = crm::v1::UpdateContactRequest;
  using DeleteRequest = crm::v1::DeleteContactRequest;
  static constexpr const char* kCollection = "contacts";
  static constexpr const char* kSingular = "contact";
  static constexpr auto kCreate = &Service::CreateContact;
  static constexpr auto kGet = &Service::GetContact;
  static constexpr auto kList = &Service::ListContacts;
  static constexpr auto kUpdate = &Service::UpdateContact;
  static constexpr auto kDelete = &Service::DeleteContact;
  static std::vector<std::string> Columns() {
    return {"name", "display_name", "emails", "phones", "region", "store_id", "lifecycle_stage"};
  }
  static Resource* Mutable(CreateRequest& request) { return request.mutable_contact(); }
  static Resource* Mutable(UpdateRequest& request) { return request.mutable_contact(); }
  static Service& Stub(crm::Client& client) { return client.contacts(); }
};

struct ResourceFlags {
  std::string name;
  std::vector<std::string> assignments;  // --set path=value
  std::string json;
  std::string json_file;
  std::string etag;
  std::string request_id;
  ListFlags list;
};

// --json / --json-file into `resource`; the top-level fields they set go to `mask`.
bool ApplyJson(CliContext& context, const ResourceFlags& flags, google::protobuf::Message& resource,
               std::vector<std::string>& mask) {
  std::string json = flags.json;
  if (!flags.json_file.empty()) {
    std::ifstream in(flags.json_file, std::ios::binary);
    if (!in) {
      context.Fail(kExitLocalFile, absl::StrCat("cannot read ", flags.json_file));
      return false;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    json = contents.str();
  }
  if (json.empty()) return true;
  absl::Status parsed = ParseYamlMessage(json, resource);
  if (!parsed.ok()) {
    context.Fail(kExitUsage, absl::StrCat("not a ", resource.GetDescriptor()->full_name(),
                                          ": ", parsed.message()));
    return false;
  }
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  resource.GetReflection()->ListFields(resource, &fields);
  for (const auto* field : fields) mask.push_back(field->name());
  return true;
}

bool ApplyAssignments(CliContext& context, const ResourceFlags& flags,
                      google::protobuf::Message& resource, std::vector<std::string>& mask) {
  for (const std::string& assignment : flags.assignments) {
    std::string path;
    absl::Status set = SetFieldFromText(resource, assignment, &path);
    if (!set.ok()) {
      context.Fail(kExitUsage, std::string(set.message()));
      return false;
    }
    mask.push_back(path);
  }
  return true;
}

template <typename Traits>
void RunCreate(CliContext& context, const ResourceFlags& flags) {
  typename Traits::CreateRequest request;
  typename Traits::Resource& resource = *Traits::Mutable(request);
  std::vector<std::string> ignored_mask;
  if (!ApplyJson(context, flags, resource, ignored_mask) ||
      !ApplyAssignments(context, flags, resource, ignored_mask)) {
    return;
  }
  request.set_request_id(flags.request_id);
  crm::Client* client = context.client();
  if (client == nullptr) return;
  typename Traits::Resource created;
  auto call = context.NewCallContext();
  grpc::Status status = (Traits::Stub(*client).*Traits::kCreate)(call.get(), request, &created);
  if (!status.ok()) return context.ReportRpcError(status, absl::StrCat("create ", Traits::kSingular));
  PrintMessage(context, created);
}

template <typename Traits>
void RunGet(CliContext& context, const ResourceFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  typename Traits::GetRequest request;
  request.set_name(QualifiedName(Traits::kCollection, flags.name));
  typename Traits::Resource resource;
  auto call = context.NewCallContext();
  grpc::Status status = (Traits::Stub(*client).*Traits::kGet)(call.get(), request, &resource);
  if (!status.ok()) return context.ReportRpcError(status, absl::StrCat("get ", Traits::kSingular));
  PrintMessage(context, resource);
}

template <typename Traits>
void RunList(CliContext& context, const ResourceFlags& flags) {
  typename Traits::ListResponse response;
  ListPages(context, flags.list, response, Traits::kCollection, Traits::Columns(),
            absl::StrCat("list ", Traits::kCollection),
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              typename Traits::ListRequest request;
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              request.set_filter(flags.list.filter);
              request.set_order_by(flags.list.order_by);
              return (Traits::Stub(*context.client()).*Traits::kList)(
                  &call, request, static_cast<typename Traits::ListResponse*>(&page));
            });
}

template <typename Traits>
void RunUpdate(CliContext& context, const ResourceFlags& flags) {
  typename Traits::UpdateRequest request;
  typename Traits::Resource& resource = *Traits::Mutable(request);
  std::vector<std::string> mask;
  if (!ApplyJson(context, flags, resource, mask) || !ApplyAssignments(context, flags, resource, mask)) {
    return;
  }
  if (mask.empty()) {
    return context.Fail(kExitUsage, "nothing to update: give --set FIELD=VALUE or --json");
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  resource.set_name(QualifiedName(Traits::kCollection, flags.name));
  // Without --etag the change applies to whatever is current (last writer wins); with
  // it a concurrent change makes the update ABORTED.
  resource.set_etag(flags.etag);
  for (const std::string& path : mask) request.mutable_update_mask()->add_paths(path);
  typename Traits::Resource updated;
  auto call = context.NewCallContext();
  grpc::Status status = (Traits::Stub(*client).*Traits::kUpdate)(call.get(), request, &updated);
  if (!status.ok()) return context.ReportRpcError(status, absl::StrCat("update ", Traits::kSingular));
  PrintMessage(context, updated);
}

template <typename Traits>
void RunDelete(CliContext& context, const ResourceFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  typename Traits::DeleteRequest request;
  request.set_name(QualifiedName(Traits::kCollection, flags.name));
  request.set_etag(flags.etag);
  google::protobuf::Empty empty;
  auto call = context.NewCallContext();
  grpc::Status status = (Traits::Stub(*client).*Traits::kDelete)(call.get(), request, &empty);
  if (!status.ok()) return context.ReportRpcError(status, absl::StrCat("delete ", Traits::kSingular));
  if (context.json()) {
    context.out() << "{\"deleted\": \"" << request.name() << "\"}\n";
  } else {
    context.out() << "deleted " << request.name() << "\n";
  }
}

void AddWriteFlags(CLI::App& command, ResourceFlags& flags) {
  command.add_option("--set", flags.assignments,
                     "FIELD=VALUE, repeatable: region=East, tags=vip,gold, attributes.line=anti-ageing, "
                     "annual_revenue=1250000.50, birthday=1990-04-17");
  command.add_option("--json", flags.json,
                     "fields as JSON or YAML, e.g. '{consents: [{channel: EMAIL, state: OPTED_IN}]}'");
  command.add_option("--json-file", flags.json_file, "fields as JSON or YAML, from a file");
}

template <typename Traits>
void RegisterResource(CLI::App& app, CliContext& context, const std::string& description) {
  CLI::App* group = app.add_subcommand(Traits::kCollection, description);
  group->require_subcommand(1);
  auto flags = std::make_shared<ResourceFlags>();
  const std::string id_help = absl::StrCat(Traits::kCollection, "/{id} or {id}");

  CLI::App* get = group->add_subcommand("get", absl::StrCat("show one ", Traits::kSingular));
  get->add_option(Traits::kSingular, flags->name, id_help)->required();
  get->callback([&context, flags] { RunGet<Traits>(context, *flags); });

  CLI::App* list = group->add_subcommand("list", absl::StrCat("list ", Traits::kCollection));
  AddListFlags(*list, flags->list, /*filterable=*/true);
  list->callback([&context, flags] { RunList<Traits>(context, *flags); });

  CLI::App* create = group->add_subcommand("create", absl::StrCat("create a ", Traits::kSingular));
  AddWriteFlags(*create, *flags);
  create->add_option("--request-id", flags->request_id, "idempotency key (UUID); generated if empty");
  create->callback([&context, flags] { RunCreate<Traits>(context, *flags); });

  CLI::App* update = group->add_subcommand(
      "update", "change the fields given (the update mask is exactly those fields)");
  update->add_option(Traits::kSingular, flags->name, id_help)->required();
  AddWriteFlags(*update, *flags);
  update->add_option("--etag", flags->etag, "only if still at this version (else ABORTED)");
  update->callback([&context, flags] { RunUpdate<Traits>(context, *flags); });

  CLI::App* remove = group->add_subcommand("delete", absl::StrCat("delete a ", Traits::kSingular));
  remove->add_option(Traits::kSingular, flags->name, id_help)->required();
  remove->add_option("--etag", flags->etag, "only if still at this version (else ABORTED)");
  remove->callback([&context, flags] { RunDelete<Traits>(context, *flags); });
}

}  // namespace

void RegisterResourceCommands(CLI::App& app, CliContext& context) {
  RegisterResource<AccountTraits>(app, context, "customer organisations (B2B accounts)");
  RegisterResource<ContactTraits>(app, context, "people: customers, members, prospects");
}

}  // namespace crm::crmctl
