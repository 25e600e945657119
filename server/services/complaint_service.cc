#include "server/services/complaint_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/validation/field_mask.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/resource_rules.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

const MethodPolicy kCreate("crm.v1.ComplaintService/CreateComplaint", kCrmWriters, true);
const MethodPolicy kGet("crm.v1.ComplaintService/GetComplaint", kCrmReaders, true);
const MethodPolicy kList("crm.v1.ComplaintService/ListComplaints", kCrmReaders, true);
const MethodPolicy kUpdate("crm.v1.ComplaintService/UpdateComplaint", kCrmWriters, true);

const SortOptions& ComplaintSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"create_time", storage::SortKey::kCreateTime},
       {"update_time", storage::SortKey::kUpdateTime}},
      storage::SortKey::kCreateTime,
      false};
  return *options;
}

}  // namespace

grpc::Status ComplaintService::CreateComplaint(grpc::ServerContext* context,
                                               const v1::CreateComplaintRequest* request,
                                               v1::Complaint* response) {
  return runner_.Run(context, kCreate, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    if (absl::Status status = CheckRequestId(request->request_id()); !status.ok()) return status;
    v1::Complaint complaint = request->complaint();
    complaint.set_status(v1::Complaint::STATUS_OPEN);
    complaint.clear_resolve_time();
    complaint.clear_close_time();
    if (absl::Status status = NormalizeComplaint(&complaint); !status.ok()) return status;
    const absl::Time now = storage::NowMicros();
    storage::ToProtoTimestamp(now, complaint.mutable_create_time());
    storage::ToProtoTimestamp(
        now + ComplaintResponseTime(call.tenant_settings().complaint_policy(), complaint.severity()),
        complaint.mutable_due_time());
    absl::StatusOr<v1::Complaint> created =
        complaints_.Create(call.tenant(), complaint, request->request_id(), call.deadline());
    if (!created.ok()) return created.status();
    *response = *std::move(created);
    return absl::OkStatus();
  });
}

grpc::Status ComplaintService::GetComplaint(grpc::ServerContext* context,
                                            const v1::GetComplaintRequest* request,
                                            v1::Complaint* response) {
  return runner_.Run(context, kGet, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "complaints");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Complaint> complaint = complaints_.Get(call.tenant(), *id, call.deadline());
    if (!complaint.ok()) return complaint.status();
    *response = *std::move(complaint);
    return absl::OkStatus();
  });
}

grpc::Status ComplaintService::ListComplaints(grpc::ServerContext* context,
                                              const v1::ListComplaintsRequest* request,
                                              v1::ListComplaintsResponse* response) {
  return runner_.Run(context, kList, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        absl::StrCat(kList.method(), request->overdue_only() ? "+overdue" : ""),
        call.tenant().value(),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        ComplaintFilterFields(), page_tokens_, ComplaintSortOptions());
    if (!list.ok()) return list.status();
    std::optional<absl::Time> overdue_before;
    if (request->overdue_only()) overdue_before = absl::Now();
    absl::StatusOr<storage::Page<v1::Complaint>> page =
        complaints_.List(call.tenant(), list->query(), overdue_before, call.deadline());
    if (!page.ok()) return page.status();
    for (v1::Complaint& complaint : page->items) *response->add_complaints() = std::move(complaint);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status ComplaintService::UpdateComplaint(grpc::ServerContext* context,
                                               const v1::UpdateComplaintRequest* request,
                                               v1::Complaint* response) {
  return runner_.Run(context, kUpdate, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id =
        ParseResourceId("complaint.name", request->complaint().name(), "complaints");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::Complaint> updated = complaints_.Update(
        call.tenant(), *id, request->complaint().etag(),
        [&](v1::Complaint& complaint) -> absl::Status {
          const v1::Complaint before = complaint;
          if (absl::Status status = ApplyUpdateMask(request->complaint(), request->update_mask(),
                                                    ComplaintWritablePaths(), &complaint);
              !status.ok()) {
            return status;
          }
          if (absl::Status status = NormalizeComplaint(&complaint); !status.ok()) return status;
          if (absl::Status status = CheckComplaintTransition(before.status(), complaint.status());
              !status.ok()) {
            return status;
          }
          const absl::Time now = storage::NowMicros();
          if (complaint.status() != before.status()) {
            if (complaint.status() == v1::Complaint::STATUS_RESOLVED) {
              storage::ToProtoTimestamp(now, complaint.mutable_resolve_time());
            } else if (complaint.status() == v1::Complaint::STATUS_IN_PROGRESS) {
              complaint.clear_resolve_time();  // reopened
            } else if (complaint.status() == v1::Complaint::STATUS_CLOSED) {
              storage::ToProtoTimestamp(now, complaint.mutable_close_time());
            }
          }
          if (complaint.severity() != before.severity()) {
            storage::ToProtoTimestamp(
                storage::FromProtoTimestamp(complaint.create_time()) +
                    ComplaintResponseTime(call.tenant_settings().complaint_policy(),
                                          complaint.severity()),
                complaint.mutable_due_time());
          }
          return absl::OkStatus();
        },
        call.deadline());
    if (!updated.ok()) return updated.status();
    *response = *std::move(updated);
    return absl::OkStatus();
  });
}

}  // namespace crm::server
