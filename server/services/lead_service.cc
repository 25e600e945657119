#include "server/services/lead_service.h"

#include "absl/strings/str_cat.h"
#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/services/lead_funnel.h"
#include "server/validation/field_mask.h"
#include "server/validation/field_rules.h"
#include "server/validation/lead_rules.h"
#include "server/validation/resource_name.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

const MethodPolicy kCreate("crm.v1.LeadService/CreateLead", kCrmWriters, true);
const MethodPolicy kGet("crm.v1.LeadService/GetLead", kCrmReaders, true);
const MethodPolicy kList("crm.v1.LeadService/ListLeads", kCrmReaders, true);
const MethodPolicy kUpdate("crm.v1.LeadService/UpdateLead", kCrmWriters, true);
const MethodPolicy kRecordFollowUp("crm.v1.LeadService/RecordFollowUp", kCrmWriters, true);
const MethodPolicy kListDue("crm.v1.LeadService/ListDueFollowUps", kCrmReaders, true);
const MethodPolicy kConvert("crm.v1.LeadService/ConvertLead", kCrmWriters, true);
const MethodPolicy kInvalidate("crm.v1.LeadService/InvalidateLead", kCrmWriters, true);
const MethodPolicy kFunnel("crm.v1.LeadService/GetLeadFunnel", kCrmReaders, true);

// The longest funnel range: keeps one call's scan bounded.
constexpr absl::Duration kMaxFunnelRange = absl::Hours(24 * 3660);
constexpr absl::Duration kDefaultFunnelRange = absl::Hours(24 * 90);

const SortOptions& LeadSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"create_time", storage::SortKey::kCreateTime},
       {"update_time", storage::SortKey::kUpdateTime}},
      storage::SortKey::kCreateTime,
      false};
  return *options;
}

const SortOptions& DueSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"next_follow_up_time", storage::SortKey::kNextFollowUpTime}},
      storage::SortKey::kNextFollowUpTime,
      false};
  return *options;
}

// An optional request timestamp: valid, or unset.
absl::StatusOr<std::optional<absl::Time>> OptionalTime(absl::string_view field, bool has,
                                                       const google::protobuf::Timestamp& time) {
  if (!has) return std::nullopt;
  if (absl::Status valid = CheckTimestamp(field, time); !valid.ok()) return valid;
  return storage::FromProtoTimestamp(time);
}

}  // namespace

grpc::Status LeadService::CreateLead(grpc::ServerContext* context, const v1::CreateLeadRequest* request,
                                     v1::Lead* response) {
  return runner_.Run(context, kCreate, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    const absl::Time now = storage::NowMicros();
    // Only the registration is taken from the request; the pipeline state starts fresh.
    v1::Lead lead;
    const v1::Lead& in = request->lead();
    lead.set_contact(in.contact());
    lead.set_source(in.source());
    lead.set_source_detail(in.source_detail());
    lead.set_needs(in.needs());
    lead.set_intended_product(in.intended_product());
    if (in.has_intended_purchase_date()) *lead.mutable_intended_purchase_date() = in.intended_purchase_date();
    lead.set_intent(in.intent());
    lead.set_owner(in.owner());
    if (in.has_next_follow_up_time()) *lead.mutable_next_follow_up_time() = in.next_follow_up_time();
    lead.set_next_follow_up_method(in.next_follow_up_method());
    lead.set_status(v1::Lead::STATUS_ACTIVE);
    storage::ToProtoTimestamp(now, lead.mutable_create_time());
    storage::ToProtoTimestamp(now, lead.mutable_last_contact_time());
    if (absl::Status status = NormalizeLead(now, &lead); !status.ok()) return status;
    absl::StatusOr<v1::Lead> created = leads_.Create(call.tenant(), lead, request->request_id(), call.deadline());
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::Status LeadService::GetLead(grpc::ServerContext* context, const v1::GetLeadRequest* request,
                                  v1::Lead* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "leads");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Lead> lead = leads_.Get(call.tenant(), *id, call.deadline());
    if (!lead.ok()) return lead.status();
    *response = *std::move(lead);
    return absl::OkStatus();
  });
}

grpc::Status LeadService::ListLeads(grpc::ServerContext* context, const v1::ListLeadsRequest* request,
                                    v1::ListLeadsResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kList.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        LeadFilterFields(), page_tokens_, LeadSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Lead>> page = leads_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Lead& lead : page->items) *response->add_leads() = std::move(lead);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status LeadService::UpdateLead(grpc::ServerContext* context, const v1::UpdateLeadRequest* request,
                                     v1::Lead* response) {
  return runner_.Run(context, kUpdate, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("lead.name", request->lead().name(), "leads");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Lead> updated = leads_.Update(
        call.tenant(), *id, request->lead().etag(),
        [&](v1::Lead& lead) -> absl::Status {
          if (absl::Status status =
                  ApplyUpdateMask(request->lead(), request->update_mask(), LeadWritablePaths(), &lead);
              !status.ok()) {
            return status;
          }
          if (lead.status() != v1::Lead::STATUS_ACTIVE && lead.has_next_follow_up_time()) {
            return absl::FailedPreconditionError(
                "lead.next_follow_up_time: only an ACTIVE lead has a follow-up plan");
          }
          return NormalizeLead(storage::FromProtoTimestamp(lead.create_time()), &lead);
        },
        call.deadline());
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

grpc::Status LeadService::RecordFollowUp(grpc::ServerContext* context,
                                         const v1::RecordFollowUpRequest* request,
                                         v1::RecordFollowUpResponse* response) {
  return runner_.Run(context, kRecordFollowUp, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    absl::StatusOr<std::string> id = ParseResourceId("lead", request->lead(), "leads");
    if (!id.ok()) return id.status();
    v1::LeadFollowUp follow_up;
    follow_up.set_method(request->follow_up().method());
    follow_up.set_outcome(request->follow_up().outcome());
    if (request->follow_up().has_follow_up_time()) {
      *follow_up.mutable_follow_up_time() = request->follow_up().follow_up_time();
    }
    follow_up.set_performed_by(request->follow_up().performed_by());
    follow_up.set_notes(request->follow_up().notes());
    if (absl::Status status = NormalizeFollowUp(storage::NowMicros(), &follow_up); !status.ok()) {
      return status;
    }
    absl::StatusOr<std::optional<absl::Time>> next_time = OptionalTime(
        "next_follow_up_time", request->has_next_follow_up_time(), request->next_follow_up_time());
    if (!next_time.ok()) return next_time.status();
    const FollowUpPlan plan{*next_time, request->next_follow_up_method()};
    if (absl::Status status =
            CheckFollowUpPlan(plan, storage::FromProtoTimestamp(follow_up.follow_up_time()));
        !status.ok()) {
      return status;
    }
    const v1::LeadPolicy& policy = call.tenant_settings().lead_policy();
    absl::StatusOr<std::pair<v1::LeadFollowUp, v1::Lead>> recorded = leads_.RecordFollowUp(
        call.tenant(), *id, follow_up, request->request_id(),
        [&](v1::Lead& lead, const v1::LeadFollowUp& stored) {
          return ApplyFollowUp(stored, plan, policy, &lead);
        },
        call.deadline());
    if (!recorded.ok()) return recorded.status();
    *response->mutable_follow_up() = std::move(recorded->first);
    *response->mutable_lead() = std::move(recorded->second);
    return absl::OkStatus();
  });
}

grpc::Status LeadService::ListDueFollowUps(grpc::ServerContext* context,
                                           const v1::ListDueFollowUpsRequest* request,
                                           v1::ListDueFollowUpsResponse* response) {
  return runner_.Run(context, kListDue, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::optional<absl::Time>> due_before =
        OptionalTime("due_before", request->has_due_before(), request->due_before());
    if (!due_before.ok()) return due_before.status();
    // An explicit due_before is part of the query a page token is bound to; "now"
    // moves on between pages, which only lets newly due leads join at the end.
    const std::string method =
        due_before->has_value() ? absl::StrCat(kListDue.method(), "@", storage::ToSqlDatetime(**due_before))
                                : std::string(kListDue.method());
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        method, call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), ""}, LeadFilterFields(),
        page_tokens_, DueSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Lead>> page =
        leads_.ListDue(call.tenant(), list->query(), due_before->value_or(absl::Now()), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Lead& lead : page->items) *response->add_leads() = std::move(lead);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status LeadService::ConvertLead(grpc::ServerContext* context, const v1::ConvertLeadRequest* request,
                                      v1::Lead* response) {
  return runner_.Run(context, kConvert, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "leads");
    if (!id.ok()) return id.status();
    std::optional<v1::Purchase> purchase;
    if (!request->purchase().empty()) {
      absl::StatusOr<std::string> purchase_id = ParseResourceId("purchase", request->purchase(), "purchases");
      if (!purchase_id.ok()) return purchase_id.status();
      absl::StatusOr<v1::Purchase> found = purchases_.Get(call.tenant(), *purchase_id, call.deadline());
      if (!found.ok()) {
        if (absl::IsNotFound(found.status())) {
          return absl::NotFoundError(absl::StrCat("purchase: ", request->purchase(), " does not exist"));
        }
        return found.status();
      }
      purchase = *std::move(found);
    }
    absl::StatusOr<v1::Lead> converted = leads_.Update(
        call.tenant(), *id, request->etag(),
        [&](v1::Lead& lead) -> absl::Status {
          if (!purchase) return ApplyConversion(storage::NowMicros(), "", &lead);
          if (purchase->contact() != lead.contact()) {
            // Existence of other contacts' purchases is not revealed beyond NOT_FOUND.
            return absl::NotFoundError(absl::StrCat("purchase: ", purchase->name(),
                                                    " is not a purchase of ", lead.contact()));
          }
          return ApplyConversion(storage::FromProtoTimestamp(purchase->purchase_time()),
                                 purchase->name(), &lead);
        },
        call.deadline());
    if (!converted.ok()) return converted.status();
    *response = *std::move(converted);
    return absl::OkStatus();
  });
}

grpc::Status LeadService::InvalidateLead(grpc::ServerContext* context,
                                         const v1::InvalidateLeadRequest* request, v1::Lead* response) {
  return runner_.Run(context, kInvalidate, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "leads");
    if (!id.ok()) return id.status();
    const v1::LeadPolicy& policy = call.tenant_settings().lead_policy();
    absl::StatusOr<v1::Lead> invalidated = leads_.Update(
        call.tenant(), *id, request->etag(),
        [&](v1::Lead& lead) {
          return ApplyInvalidation(request->reason(), request->note(), storage::NowMicros(), policy,
                                   &lead);
        },
        call.deadline());
    if (!invalidated.ok()) return invalidated.status();
    *response = *std::move(invalidated);
    return absl::OkStatus();
  });
}

grpc::Status LeadService::GetLeadFunnel(grpc::ServerContext* context,
                                        const v1::GetLeadFunnelRequest* request, v1::LeadFunnel* response) {
  return runner_.Run(context, kFunnel, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::optional<absl::Time>> end =
        OptionalTime("end_time", request->has_end_time(), request->end_time());
    if (!end.ok()) return end.status();
    absl::StatusOr<std::optional<absl::Time>> start =
        OptionalTime("start_time", request->has_start_time(), request->start_time());
    if (!start.ok()) return start.status();
    const absl::Time end_time = end->value_or(storage::NowMicros());
    const absl::Time start_time = start->value_or(end_time - kDefaultFunnelRange);
    if (start_time >= end_time) return absl::InvalidArgumentError("end_time: must be after start_time");
    if (end_time - start_time > kMaxFunnelRange) {
      return absl::InvalidArgumentError("start_time: the range may span at most 10 years");
    }
    absl::StatusOr<std::vector<storage::LeadSourceCounts>> counts =
        leads_.Funnel(call.tenant(), start_time, end_time, call.deadline());
    if (!counts.ok()) return counts.status();
    *response = BuildLeadFunnel(*counts, start_time, end_time);
    return absl::OkStatus();
  });
}

}  // namespace crm::server
