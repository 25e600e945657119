#include "server/services/interaction_service.h"

#include "absl/strings/str_cat.h"
#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"

namespace crm::server {
namespace {

// Schedulers report the touches they send, so they may log interactions.
const MethodPolicy kLog("crm.v1.InteractionService/LogInteraction",
                        {v1::ROLE_TENANT_ADMIN, v1::ROLE_INTEGRATION, v1::ROLE_SCHEDULER}, true);
const MethodPolicy kGet("crm.v1.InteractionService/GetInteraction", kCrmReaders, true);
const MethodPolicy kList("crm.v1.InteractionService/ListInteractions", kCrmReaders, true);
const MethodPolicy kTimeline("crm.v1.InteractionService/GetContactTimeline", kCrmReaders, true);

const SortOptions& InteractionSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"interaction_time", storage::SortKey::kInteractionTime},
       {"create_time", storage::SortKey::kCreateTime}},
      storage::SortKey::kInteractionTime,
      /*default_descending=*/true};
  return *options;
}

}  // namespace

grpc::Status InteractionService::LogInteraction(grpc::ServerContext* context,
                                                const v1::LogInteractionRequest* request,
                                                v1::Interaction* response) {
  return runner_.Run(context, kLog, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    v1::Interaction interaction = request->interaction();
    if (absl::Status status = NormalizeInteraction(&interaction); !status.ok()) return status;
    absl::StatusOr<v1::Interaction> logged =
        interactions_.Log(call.tenant(), interaction, request->request_id(), call.deadline());
    if (!logged.ok()) return logged.status();
    *response = *std::move(logged);
    return absl::OkStatus();
  });
}

grpc::Status InteractionService::GetInteraction(grpc::ServerContext* context,
                                                const v1::GetInteractionRequest* request,
                                                v1::Interaction* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "interactions");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Interaction> interaction = interactions_.Get(call.tenant(), *id, call.deadline());
    if (!interaction.ok()) return interaction.status();
    *response = *std::move(interaction);
    return absl::OkStatus();
  });
}

grpc::Status InteractionService::ListInteractions(grpc::ServerContext* context,
                                                  const v1::ListInteractionsRequest* request,
                                                  v1::ListInteractionsResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kList.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        InteractionFilterFields(), page_tokens_, InteractionSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Interaction>> page =
        interactions_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Interaction& interaction : page->items) *response->add_interactions() = std::move(interaction);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status InteractionService::GetContactTimeline(grpc::ServerContext* context,
                                                    const v1::GetContactTimelineRequest* request,
                                                    v1::GetContactTimelineResponse* response) {
  return runner_.Run(context, kTimeline, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> contact_id =
        ParseResourceId("contact", request->contact(), "contacts");
    if (!contact_id.ok()) return contact_id.status();
    // Reuses the List plumbing for page_size and the page token; the token is bound
    // to the contact through the query fingerprint.
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        absl::StrCat(kTimeline.method(), "/", *contact_id), call.tenant().value(),
        {request->page_size(), request->page_token(), "", ""}, InteractionFilterFields(),
        page_tokens_);
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::TimelineEntry>> page = interactions_.Timeline(
        call.tenant(), *contact_id, list->query().after, list->query().page_size, call.deadline());
    if (!page.ok()) return page.status();
    const std::string& currency = call.tenant_settings().currency_code();
    for (v1::TimelineEntry& entry : page->items) {
      if (entry.has_purchase()) {
        entry.mutable_purchase()->mutable_amount()->set_currency_code(currency);
        if (entry.purchase().has_gross_margin()) {
          entry.mutable_purchase()->mutable_gross_margin()->set_currency_code(currency);
        }
      }
      *response->add_entries() = std::move(entry);
    }
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

}  // namespace crm::server
