// Everything `crmctl report` shows, as plain data: fetched from the server by
// report_fetch.h, drawn by report_html.h. A section whose data could not be had for a
// reason that is not an error (no analysis run yet, no campaigns, fewer than two
// stores, a FAILED_PRECONDITION from the server) carries a note instead.
#ifndef CRM_CLIENTS_CRMCTL_REPORT_DATA_H_
#define CRM_CLIENTS_CRMCTL_REPORT_DATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/value_analysis.pb.h"

namespace crm::crmctl {

// The documented caps of one report (README "crmctl report").
inline constexpr int kDefaultMaxCustomers = 100'000;  // CLV values read for the histogram
inline constexpr int kMaxMaxCustomers = 1'000'000;     // what --max-customers accepts
inline constexpr int kMaxListedCampaigns = 200;        // newest campaigns listed
inline constexpr int kMaxCampaignResults = 20;         // newest started ones with results
inline constexpr int kDefaultClusters = 4;

// Data of one section, or why there is none.
template <typename T>
struct ReportSection {
  std::optional<T> data;
  std::string note;  // set when data is empty: what is missing and what to do
  bool available() const { return data.has_value(); }
};

// The CLV values of the current run's customers, for the histogram.
struct ClvSample {
  std::vector<double> values;  // in currency units; customers with a CLV only
  int64_t customers_read = 0;  // customer values read, with or without a CLV
  int64_t without_clv = 0;     // of those, customers without one
  bool capped = false;         // reading stopped at `cap`; the run has more customers
  int64_t cap = 0;
};

// The store clustering and how k was chosen.
struct StoreClusterData {
  crm::v1::StoreClustering clustering;
  int requested_k = 0;  // --clusters
  int k = 0;            // used: requested_k, or the number of stores when fewer
  int stores = 0;       // stores with purchases in the last 365 days
};

// The gap analysis of one period against the one before.
struct GapData {
  crm::v1::GapAnalysis analysis;
  crm::v1::PeriodKind kind = crm::v1::PERIOD_KIND_MONTH;
};

struct CampaignEntry {
  crm::v1::Campaign campaign;
  std::optional<crm::v1::CampaignResults> results;
  std::string results_note;  // why there are no results (not started, beyond the cap, ...)
};

struct CampaignData {
  std::vector<CampaignEntry> campaigns;  // newest first
  bool more_campaigns = false;           // the listing stopped at kMaxListedCampaigns
  int started = 0;                       // of those listed, campaigns that have started
};

struct ReportData {
  // The tenant: "tenants/{id}", its name, currency and time zone when --tenant was
  // given and the key may read it; tenant_note says why not otherwise.
  std::string tenant;
  std::string tenant_display_name;
  std::string tenant_note;
  std::string currency_code;     // the tenant's, else the one the money fields carry
  std::string time_zone = "UTC";  // dates on the page are in this zone
  absl::Time generated_at = absl::UnixEpoch();

  // The current (newest SUCCEEDED) analysis run the analysis sections are read from,
  // and a newer run that is not current (still running, or failed).
  std::optional<crm::v1::AnalysisRun> run;
  std::optional<crm::v1::AnalysisRun> newer_run;

  ReportSection<crm::v1::SegmentSummary> segments;  // RFM segments and lifecycle stages
  ReportSection<crm::v1::ParetoCurve> pareto;
  ReportSection<ClvSample> clv;
  ReportSection<GapData> gaps;
  ReportSection<StoreClusterData> clusters;
  ReportSection<CampaignData> campaigns;
};

// Money as a double in currency units (micros are exact well beyond any CRM amount).
double MoneyUnits(const crm::v1::Money& money);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_REPORT_DATA_H_
