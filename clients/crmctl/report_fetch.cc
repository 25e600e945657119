#include "clients/crmctl/report_fetch.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::crmctl {
namespace {

using ContextFactory = std::function<std::unique_ptr<grpc::ClientContext>()>;

constexpr int kRunsPageSize = 50;
constexpr int kMaxRunPages = 4;  // the current run is nearly always on the first page
constexpr int kValuesPageSize = 1000;
constexpr int kCampaignsPageSize = 100;

constexpr const char* kNoRunNote =
    "No successful value-analysis run yet: start one with `crmctl analysis run --wait` "
    "(a TENANT_ADMIN or ANALYST key), then make the report again.";

std::string ShortStateName(const crm::v1::Campaign::State state) {
  std::string name = crm::v1::Campaign::State_Name(state);
  if (absl::StartsWith(name, "STATE_")) name = name.substr(6);
  return name;
}

class Fetcher {
 public:
  Fetcher(crm::Client& client, const ReportOptions& options, const ContextFactory& new_context)
      : client_(client), options_(options), new_context_(new_context) {}

  FetchResult Run() {
    result_.data.generated_at = absl::Now();
    const bool ok = FetchTenant() && FetchRuns() && FetchSegments() && FetchPareto() && FetchClv() &&
                    FetchGaps() && FetchClusters() && FetchCampaigns();
    if (ok) FillCurrencyFromData();
    return std::move(result_);
  }

 private:
  enum class Outcome { kOk, kMissing, kFailed };

  // OK goes on; FAILED_PRECONDITION ("not with the data as it is") leaves the
  // server's explanation in *note; anything else is the failure that stops the report.
  Outcome Classify(const grpc::Status& status, const std::string& what, std::string* note) {
    if (status.ok()) return Outcome::kOk;
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      *note = status.error_message();
      return Outcome::kMissing;
    }
    result_.failure = RpcFailure{what, status};
    return Outcome::kFailed;
  }

  bool FetchTenant() {
    ReportData& data = result_.data;
    if (options_.tenant.empty()) {
      data.tenant_note = "pass --tenant to show the tenant's name";
      return true;
    }
    data.tenant = absl::StartsWith(options_.tenant, "tenants/") ? options_.tenant : "tenants/" + options_.tenant;
    crm::v1::GetTenantRequest request;
    request.set_name(data.tenant);
    crm::v1::Tenant tenant;
    const grpc::Status status = client_.tenant_admin().GetTenant(new_context_().get(), request, &tenant);
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      // Only TENANT_ADMIN keys read their tenant; an ANALYST still gets the report.
      data.tenant_note = "this key's role may not read the tenant record (a TENANT_ADMIN key may)";
      return true;
    }
    if (!status.ok()) {
      result_.failure = RpcFailure{"get tenant", status};
      return false;
    }
    data.tenant_display_name = tenant.display_name();
    data.currency_code = tenant.currency_code();
    if (!tenant.time_zone().empty()) data.time_zone = tenant.time_zone();
    return true;
  }

  bool FetchRuns() {
    ReportData& data = result_.data;
    crm::v1::ListAnalysisRunsRequest request;
    request.set_page_size(kRunsPageSize);
    std::optional<crm::v1::AnalysisRun> newest;
    for (int page = 0; page < kMaxRunPages && !data.run; ++page) {
      crm::v1::ListAnalysisRunsResponse response;
      const grpc::Status status = client_.value_analysis().ListAnalysisRuns(new_context_().get(), request, &response);
      if (!status.ok()) {
        result_.failure = RpcFailure{"list analysis runs", status};
        return false;
      }
      for (const crm::v1::AnalysisRun& run : response.analysis_runs()) {
        if (!newest) newest = run;
        if (run.current()) {
          data.run = run;
          break;
        }
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    if (newest && (!data.run || newest->name() != data.run->name())) data.newer_run = newest;
    if (!data.run) {
      std::string note = kNoRunNote;
      if (data.newer_run && data.newer_run->state() == crm::v1::AnalysisRun::STATE_FAILED) {
        absl::StrAppend(&note, " The latest run failed: ", data.newer_run->error_code(), ": ",
                        data.newer_run->error_message());
      } else if (data.newer_run) {
        absl::StrAppend(&note, " A run is under way (", data.newer_run->stage(), ", ",
                        absl::StrFormat("%.0f", data.newer_run->progress() * 100), "%).");
      }
      data.segments.note = data.pareto.note = data.clv.note = note;
    }
    return true;
  }

  bool FetchSegments() {
    if (!result_.data.run) return true;
    crm::v1::GetSegmentSummaryRequest request;
    request.set_run(result_.data.run->name());  // one run for every section, even if a newer one lands
    crm::v1::SegmentSummary summary;
    const grpc::Status status = client_.value_analysis().GetSegmentSummary(new_context_().get(), request, &summary);
    switch (Classify(status, "get segment summary", &result_.data.segments.note)) {
      case Outcome::kOk: result_.data.segments.data = std::move(summary); return true;
      case Outcome::kMissing: return true;
      case Outcome::kFailed: return false;
    }
    return false;
  }

  bool FetchPareto() {
    if (!result_.data.run) return true;
    crm::v1::GetParetoCurveRequest request;
    request.set_run(result_.data.run->name());
    crm::v1::ParetoCurve curve;
    const grpc::Status status = client_.value_analysis().GetParetoCurve(new_context_().get(), request, &curve);
    switch (Classify(status, "get Pareto curve", &result_.data.pareto.note)) {
      case Outcome::kOk: result_.data.pareto.data = std::move(curve); return true;
      case Outcome::kMissing: return true;
      case Outcome::kFailed: return false;
    }
    return false;
  }

  bool FetchClv() {
    ReportData& data = result_.data;
    if (!data.run) return true;
    for (const crm::v1::UnavailableResult& unavailable : data.run->unavailable()) {
      if (std::find(unavailable.fields().begin(), unavailable.fields().end(), "clv") != unavailable.fields().end()) {
        data.clv.note = absl::StrCat("This run could not compute the CLV: ", unavailable.reason());
        return true;
      }
    }
    ClvSample sample;
    sample.cap = options_.max_customers;
    crm::v1::ListCustomerValuesRequest request;
    request.set_run(data.run->name());
    while (true) {
      request.set_page_size(static_cast<int32_t>(std::min<int64_t>(kValuesPageSize, sample.cap - sample.customers_read)));
      crm::v1::ListCustomerValuesResponse response;
      const grpc::Status status =
          client_.value_analysis().ListCustomerValues(new_context_().get(), request, &response);
      switch (Classify(status, "list customer values", &data.clv.note)) {
        case Outcome::kOk: break;
        case Outcome::kMissing: return true;
        case Outcome::kFailed: return false;
      }
      for (const crm::v1::CustomerValue& value : response.customer_values()) {
        ++sample.customers_read;
        if (value.has_clv()) {
          sample.values.push_back(MoneyUnits(value.clv()));
        } else {
          ++sample.without_clv;
        }
      }
      if (response.next_page_token().empty()) break;
      if (sample.customers_read >= sample.cap) {
        sample.capped = true;
        break;
      }
      request.set_page_token(response.next_page_token());
    }
    data.clv.data = std::move(sample);
    return true;
  }

  bool FetchGaps() {
    ReportData& data = result_.data;
    absl::TimeZone zone = absl::UTCTimeZone();
    absl::LoadTimeZone(data.time_zone, &zone);
    // Parsed again in the tenant's zone: "last month" is the tenant's calendar month.
    absl::StatusOr<GapPeriod> period = ParseGapPeriod(options_.period, data.generated_at, zone);
    if (!period.ok()) {
      data.gaps.note = std::string(period.status().message());
      return true;
    }
    crm::v1::ComputeGapAnalysisRequest request;
    request.set_period(period->kind);
    request.mutable_period_time()->set_seconds(absl::ToUnixSeconds(period->period_time));
    GapData gaps;
    gaps.kind = period->kind;
    const grpc::Status status =
        client_.value_analysis().ComputeGapAnalysis(new_context_().get(), request, &gaps.analysis);
    switch (Classify(status, "compute gap analysis", &data.gaps.note)) {
      case Outcome::kOk: data.gaps.data = std::move(gaps); return true;
      case Outcome::kMissing: return true;
      case Outcome::kFailed: return false;
    }
    return false;
  }

  grpc::Status Cluster(int k, crm::v1::StoreClustering* clustering) {
    crm::v1::ClusterStoresRequest request;
    request.set_k(k);
    return client_.value_analysis().ClusterStores(new_context_().get(), request, clustering);
  }

  bool FetchClusters() {
    ReportData& data = result_.data;
    // k = 1 always fits and lists every store: it tells how many there are, so the
    // real k can be at most that (the server refuses a k above the store count).
    StoreClusterData clusters;
    clusters.requested_k = options_.clusters;
    crm::v1::StoreClustering probe;
    switch (Classify(Cluster(1, &probe), "cluster stores", &data.clusters.note)) {
      case Outcome::kOk: break;
      case Outcome::kMissing: return true;
      case Outcome::kFailed: return false;
    }
    clusters.stores = probe.stores_size();
    if (clusters.stores < 2) {
      data.clusters.note = absl::StrCat("Only ", clusters.stores,
                                        " store had purchases in the last 365 days: clustering needs at least 2.");
      return true;
    }
    clusters.k = std::min(options_.clusters, clusters.stores);
    if (clusters.k == 1) {
      clusters.clustering = std::move(probe);
    } else {
      switch (Classify(Cluster(clusters.k, &clusters.clustering), "cluster stores", &data.clusters.note)) {
        case Outcome::kOk: break;
        case Outcome::kMissing: return true;
        case Outcome::kFailed: return false;
      }
    }
    data.clusters.data = std::move(clusters);
    return true;
  }

  bool FetchCampaigns() {
    ReportData& data = result_.data;
    CampaignData campaigns;
    crm::v1::ListCampaignsRequest request;
    request.set_page_size(kCampaignsPageSize);
    request.set_order_by("create_time desc");
    while (true) {
      crm::v1::ListCampaignsResponse response;
      const grpc::Status status = client_.campaigns().ListCampaigns(new_context_().get(), request, &response);
      if (!status.ok()) {
        result_.failure = RpcFailure{"list campaigns", status};
        return false;
      }
      for (const crm::v1::Campaign& campaign : response.campaigns()) {
        if (static_cast<int>(campaigns.campaigns.size()) == kMaxListedCampaigns) {
          campaigns.more_campaigns = true;
          break;
        }
        campaigns.campaigns.push_back(CampaignEntry{campaign, std::nullopt, ""});
      }
      if (campaigns.more_campaigns || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    if (campaigns.campaigns.empty()) {
      data.campaigns.note = "No campaigns yet: create one with `crmctl campaigns create`.";
      return true;
    }
    for (CampaignEntry& entry : campaigns.campaigns) {
      if (!entry.campaign.has_start_time()) {
        entry.results_note = absl::StrCat("not started (", ShortStateName(entry.campaign.state()), ")");
        continue;
      }
      if (++campaigns.started > kMaxCampaignResults) {
        entry.results_note = absl::StrCat("results shown for the ", kMaxCampaignResults, " newest started campaigns only");
        continue;
      }
      crm::v1::GetCampaignResultsRequest results_request;
      results_request.set_name(entry.campaign.name());
      crm::v1::CampaignResults results;
      const grpc::Status status =
          client_.campaigns().GetCampaignResults(new_context_().get(), results_request, &results);
      switch (Classify(status, "get campaign results", &entry.results_note)) {
        case Outcome::kOk: entry.results = std::move(results); break;
        case Outcome::kMissing: break;
        case Outcome::kFailed: return false;
      }
    }
    data.campaigns.data = std::move(campaigns);
    return true;
  }

  // Without the tenant record, the money fields say which currency they are in.
  void FillCurrencyFromData() {
    ReportData& data = result_.data;
    if (!data.currency_code.empty()) return;
    auto take = [&](const crm::v1::Money& money) {
      if (data.currency_code.empty()) data.currency_code = money.currency_code();
    };
    if (data.segments.data) {
      for (const crm::v1::SegmentFigures& figures : data.segments.data->rfm_segments()) take(figures.revenue());
    }
    if (data.gaps.data) take(data.gaps.data->analysis.overall().current().sales());
    if (data.campaigns.data) {
      for (const CampaignEntry& entry : data.campaigns.data->campaigns) {
        if (entry.results) take(entry.results->total().test_revenue());
      }
    }
  }

  crm::Client& client_;
  const ReportOptions& options_;
  const ContextFactory& new_context_;
  FetchResult result_;
};

}  // namespace

FetchResult FetchReportData(crm::Client& client, const ReportOptions& options,
                            const ContextFactory& new_call_context) {
  return Fetcher(client, options, new_call_context).Run();
}

}  // namespace crm::crmctl
