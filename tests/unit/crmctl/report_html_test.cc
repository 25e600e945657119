#include "clients/crmctl/report_html.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/crmctl/report_data.h"

namespace crm::crmctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kEvil = "<script>alert(1)</script>";

crm::v1::Money Cny(int64_t units) {
  crm::v1::Money money;
  money.set_currency_code("CNY");
  money.set_units(units);
  return money;
}

void AddGroup(google::protobuf::RepeatedPtrField<crm::v1::SegmentFigures>* groups, const std::string& name,
              int64_t customers, int64_t revenue, double share) {
  crm::v1::SegmentFigures* figures = groups->Add();
  figures->set_group(name);
  figures->set_customers(customers);
  *figures->mutable_revenue() = Cny(revenue);
  *figures->mutable_margin() = Cny(revenue / 2);
  figures->set_customer_share(share);
  figures->set_revenue_share(share);
  figures->set_margin_share(share);
}

void FillGap(crm::v1::GapFigures* figures, int64_t active, int64_t sales) {
  figures->set_active_customers(active);
  figures->set_new_customers(active / 4);
  figures->set_old_customers(active - active / 4);
  figures->set_transactions(active * 2);
  *figures->mutable_sales() = Cny(sales);
  figures->set_purchases_per_customer(2);
  *figures->mutable_average_order_value() = Cny(sales / std::max<int64_t>(1, active * 2));
  figures->set_new_repeat_rate(0.25);
  figures->set_old_repeat_rate(0.4);
}

// A report with every section filled, as the fetch would leave it.
ReportData FullReport() {
  ReportData data;
  data.tenant = "tenants/demo";
  data.tenant_display_name = "Demo Cosmetics Ltd";
  data.currency_code = "CNY";
  data.time_zone = "Asia/Shanghai";
  data.generated_at = absl::FromUnixSeconds(1767225600);  // 2026-01-01 00:00 UTC

  crm::v1::AnalysisRun run;
  run.set_name("analysisRuns/r1");
  run.set_state(crm::v1::AnalysisRun::STATE_SUCCEEDED);
  run.mutable_as_of()->set_seconds(1767139200);  // 2025-12-31 00:00 UTC
  run.mutable_window()->set_seconds(365 * 86400);
  run.set_customers(63);
  run.set_active_customers(50);
  run.set_purchases(240);
  run.set_current(true);
  data.run = run;

  crm::v1::SegmentSummary summary;
  AddGroup(summary.mutable_rfm_segments(), "RFM_SEGMENT_GENERAL_WINBACK", 9, 3000, 0.14);
  AddGroup(summary.mutable_rfm_segments(), "RFM_SEGMENT_IMPORTANT_VALUE", 12, 52000, 0.19);
  AddGroup(summary.mutable_rfm_segments(), "RFM_SEGMENT_UNSPECIFIED", 13, 0, 0.2);
  AddGroup(summary.mutable_lifecycle_stages(), "LIFECYCLE_STAGE_MATURITY", 20, 40000, 0.32);
  AddGroup(summary.mutable_lifecycle_stages(), "LIFECYCLE_STAGE_ACQUISITION", 8, 6000, 0.13);
  AddGroup(summary.mutable_lifecycle_stages(), "LIFECYCLE_STAGE_CHURNED", 15, 0, 0.24);
  summary.set_average_recency_days(120.5);
  summary.set_average_frequency(3.2);
  *summary.mutable_average_monetary() = Cny(2100);
  data.segments.data = summary;

  crm::v1::ParetoCurve curve;
  for (int i = 1; i <= 100; ++i) {
    crm::v1::ParetoPoint* point = curve.add_points();
    point->set_customer_share(i / 100.0);
    point->set_contribution_share(std::min(1.0, std::sqrt(i / 100.0) * 1.05));
  }
  curve.set_abc_a_share(0.8);
  curve.set_abc_b_share(0.95);
  data.pareto.data = curve;

  ClvSample sample;
  for (int i = 0; i < 60; ++i) sample.values.push_back(100.0 + 37.0 * i);
  sample.values.push_back(250000);  // one whale: an open last bin
  sample.customers_read = 63;
  sample.without_clv = 2;
  sample.cap = kDefaultMaxCustomers;
  data.clv.data = sample;

  GapData gaps;
  gaps.kind = crm::v1::PERIOD_KIND_MONTH;
  gaps.analysis.mutable_period_start()->set_seconds(1764518400);    // 2025-11-30 16:00 UTC = Dec 1 Shanghai
  gaps.analysis.mutable_period_end()->set_seconds(1767196800);      // 2025-12-31 16:00 UTC
  gaps.analysis.mutable_previous_start()->set_seconds(1761926400);  // 2025-10-31 16:00 UTC
  FillGap(gaps.analysis.mutable_overall()->mutable_previous(), 40, 30000);
  FillGap(gaps.analysis.mutable_overall()->mutable_current(), 32, 36000);
  gaps.analysis.mutable_overall()->set_recruitment_rate(0.2);
  gaps.analysis.mutable_overall()->set_old_retention_rate(0.6);
  gaps.analysis.mutable_overall()->set_new_retention_rate(0.3);
  for (const char* store_id : {"store-sh-01", kEvil}) {
    crm::v1::GapComparison* store = gaps.analysis.add_stores();
    store->set_store_id(store_id);
    FillGap(store->mutable_previous(), 20, 15000);
    FillGap(store->mutable_current(), 16, 18000);
  }
  data.gaps.data = gaps;

  StoreClusterData clusters;
  clusters.requested_k = 4;
  clusters.k = 2;
  clusters.stores = 2;
  clusters.clustering.add_features(crm::v1::STORE_FEATURE_SALES);
  clusters.clustering.add_features(crm::v1::STORE_FEATURE_CUSTOMERS);
  clusters.clustering.add_features(crm::v1::STORE_FEATURE_REPEAT_VISIT_RATE);
  clusters.clustering.add_separation(1);
  clusters.clustering.add_separation(0.4);
  clusters.clustering.add_separation(0.9);
  clusters.clustering.set_iterations(2);
  const struct {
    const char* id;
    int cluster;
    double sales, customers, repeat;
  } stores[] = {{"store-sh-01", 0, 81000, 31, 0.45}, {kEvil, 1, 64000, 30, 0.3}};
  for (const auto& s : stores) {
    crm::v1::StoreCluster* store = clusters.clustering.add_stores();
    store->set_store_id(s.id);
    store->set_cluster(s.cluster);
    store->add_values(s.sales);
    store->add_values(s.customers);
    store->add_values(s.repeat);
    crm::v1::ClusterCentroid* centroid = clusters.clustering.add_centroids();
    centroid->set_cluster(s.cluster);
    centroid->set_stores(1);
    centroid->add_values(s.sales);
    centroid->add_values(s.customers);
    centroid->add_values(s.repeat);
  }
  data.clusters.data = clusters;

  CampaignData campaigns;
  CampaignEntry started;
  started.campaign.set_name("campaigns/c1");
  started.campaign.set_display_name(std::string("Spring ") + kEvil);
  started.campaign.set_state(crm::v1::Campaign::STATE_RUNNING);
  started.campaign.mutable_start_time()->set_seconds(1766000000);
  crm::v1::CampaignResults results;
  crm::v1::CellResults* total = results.mutable_total();
  total->set_audience(50);
  total->set_control(10);
  total->set_test(40);
  total->set_sent(40);
  total->set_test_response_rate(0.25);
  total->set_control_response_rate(0.1);
  total->set_lift(0.15);
  total->set_relative_lift(1.5);
  *total->mutable_incremental_revenue() = Cny(4200);
  *total->mutable_cost() = Cny(40);
  total->set_roi(51.5);
  for (const char* cell_name : {"email <b>", "sms"}) {
    crm::v1::CellResults* cell = results.add_cells();
    *cell = *total;
    cell->set_cell(cell_name);
  }
  started.results = results;
  campaigns.campaigns.push_back(started);
  CampaignEntry draft;
  draft.campaign.set_name("campaigns/c2");
  draft.campaign.set_display_name("Autumn draft");
  draft.campaign.set_state(crm::v1::Campaign::STATE_DRAFT);
  draft.results_note = "not started (DRAFT)";
  campaigns.campaigns.push_back(draft);
  campaigns.started = 1;
  data.campaigns.data = campaigns;
  return data;
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

void ExpectSelfContainedAndClean(const std::string& page) {
  EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr("default-src 'none'"));
  for (const char* fetching : {"<script", "src=", "href=", "url(", "@import", "http://", "https://", "<link",
                               "<img", "<iframe"}) {
    EXPECT_THAT(page, Not(HasSubstr(fetching))) << fetching;
  }
  for (const char* broken : {"NaN", "nan%", ">nan", "undefined", "inf<", ">inf"}) {
    EXPECT_THAT(page, Not(HasSubstr(broken))) << broken;
  }
  EXPECT_EQ(CountOf(page, "<section"), 7u);
  EXPECT_EQ(CountOf(page, "<section"), CountOf(page, "</section>"));
  EXPECT_EQ(CountOf(page, "<svg"), CountOf(page, "</svg>"));
  EXPECT_EQ(CountOf(page, "<table"), CountOf(page, "</table>"));
  for (const char* heading : {"RFM segments", "Pareto curve", "CLV distribution", "Lifecycle stages", "Gap analysis",
                              "Store clusters", "Campaigns"}) {
    EXPECT_THAT(page, HasSubstr(std::string("<h2>") + heading + "</h2>"));
  }
}

TEST(ReportHtmlTest, FullReportHasEveryChartAndTheHeader) {
  const std::string page = RenderReportHtml(FullReport());
  ExpectSelfContainedAndClean(page);
  for (const char* chart : {"chart-rfm", "chart-rfm-revenue", "chart-pareto", "chart-clv", "chart-lifecycle",
                            "chart-gap-stores", "chart-clusters", "chart-campaigns"}) {
    EXPECT_THAT(page, HasSubstr(std::string("<svg class=\"chart\" id=\"") + chart + "\" role=\"img\"")) << chart;
  }
  EXPECT_THAT(page, HasSubstr("<h1>Demo Cosmetics Ltd</h1>"));
  EXPECT_THAT(page, HasSubstr("tenants/demo"));
  EXPECT_THAT(page, HasSubstr("<title>Customer report: Demo Cosmetics Ltd</title>"));
  // as_of and the generation time, in the tenant's zone (UTC+8).
  EXPECT_THAT(page, HasSubstr("as of 2025-12-31 08:00"));
  EXPECT_THAT(page, HasSubstr("2026-01-01 08:00 by crmctl report"));
  EXPECT_THAT(page, HasSubstr("Asia/Shanghai"));
  EXPECT_THAT(page, Not(HasSubstr("class=\"note\"")));  // nothing missing
}

TEST(ReportHtmlTest, MoneyCarriesTheCurrencyAndSegmentsHaveReadableNames) {
  const std::string page = RenderReportHtml(FullReport());
  EXPECT_THAT(page, HasSubstr("CNY 52,000.00"));  // IMPORTANT_VALUE revenue in the table
  EXPECT_THAT(page, HasSubstr("Revenue (CNY)"));   // chart axis
  EXPECT_THAT(page, HasSubstr(">Important value<"));
  EXPECT_THAT(page, HasSubstr(">No purchase in window<"));
  EXPECT_THAT(page, HasSubstr(">Maturity<"));
  // Enum order, "no purchase" last: Important value before General winback.
  EXPECT_LT(page.find(">Important value<"), page.find(">General winback<"));
  EXPECT_LT(page.find(">General winback<"), page.find(">No purchase in window<"));
  EXPECT_LT(page.find(">Acquisition<"), page.find(">Maturity<"));
}

TEST(ReportHtmlTest, EscapesStoreIdsCampaignAndCellNames) {
  const std::string page = RenderReportHtml(FullReport());
  EXPECT_THAT(page, Not(HasSubstr(kEvil)));
  EXPECT_THAT(page, Not(HasSubstr("<b>")));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(page, HasSubstr("Spring &lt;script&gt;"));
  EXPECT_THAT(page, HasSubstr("email &lt;b&gt;"));
}

TEST(ReportHtmlTest, GapTableShowsPeriodsAndDirectedChanges) {
  const std::string page = RenderReportHtml(FullReport());
  EXPECT_THAT(page, HasSubstr("December 2025 (2025-12-01 to 2025-12-31) against November 2025"));
  EXPECT_THAT(page, HasSubstr("<td class=\"num down\">-20.0%</td>"));  // active customers 40 → 32
  EXPECT_THAT(page, HasSubstr("<td class=\"num up\">+20.0%</td>"));    // sales 30,000 → 36,000
  EXPECT_THAT(page, HasSubstr("Retention of old customers"));
}

TEST(ReportHtmlTest, ClustersSayWhyKIsSmallerAndCampaignsListTheRest) {
  const std::string page = RenderReportHtml(FullReport());
  EXPECT_THAT(page, HasSubstr("k = 2 (asked for 4; there are only 2 stores)"));
  EXPECT_THAT(page, HasSubstr("Stores by Sales (CNY) and Repeat visit rate"));  // the two most separating
  EXPECT_THAT(page, HasSubstr("Cluster 2 (1 store)"));
  EXPECT_THAT(page, HasSubstr("<li>Autumn draft: not started (DRAFT)</li>"));
  EXPECT_THAT(page, HasSubstr("+15.0 pp (+150%)"));
  EXPECT_THAT(page, HasSubstr(">25.0%<"));  // test response rate label
}

TEST(ReportHtmlTest, ClvTailAndCapAreExplained) {
  ReportData data = FullReport();
  std::string page = RenderReportHtml(data);
  EXPECT_THAT(page, HasSubstr("The last, lighter bar collects the 1 customers above"));
  EXPECT_THAT(page, Not(HasSubstr("Capped:")));
  data.clv.data->capped = true;
  data.clv.data->cap = 50;
  data.clv.data->customers_read = 50;
  page = RenderReportHtml(data);
  EXPECT_THAT(page, HasSubstr("Capped: only the first 50 customer values of the run were read"));
}

TEST(ReportHtmlTest, MissingDataGivesNotesAndNoCharts) {
  ReportData data;
  data.time_zone = "UTC";
  data.generated_at = absl::FromUnixSeconds(1767225600);
  data.tenant_note = "pass --tenant to show the tenant's name";
  const std::string no_run = "No successful value-analysis run yet: start one";
  data.segments.note = data.pareto.note = data.clv.note = no_run;
  data.gaps.note = "no purchases between 2025-11-01 and 2026-01-01: record or import purchases first";
  data.clusters.note = "Only 1 store had purchases in the last 365 days: clustering needs at least 2.";
  data.campaigns.note = "No campaigns yet: create one with `crmctl campaigns create`.";
  const std::string page = RenderReportHtml(data);
  ExpectSelfContainedAndClean(page);
  EXPECT_THAT(page, Not(HasSubstr("<svg")));
  EXPECT_EQ(CountOf(page, "<p class=\"note\">No successful value-analysis run yet"), 4u);  // RFM, Pareto, CLV, stages
  EXPECT_THAT(page, HasSubstr("record or import purchases first"));
  EXPECT_THAT(page, HasSubstr("clustering needs at least 2"));
  EXPECT_THAT(page, HasSubstr("No campaigns yet"));
  EXPECT_THAT(page, HasSubstr("<h1>Customer report</h1>"));
  EXPECT_THAT(page, HasSubstr("pass --tenant to show the tenant&#39;s name"));
  EXPECT_THAT(page, HasSubstr("<dd>none yet</dd>"));
  EXPECT_THAT(page, Not(HasSubstr("class=\"kpis\"")));
}

TEST(ReportHtmlTest, EmptyButPresentDataDrawsEmptyCharts) {
  ReportData data = FullReport();
  data.pareto.data->clear_points();
  data.clv.data->values.clear();
  data.campaigns.data->campaigns.resize(1);
  data.campaigns.data->campaigns[0].results.reset();
  data.campaigns.data->campaigns[0].results_note = "the campaign has not started";
  const std::string page = RenderReportHtml(data);
  ExpectSelfContainedAndClean(page);
  EXPECT_THAT(page, HasSubstr("The curve has no points"));
  EXPECT_THAT(page, HasSubstr("No customer of this run has a CLV"));
  EXPECT_THAT(page, HasSubstr("No campaign has results yet"));
  EXPECT_THAT(page, Not(HasSubstr("id=\"chart-campaigns\"")));
}

TEST(ReportHtmlTest, NewerRunIsMentioned) {
  ReportData data = FullReport();
  crm::v1::AnalysisRun newer;
  newer.set_name("analysisRuns/r2");
  newer.set_state(crm::v1::AnalysisRun::STATE_FAILED);
  newer.set_error_code("FAILED_PRECONDITION");
  newer.set_error_message("no purchases <at all>");
  data.newer_run = newer;
  const std::string page = RenderReportHtml(data);
  EXPECT_THAT(page, HasSubstr("A newer run, analysisRuns/r2, failed: FAILED_PRECONDITION: no purchases &lt;at all&gt;"));
}

}  // namespace
}  // namespace crm::crmctl
