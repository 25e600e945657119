#include "server/services/value_analysis_service.h"

#include "absl/strings/str_cat.h"
#include "server/filter_catalogs.h"
#include "server/rpc/list_request.h"
#include "server/services/store_analyses.h"
#include "server/validation/analysis_rules.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/status_macros.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

inline constexpr std::initializer_list<v1::Role> kAnalysisStarters = {v1::ROLE_TENANT_ADMIN, v1::ROLE_ANALYST};

const MethodPolicy kRun("crm.v1.ValueAnalysisService/RunAnalysis", kAnalysisStarters, true);
const MethodPolicy kGetRun("crm.v1.ValueAnalysisService/GetAnalysisRun", kCrmReaders, true);
const MethodPolicy kListRuns("crm.v1.ValueAnalysisService/ListAnalysisRuns", kCrmReaders, true);
const MethodPolicy kGetValue("crm.v1.ValueAnalysisService/GetCustomerValue", kCrmReaders, true);
const MethodPolicy kListValues("crm.v1.ValueAnalysisService/ListCustomerValues", kCrmReaders, true);
const MethodPolicy kSegments("crm.v1.ValueAnalysisService/GetSegmentSummary", kCrmReaders, true);
const MethodPolicy kPareto("crm.v1.ValueAnalysisService/GetParetoCurve", kCrmReaders, true);
const MethodPolicy kModelFit("crm.v1.ValueAnalysisService/GetModelFit", kCrmReaders, true);
const MethodPolicy kGaps("crm.v1.ValueAnalysisService/ComputeGapAnalysis", kCrmReaders, true);
const MethodPolicy kClusters("crm.v1.ValueAnalysisService/ClusterStores", kCrmReaders, true);
const MethodPolicy kBrand("crm.v1.ValueAnalysisService/ComputeBrandValue", kCrmReaders, true);
const MethodPolicy kReciprocity("crm.v1.ValueAnalysisService/GetReciprocityMatrix", kCrmReaders, true);

enum ReportPart { kSegmentSummaryPart, kParetoCurvePart, kModelFitPart };

const SortOptions& RunSortOptions() {
  static const SortOptions* options =
      new SortOptions{{{"create_time", storage::SortKey::kCreateTime}}, storage::SortKey::kCreateTime, true};
  return *options;
}

const SortOptions& ValueSortOptions() {
  static const SortOptions* options = new SortOptions{{{"contact", storage::SortKey::kCreateTime},
                                                       {"clv", storage::SortKey::kClv},
                                                       {"expected_value", storage::SortKey::kExpectedValue}},
                                                      storage::SortKey::kCreateTime,
                                                      false};
  return *options;
}

// Runs have no filterable fields yet; the List machinery still wants a catalog.
const filter::FieldCatalog& RunFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog(
      {filter::FieldSpec{"create_time", filter::FieldType::kTimestamp, "create_time", {}, {}}});
  return *catalog;
}

absl::TimeZone TenantZone(const CallContext& call) { return TenantTimeZone(call.tenant_settings().time_zone()); }

}  // namespace

absl::StatusOr<std::string> ValueAnalysisService::ResolveRun(const CallContext& call, absl::string_view run) {
  if (!run.empty()) return ParseResourceId("run", run, "analysisRuns");
  absl::StatusOr<std::string> current = runs_.CurrentRunId(call.tenant(), call.deadline());
  if (absl::IsNotFound(current.status())) {
    return absl::FailedPreconditionError(
        "the tenant has no successful analysis run yet: call RunAnalysis and wait for it to succeed");
  }
  return current;
}

absl::Status ValueAnalysisService::ReadReport(const CallContext& call, absl::string_view run, int part,
                                              google::protobuf::Message* message) {
  absl::StatusOr<std::string> run_id = ResolveRun(call, run);
  if (!run_id.ok()) return run_id.status();
  absl::StatusOr<storage::RunReport> report = runs_.GetReport(call.tenant(), *run_id, call.deadline());
  if (!report.ok()) return report.status();
  const std::string& bytes = part == kSegmentSummaryPart ? report->segment_summary
                             : part == kParetoCurvePart ? report->pareto_curve
                                                     : report->model_fit;
  if (!message->ParseFromString(bytes)) return absl::InternalError("a stored analysis report is unreadable");
  const google::protobuf::FieldDescriptor* run_field = message->GetDescriptor()->FindFieldByName("run");
  message->GetReflection()->SetString(message, run_field, absl::StrCat("analysisRuns/", *run_id));
  return absl::OkStatus();
}

grpc::Status ValueAnalysisService::RunAnalysis(grpc::ServerContext* context, const v1::RunAnalysisRequest* request,
                                               v1::AnalysisRun* response) {
  return runner_.Run(context, kRun, [&](CallContext& call) -> absl::Status {
    call.set_request_id(request->request_id());
    v1::AnalysisRun run;
    CRM_RETURN_IF_ERROR(NormalizeRunRequest(*request, storage::NowMicros(), &run));
    const absl::Time as_of = storage::FromProtoTimestamp(run.as_of());
    absl::StatusOr<bool> has_purchases = sources_.HasPurchasesBetween(
        call.tenant(), as_of - absl::Seconds(run.window().seconds()), as_of, call.deadline());
    if (!has_purchases.ok()) return has_purchases.status();
    if (!*has_purchases) {
      const absl::TimeZone zone = TenantZone(call);
      return absl::FailedPreconditionError(absl::StrCat(
          "no purchases between ", absl::FormatTime(as_of - absl::Seconds(run.window().seconds()), zone), " and ",
          absl::FormatTime(as_of, zone),
          " (the window ending at as_of): record or import purchases first, or widen the window"));
    }
    if (!analysis_runner_.HasCapacity()) {
      return absl::ResourceExhaustedError("the analysis queue is full: retry in a few minutes");
    }
    bool created = false;
    absl::StatusOr<v1::AnalysisRun> stored = runs_.Create(call.tenant(), run, request->request_id(),
                                                          AnalysisRunner::kStaleAfter, call.deadline(), &created);
    if (!stored.ok()) return stored.status();
    if (created) {
      CRM_RETURN_IF_ERROR(analysis_runner_.Submit(call.tenant(), *stored, call.tenant_settings().time_zone(),
                                                  call.tenant_settings().currency_code()));
    }
    *response = *std::move(stored);
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::GetAnalysisRun(grpc::ServerContext* context,
                                                  const v1::GetAnalysisRunRequest* request, v1::AnalysisRun* response) {
  return runner_.Run(context, kGetRun, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseResourceId("name", request->name(), "analysisRuns");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::AnalysisRun> run = runs_.Get(call.tenant(), *id, call.deadline());
    if (!run.ok()) return run.status();
    *response = *std::move(run);
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::ListAnalysisRuns(grpc::ServerContext* context,
                                                    const v1::ListAnalysisRunsRequest* request,
                                                    v1::ListAnalysisRunsResponse* response) {
  return runner_.Run(context, kListRuns, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<ListRequest> list =
        ListRequest::Parse(kListRuns.method(), call.tenant().value(), {request->page_size(), request->page_token(), "", ""},
                           RunFilterFields(), page_tokens_, RunSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::AnalysisRun>> page = runs_.List(call.tenant(), list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::AnalysisRun& run : page->items) *response->add_analysis_runs() = std::move(run);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::GetCustomerValue(grpc::ServerContext* context,
                                                    const v1::GetCustomerValueRequest* request,
                                                    v1::CustomerValue* response) {
  return runner_.Run(context, kGetValue, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> contact_id = ParseResourceId("contact", request->contact(), "contacts");
    if (!contact_id.ok()) return contact_id.status();
    absl::StatusOr<std::string> run_id = ResolveRun(call, request->run());
    if (!run_id.ok()) return run_id.status();
    absl::StatusOr<v1::CustomerValue> value = runs_.GetValue(call.tenant(), *run_id, *contact_id, call.deadline());
    if (!value.ok()) return value.status();
    *response = *std::move(value);
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::ListCustomerValues(grpc::ServerContext* context,
                                                      const v1::ListCustomerValuesRequest* request,
                                                      v1::ListCustomerValuesResponse* response) {
  return runner_.Run(context, kListValues, [&](CallContext& call) -> absl::Status {
    absl::StatusOr<std::string> run_id = ResolveRun(call, request->run());
    if (!run_id.ok()) return run_id.status();
    // Page tokens are bound to the run, so a token never continues another run's list.
    absl::StatusOr<ListRequest> list = ListRequest::Parse(
        kListValues.method(), absl::StrCat(call.tenant().value(), "/", *run_id),
        {request->page_size(), request->page_token(), request->filter(), request->order_by()},
        CustomerValueFilterFields(), page_tokens_, ValueSortOptions());
    if (!list.ok()) return list.status();
    absl::StatusOr<storage::Page<v1::CustomerValue>> page =
        runs_.ListValues(call.tenant(), *run_id, list->query(), call.deadline());
    if (!page.ok()) return page.status();
    for (v1::CustomerValue& value : page->items) *response->add_customer_values() = std::move(value);
    response->set_next_page_token(list->NextPageToken(page->next));
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::GetSegmentSummary(grpc::ServerContext* context,
                                                     const v1::GetSegmentSummaryRequest* request,
                                                     v1::SegmentSummary* response) {
  return runner_.Run(context, kSegments, [&](CallContext& call) {
    return ReadReport(call, request->run(), kSegmentSummaryPart, response);
  });
}

grpc::Status ValueAnalysisService::GetParetoCurve(grpc::ServerContext* context,
                                                  const v1::GetParetoCurveRequest* request, v1::ParetoCurve* response) {
  return runner_.Run(context, kPareto, [&](CallContext& call) {
    return ReadReport(call, request->run(), kParetoCurvePart, response);
  });
}

grpc::Status ValueAnalysisService::GetModelFit(grpc::ServerContext* context, const v1::GetModelFitRequest* request,
                                               v1::ModelFit* response) {
  return runner_.Run(context, kModelFit, [&](CallContext& call) {
    return ReadReport(call, request->run(), kModelFitPart, response);
  });
}

grpc::Status ValueAnalysisService::ComputeGapAnalysis(grpc::ServerContext* context,
                                                      const v1::ComputeGapAnalysisRequest* request,
                                                      v1::GapAnalysis* response) {
  return runner_.Run(context, kGaps, [&](CallContext& call) -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckEnum("period", request->period(), v1::PeriodKind_IsValid, /*allow_unspecified=*/false));
    absl::Time period_time = storage::NowMicros();
    if (request->has_period_time()) {
      CRM_RETURN_IF_ERROR(CheckTimestampNotInFuture("period_time", request->period_time()));
      period_time = storage::FromProtoTimestamp(request->period_time());
    }
    absl::StatusOr<v1::GapAnalysis> gaps =
        server::ComputeGapAnalysis(sources_, call.tenant(), request->period(), period_time, TenantZone(call),
                                   call.tenant_settings().currency_code(), call.deadline());
    if (!gaps.ok()) return gaps.status();
    *response = *std::move(gaps);
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::ClusterStores(grpc::ServerContext* context, const v1::ClusterStoresRequest* request,
                                                 v1::StoreClustering* response) {
  return runner_.Run(context, kClusters, [&](CallContext& call) -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckClusterStoresRequest(*request));
    absl::StatusOr<v1::StoreClustering> clusters = ClusterTenantStores(
        sources_, call.tenant(), *request, storage::NowMicros(), TenantZone(call), call.deadline());
    if (!clusters.ok()) return clusters.status();
    *response = *std::move(clusters);
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::ComputeBrandValue(grpc::ServerContext* context,
                                                     const v1::ComputeBrandValueRequest* request,
                                                     v1::BrandValue* response) {
  return runner_.Run(context, kBrand, [&](CallContext& call) -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckBrandValueRequest(*request));
    absl::StatusOr<v1::BrandValue> value =
        ComputeCategoryBrandValue(sources_, call.tenant(), *request, storage::NowMicros(), call.deadline());
    if (!value.ok()) return value.status();
    *response = *std::move(value);
    return absl::OkStatus();
  });
}

grpc::Status ValueAnalysisService::GetReciprocityMatrix(grpc::ServerContext* context,
                                                        const v1::GetReciprocityMatrixRequest* request,
                                                        v1::ReciprocityMatrix* response) {
  return runner_.Run(context, kReciprocity, [&](CallContext& call) -> absl::Status {
    CRM_RETURN_IF_ERROR(CheckEnum("value", request->value(), v1::ReciprocityValue_IsValid, /*allow_unspecified=*/true));
    if (request->has_balance_tolerance() &&
        !(request->balance_tolerance() >= 0 && request->balance_tolerance() <= 1)) {
      return absl::InvalidArgumentError("balance_tolerance: must be in [0, 1]");
    }
    absl::StatusOr<std::string> run_id = ResolveRun(call, request->run());
    if (!run_id.ok()) return run_id.status();
    absl::StatusOr<v1::ReciprocityMatrix> matrix =
        BuildReciprocityMatrix(runs_, sources_, call.tenant(), *run_id, *request, call.deadline());
    if (!matrix.ok()) return matrix.status();
    *response = *std::move(matrix);
    return absl::OkStatus();
  });
}

}  // namespace crm::server
