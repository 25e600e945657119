#include "server/services/account_service.h"

#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/validation/field_mask.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"

namespace crm::server {
namespace {

const MethodPolicy kCreate("crm.v1.AccountService/CreateAccount", kCrmWriters, true);
const MethodPolicy kGet("crm.v1.AccountService/GetAccount", kCrmReaders, true);
const MethodPolicy kList("crm.v1.AccountService/ListAccounts", kCrmReaders, true);
const MethodPolicy kUpdate("crm.v1.AccountService/UpdateAccount", kCrmWriters, true);
const MethodPolicy kDelete("crm.v1.AccountService/DeleteAccount", kCrmWriters, true);

// Storage keeps money without a currency: it is always the tenant's.
v1::Account WithCurrency(v1::Account account, const CallContext& call) {
  if (account.has_annual_revenue()) {
    account.mutable_annual_revenue()->set_currency_code(call.tenant_settings().currency_code());
  }
  return account;
}

}  // namespace

grpc::Status AccountService::CreateAccount(grpc::ServerContext* context,
                                           const v1::CreateAccountRequest* request,
                                           v1::Account* response) {
  return runner_.Run(context, kCreate, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    v1::Account account = request->account();
    if (absl::Status status = NormalizeAccount(call.tenant_settings().currency_code(), &account);
        !status.ok()) {
      return status;
    }
    absl::StatusOr<v1::Account> created =
        accounts_.Create(call.tenant(), account, request->request_id(), call.deadline());
    if (!created.ok()) return created.status();
    *response = WithCurrency(*std::move(created), call);
    return absl::OkStatus();
  });
}

grpc::Status AccountService::GetAccount(grpc::ServerContext* context,
                                        const v1::GetAccountRequest* request,
                                        v1::Account* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "accounts");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Account> account = accounts_.Get(call.tenant(), *id, call.deadline());
    if (!account.ok()) return account.status();
    *response = WithCurrency(*std::move(account), call);
    return absl::OkStatus();
  });
}

grpc::Status AccountService::ListAccounts(grpc::ServerContext* context,
                                          const v1::ListAccountsRequest* request,
                                          v1::ListAccountsResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kList.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        AccountFilterFields(), page_tokens_);
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Account>> page =
        accounts_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Account& account : page->items) {
      *response->add_accounts() = WithCurrency(std::move(account), call);
    }
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status AccountService::UpdateAccount(grpc::ServerContext* context,
                                           const v1::UpdateAccountRequest* request,
                                           v1::Account* response) {
  return runner_.Run(context, kUpdate, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id =
        ParseResourceId("account.name", request->account().name(), "accounts");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Account> updated = accounts_.Update(
        call.tenant(), *id, request->account().etag(),
        [&](v1::Account& account) -> absl::Status {
          if (absl::Status status = ApplyUpdateMask(request->account(), request->update_mask(),
                                                    AccountWritablePaths(), &account);
              !status.ok()) {
            return status;
          }
          return NormalizeAccount(call.tenant_settings().currency_code(), &account);
        },
        call.deadline());
    if (!updated.ok()) return updated.status();
    *response = WithCurrency(*std::move(updated), call);
    return absl::OkStatus();
  });
}

grpc::Status AccountService::DeleteAccount(grpc::ServerContext* context,
                                           const v1::DeleteAccountRequest* request,
                                           google::protobuf::Empty*) {
  return runner_.Run(context, kDelete, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "accounts");
    if (!id.ok()) return id.status();
    return accounts_.Delete(call.tenant(), *id, request->etag(), call.deadline());
  });
}

}  // namespace crm::server
