// Shared pieces of crmctl's get/list commands: the paging flags, resource-name
// shorthands and a loop that follows page tokens.
#ifndef CRM_CLIENTS_CRMCTL_LIST_SUPPORT_H_
#define CRM_CLIENTS_CRMCTL_LIST_SUPPORT_H_

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <google/protobuf/message.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "clients/crmctl/cli_context.h"

namespace crm::crmctl {

struct ListFlags {
  int page_size = 0;
  std::string page_token;
  std::string filter;
  std::string order_by;
  bool all = false;
};

// --page-size, --page-token, --all and, when `filterable`, --filter and --order-by.
void AddListFlags(CLI::App& command, ListFlags& flags, bool filterable);

// "acme" → "tenants/acme"; a full "tenants/acme" is kept as is.
std::string QualifiedName(const std::string& collection, const std::string& id_or_name);

// Calls `fetch_page(context, page_token, response)` once, or for every page with --all,
// and prints the items of the repeated field `items_field` as a table with `columns`
// (or the response(s) as JSON, pages merged into one). `what` names the call in errors.
void ListPages(CliContext& context, const ListFlags& flags, google::protobuf::Message& response,
               const std::string& items_field, const std::vector<std::string>& columns,
               const std::string& what,
               const std::function<grpc::Status(grpc::ClientContext&, const std::string&,
                                                google::protobuf::Message&)>& fetch_page);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_LIST_SUPPORT_H_
