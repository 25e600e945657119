#include "server/services/campaign_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/services/audience_preview.h"
#include "server/services/campaign_results.h"
#include "server/validation/campaign_rules.h"
#include "server/validation/contact_policy_rules.h"
#include "server/validation/field_mask.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/status_macros.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

const MethodPolicy kCreate("crm.v1.CampaignService/CreateCampaign", kCrmWriters, true);
const MethodPolicy kGet("crm.v1.CampaignService/GetCampaign", kCrmReaders, true);
const MethodPolicy kList("crm.v1.CampaignService/ListCampaigns", kCrmReaders, true);
const MethodPolicy kUpdate("crm.v1.CampaignService/UpdateCampaign", kCrmWriters, true);
const MethodPolicy kDelete("crm.v1.CampaignService/DeleteCampaign", kCrmWriters, true);
const MethodPolicy kSchedule("crm.v1.CampaignService/ScheduleCampaign", kCrmWriters, true);
const MethodPolicy kPause("crm.v1.CampaignService/PauseCampaign", kCrmWriters, true);
const MethodPolicy kResume("crm.v1.CampaignService/ResumeCampaign", kCrmWriters, true);
const MethodPolicy kCancel("crm.v1.CampaignService/CancelCampaign", kCrmWriters, true);
const MethodPolicy kPreview("crm.v1.CampaignService/PreviewAudience", kCrmReaders, true);
const MethodPolicy kListRuns("crm.v1.CampaignService/ListCampaignRuns", kCrmReaders, true);
const MethodPolicy kRecordResponse("crm.v1.CampaignService/RecordResponse", kCrmWriters, true);
const MethodPolicy kResults("crm.v1.CampaignService/GetCampaignResults", kCrmReaders, true);

const SortOptions& CampaignSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"create_time", storage::SortKey::kCreateTime}, {"update_time", storage::SortKey::kUpdateTime}},
      storage::SortKey::kCreateTime,
      true};
  return *options;
}

// The definition fields of a request's campaign (output-only fields dropped).
v1::Campaign DefinitionOf(const v1::Campaign& in) {
  v1::Campaign campaign = in;
  campaign.clear_name();
  campaign.clear_state();
  campaign.clear_start_time();
  campaign.clear_end_time();
  campaign.clear_audience();
  campaign.clear_create_time();
  campaign.clear_update_time();
  campaign.clear_etag();
  return campaign;
}

}  // namespace

grpc::Status CampaignService::CreateCampaign(grpc::ServerContext* context, const v1::CreateCampaignRequest* request,
                                             v1::Campaign* response) {
  return runner_.Run(context, kCreate, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    CRM_RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    v1::Campaign campaign = DefinitionOf(request->campaign());
    CRM_RETURN_IF_ERROR(NormalizeCampaign(call.tenant_settings().currency_code(),
                                          call.tenant_settings().time_zone(), &campaign));
    absl::StatusOr<v1::Campaign> created =
        campaigns_.Create(call.tenant(), campaign, request->request_id(), call.deadline());
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::GetCampaign(grpc::ServerContext* context, const v1::GetCampaignRequest* request,
                                          v1::Campaign* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "campaigns");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(call.tenant(), *id, call.deadline());
    if (!campaign.ok()) return campaign.status();
    *response = *std::move(campaign);
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::ListCampaigns(grpc::ServerContext* context, const v1::ListCampaignsRequest* request,
                                            v1::ListCampaignsResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kList.method(), call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        CampaignFilterFields(), page_tokens_, CampaignSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::Campaign>> page =
        campaigns_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Campaign& campaign : page->items) *response->add_campaigns() = std::move(campaign);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::UpdateCampaign(grpc::ServerContext* context, const v1::UpdateCampaignRequest* request,
                                             v1::Campaign* response) {
  return runner_.Run(context, kUpdate, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("campaign.name", request->campaign().name(), "campaigns");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Campaign> updated = campaigns_.Update(
        call.tenant(), *id, request->campaign().etag(),
        [&](v1::Campaign& campaign) -> absl::Status {
          const v1::Campaign before = campaign;
          CRM_RETURN_IF_ERROR(ApplyUpdateMask(DefinitionOf(request->campaign()), request->update_mask(),
                                              CampaignWritablePaths(), &campaign));
          CRM_RETURN_IF_ERROR(NormalizeCampaign(call.tenant_settings().currency_code(),
                                                call.tenant_settings().time_zone(), &campaign));
          return CheckCampaignUpdate(before, campaign);
        },
        call.deadline());
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::DeleteCampaign(grpc::ServerContext* context, const v1::DeleteCampaignRequest* request,
                                             v1::DeleteCampaignResponse* /*response*/) {
  return runner_.Run(context, kDelete, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "campaigns");
    if (!id.ok()) return id.status();
    return campaigns_.Delete(
        call.tenant(), *id, request->etag(),
        [](const v1::Campaign& campaign) -> absl::Status {
          if (campaign.state() == v1::Campaign::STATE_DRAFT) return absl::OkStatus();
          return absl::FailedPreconditionError(absl::StrCat("state: only a DRAFT campaign can be deleted; ",
                                                            campaign.name(), " is ",
                                                            v1::Campaign::State_Name(campaign.state()),
                                                            " (cancel it instead)"));
        },
        call.deadline());
  });
}

grpc::Status CampaignService::Transition(grpc::ServerContext* context, const MethodPolicy& policy,
                                         const std::string& name, const std::string& etag, bool resume,
                                         v1::Campaign::State target, v1::Campaign* response) {
  return runner_.Run(context, policy, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", name, "campaigns");
    if (!id.ok()) return id.status();
    const absl::Time now = storage::NowMicros();
    absl::StatusOr<v1::Campaign> moved = campaigns_.Update(
        call.tenant(), *id, etag,
        [&](v1::Campaign& campaign) -> absl::Status {
          v1::Campaign::State to = target;
          if (resume) {
            if (campaign.state() != v1::Campaign::STATE_PAUSED) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "state: only a PAUSED campaign can be resumed; ", campaign.name(), " is ",
                  v1::Campaign::State_Name(campaign.state())));
            }
            to = campaign.has_start_time() ? v1::Campaign::STATE_RUNNING : v1::Campaign::STATE_SCHEDULED;
          } else {
            CRM_RETURN_IF_ERROR(CheckCampaignTransition(campaign.state(), to));
          }
          if (to == v1::Campaign::STATE_SCHEDULED && !resume &&
              storage::FromProtoTimestamp(campaign.schedule().end_time()) <= now) {
            return absl::FailedPreconditionError(
                "schedule.end_time: the schedule has already ended; update it before scheduling");
          }
          campaign.set_state(to);
          return absl::OkStatus();
        },
        call.deadline());
    if (!moved.ok()) return moved.status();
    *response = *std::move(moved);
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::ScheduleCampaign(grpc::ServerContext* context,
                                               const v1::ScheduleCampaignRequest* request, v1::Campaign* response) {
  return Transition(context, kSchedule, request->name(), request->etag(), false, v1::Campaign::STATE_SCHEDULED,
                    response);
}

grpc::Status CampaignService::PauseCampaign(grpc::ServerContext* context, const v1::PauseCampaignRequest* request,
                                            v1::Campaign* response) {
  return Transition(context, kPause, request->name(), request->etag(), false, v1::Campaign::STATE_PAUSED,
                    response);
}

grpc::Status CampaignService::ResumeCampaign(grpc::ServerContext* context, const v1::ResumeCampaignRequest* request,
                                             v1::Campaign* response) {
  return Transition(context, kResume, request->name(), request->etag(), true, v1::Campaign::STATE_RUNNING,
                    response);
}

grpc::Status CampaignService::CancelCampaign(grpc::ServerContext* context, const v1::CancelCampaignRequest* request,
                                             v1::Campaign* response) {
  return Transition(context, kCancel, request->name(), request->etag(), false, v1::Campaign::STATE_CANCELLED,
                    response);
}

grpc::Status CampaignService::PreviewAudience(grpc::ServerContext* context,
                                              const v1::PreviewAudienceRequest* request,
                                              v1::AudiencePreview* response) {
  return runner_.Run(context, kPreview, [&](CallContext& call) -> absl::Status {
    if (request->name().empty() == !request->has_campaign()) {
      return absl::InvalidArgumentError("name: set exactly one of name (a stored campaign) and campaign");
    }
    v1::Campaign campaign;
    std::string campaign_id;
    if (!request->name().empty()) {
      absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "campaigns");
      if (!id.ok()) return id.status();
      absl::StatusOr<v1::Campaign> stored = campaigns_.Get(call.tenant(), *id, call.deadline());
      if (!stored.ok()) return stored.status();
      if (stored->has_start_time()) {  // frozen: the snapshot's own counts
        *response = stored->audience();
        return absl::OkStatus();
      }
      campaign = *std::move(stored);
      campaign_id = *id;
    } else {
      // Only the audience matters here; a placeholder schedule lets the full
      // validation run on the rest.
      campaign = DefinitionOf(request->campaign());
      if (campaign.display_name().empty()) campaign.set_display_name("preview");
      if (campaign.objective() == v1::Campaign::OBJECTIVE_UNSPECIFIED) {
        campaign.set_objective(v1::Campaign::OBJECTIVE_PROMOTION);
      }
      const absl::Time now = storage::NowMicros();
      storage::ToProtoTimestamp(now, campaign.mutable_schedule()->mutable_start_time());
      storage::ToProtoTimestamp(now + absl::Hours(24), campaign.mutable_schedule()->mutable_end_time());
      campaign.clear_type();
      campaign.clear_event_time();
      CRM_RETURN_IF_ERROR(NormalizeCampaign(call.tenant_settings().currency_code(),
                                            call.tenant_settings().time_zone(), &campaign));
    }
    absl::StatusOr<v1::AudiencePreview> preview =
        CountAudience(campaigns_, call.tenant(), campaign, campaign_id,
                      EffectivePolicy(call.tenant_settings().contact_policy()), call.deadline());
    if (!preview.ok()) return preview.status();
    *response = *std::move(preview);
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::ListCampaignRuns(grpc::ServerContext* context,
                                               const v1::ListCampaignRunsRequest* request,
                                               v1::ListCampaignRunsResponse* response) {
  return runner_.Run(context, kListRuns, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("parent", request->parent(), "campaigns");
    if (!id.ok()) return id.status();
    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
      return absl::InvalidArgumentError("page_size: must be 0..1000");
    }
    const int page_size = request->page_size() == 0 ? 50 : request->page_size();
    const std::string scope = call.tenant().value();
    const std::string fingerprint = absl::StrCat(kListRuns.method(), "/", *id);
    int after = 0;
    if (!request->page_token().empty()) {
      absl::StatusOr<storage::ListCursor> cursor = page_tokens_.Decode(request->page_token(), scope, fingerprint);
      if (!cursor.ok()) return cursor.status();
      if (!absl::SimpleAtoi(cursor->id, &after)) return absl::InvalidArgumentError("page_token: not valid");
    }
    absl::StatusOr<storage::Page<v1::CampaignRun>> page =
        campaigns_.ListRuns(call.tenant(), *id, after, page_size, call.deadline());
    if (!page.ok()) return page.status();
    for (v1::CampaignRun& run : page->items) *response->add_runs() = std::move(run);
    if (page->next) response->set_next_page_token(page_tokens_.Encode(scope, fingerprint, *page->next));
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::RecordResponse(grpc::ServerContext* context, const v1::RecordResponseRequest* request,
                                             v1::CampaignResponse* response) {
  return runner_.Run(context, kRecordResponse, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    CRM_RETURN_IF_ERROR(CheckRequestId(request->request_id()));
    absl::StatusOr<std::string> id = ParseResourceId("parent", request->parent(), "campaigns");
    if (!id.ok()) return id.status();
    v1::CampaignResponse recorded;
    absl::StatusOr<std::string> contact =
        ParseResourceId("response.contact", request->response().contact(), "contacts");
    if (!contact.ok()) return contact.status();
    recorded.set_contact(request->response().contact());
    CRM_RETURN_IF_ERROR(CheckEnum("response.kind", request->response().kind(), v1::CampaignResponse::Kind_IsValid,
                                  false));
    recorded.set_kind(request->response().kind());
    if (request->response().has_response_time()) {
      CRM_RETURN_IF_ERROR(CheckTimestampNotInFuture("response.response_time", request->response().response_time()));
      *recorded.mutable_response_time() = request->response().response_time();
    } else {
      storage::ToProtoTimestamp(storage::NowMicros(), recorded.mutable_response_time());
    }
    CRM_RETURN_IF_ERROR(CheckText("response.note", request->response().note(), 1000, false, true));
    recorded.set_note(request->response().note());
    absl::StatusOr<v1::CampaignResponse> stored =
        campaigns_.RecordResponse(call.tenant(), *id, recorded, request->request_id(), call.deadline());
    if (!stored.ok()) return stored.status();
    *response = *std::move(stored);
    return absl::OkStatus();
  });
}

grpc::Status CampaignService::GetCampaignResults(grpc::ServerContext* context,
                                                 const v1::GetCampaignResultsRequest* request,
                                                 v1::CampaignResults* response) {
  return runner_.Run(context, kResults, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "campaigns");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Campaign> campaign = campaigns_.Get(call.tenant(), *id, call.deadline());
    if (!campaign.ok()) return campaign.status();
    if (!campaign->has_start_time()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "name: ", campaign->name(), " has not started (", v1::Campaign::State_Name(campaign->state()),
          "): it has no audience to measure yet"));
    }
    absl::StatusOr<v1::CampaignResults> results = ComputeCampaignResults(
        results_, purchases_, call.tenant(), *id, *campaign, call.tenant_settings().currency_code(), storage::NowMicros(),
        call.deadline());
    if (!results.ok()) return results.status();
    *response = *std::move(results);
    return absl::OkStatus();
  });
}

}  // namespace crm::server
