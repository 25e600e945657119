#include "clients/crmctl/list_support.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/output.h"

namespace crm::crmctl {

void AddListFlags(CLI::App& command, ListFlags& flags, bool filterable) {
  command.add_option("--page-size", flags.page_size, "results per page, 1..1000 (server default 50)")
      ->check(CLI::Range(0, 1000));
  command.add_option("--page-token", flags.page_token, "continue from a previous page");
  command.add_flag("--all", flags.all, "follow page tokens to the end");
  if (filterable) {
    command.add_option("--filter", flags.filter,
                       "AIP-160 filter, e.g. 'region = \"East\" AND tags:\"vip\"'");
    command.add_option("--order-by", flags.order_by, "e.g. 'display_name' or 'create_time desc'");
  }
}

std::string QualifiedName(const std::string& collection, const std::string& id_or_name) {
  const std::string prefix = collection + "/";
  if (absl::StartsWith(id_or_name, prefix)) return id_or_name;
  return prefix + id_or_name;
}

namespace {

std::string NextPageToken(const google::protobuf::Message& response) {
  const auto* field = response.GetDescriptor()->FindFieldByName("next_page_token");
  return field == nullptr ? "" : response.GetReflection()->GetString(response, field);
}

}  // namespace

void ListPages(CliContext& context, const ListFlags& flags, google::protobuf::Message& response,
               const std::string& items_field, const std::vector<std::string>& columns,
               const std::string& what,
               const std::function<grpc::Status(grpc::ClientContext&, const std::string&,
                                                google::protobuf::Message&)>& fetch_page) {
  if (context.client() == nullptr) return;
  std::string page_token = flags.page_token;
  std::unique_ptr<google::protobuf::Message> page(response.New());
  response.Clear();
  while (true) {
    page->Clear();
    std::unique_ptr<grpc::ClientContext> call = context.NewCallContext();
    grpc::Status status = fetch_page(*call, page_token, *page);
    if (!status.ok()) {
      context.ReportRpcError(status, what);
      return;
    }
    response.MergeFrom(*page);  // appends the items; proto3 keeps a non-empty token
    page_token = NextPageToken(*page);
    if (!flags.all || page_token.empty()) break;
  }
  if (const auto* token_field = response.GetDescriptor()->FindFieldByName("next_page_token")) {
    response.GetReflection()->SetString(&response, token_field, page_token);
  }
  const auto* items = response.GetDescriptor()->FindFieldByName(items_field);
  std::vector<const google::protobuf::Message*> rows;
  for (int i = 0; items != nullptr && i < response.GetReflection()->FieldSize(response, items); ++i) {
    rows.push_back(&response.GetReflection()->GetRepeatedMessage(response, items, i));
  }
  PrintList(context, response, rows, columns, page_token);
}

}  // namespace crm::crmctl
