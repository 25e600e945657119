#include "clients/crmctl/report_html.h"

#include <numeric>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/report_html_parts.h"
#include "clients/crmctl/svg_format.h"

namespace crm::crmctl {
namespace {

using report::Count;
using report::TimeText;
using report::ToTime;

// Inline only: the page must open anywhere without fetching a thing.
constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: #1f2328;
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
.page { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
header.report, section { background: #fff; border-radius: 10px; margin: 0 0 20px;
                         box-shadow: 0 1px 2px rgba(0,0,0,.06), 0 0 0 1px rgba(0,0,0,.05); }
header.report { padding: 22px 26px 24px; border-top: 4px solid #4e79a7; }
section { padding: 20px 26px 22px; }
h1 { font-size: 26px; line-height: 1.25; margin: 0 0 2px; }
h2 { font-size: 19px; margin: 0 0 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle { color: #5f6670; margin: 0 0 14px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 0; }
dl.meta dt { color: #5f6670; }
dl.meta dd { margin: 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 18px; }
.kpi { background: #f6f8fb; border: 1px solid #e3e8ef; border-radius: 8px; padding: 10px 14px; }
.kpi .label { font-size: 11.5px; color: #5f6670; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 21px; font-weight: 600; font-variant-numeric: tabular-nums; }
.intro { color: #5f6670; margin: 0 0 14px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
.split { display: grid; grid-template-columns: minmax(0, 3fr) minmax(300px, 2fr); gap: 22px; align-items: start; }
.split.even { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
svg.chart { display: block; max-width: 100%; height: auto; margin: 4px 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 10px 0 4px; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid #eceef1; text-align: left; white-space: nowrap; }
th { font-weight: 600; color: #3b4049; background: #f7f8fa; border-bottom: 1px solid #d9dde3; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.up { color: #1a7f37; }
td.down { color: #cf222e; }
tr.cell td { color: #5f6670; font-size: 12px; }
tr.cell td:first-child { padding-left: 26px; }
table.figures th, table.figures td { padding: 5px 8px; }
table.wide { font-size: 12px; }
table.wide th { white-space: normal; min-width: 64px; }
table.wide th, table.wide td { padding: 5px 7px; }
table.campaign-results td:first-child { white-space: normal; min-width: 180px; }
.note { background: #fff8e6; border: 1px solid #f0d999; border-left: 4px solid #e5a50a; border-radius: 6px;
        padding: 10px 14px; color: #5c4400; margin: 10px 0; }
.notice { background: #eef4fb; border: 1px solid #c8daf0; border-radius: 6px; padding: 8px 12px; margin: 14px 0 0; }
.caption { color: #5f6670; font-size: 13px; margin: 8px 0 0; }
ul.plain { margin: 6px 0; padding-left: 20px; color: #3b4049; }
footer { color: #8a8f98; font-size: 12px; text-align: center; margin-top: 8px; }
@media print {
  body { background: #fff; }
  header.report, section { box-shadow: none; border: 1px solid #ddd; break-inside: avoid; }
}
)css";

std::string MetaRow(const std::string& term, const std::string& value) {
  return absl::StrCat("<dt>", XmlEscape(term), "</dt><dd>", XmlEscape(value), "</dd>\n");
}

std::string RunText(const ReportData& data, const crm::v1::AnalysisRun& run) {
  const int64_t window_days = run.window().seconds() / 86400;
  return absl::StrCat(run.name(), ", as of ", TimeText(data, ToTime(run.as_of())),
                      window_days > 0 ? absl::StrCat(", window ", window_days, " days") : "", ": ",
                      Count(run.customers()), " customers (", Count(run.active_customers()), " active in the window), ",
                      Count(run.purchases()), " purchases");
}

std::string NewerRunText(const crm::v1::AnalysisRun& run) {
  const std::string state = report::HumanName(crm::v1::AnalysisRun::State_Name(run.state()), "STATE_");
  if (run.state() == crm::v1::AnalysisRun::STATE_FAILED) {
    return absl::StrCat("A newer run, ", run.name(), ", failed: ", run.error_code(), ": ", run.error_message());
  }
  return absl::StrCat("A newer run, ", run.name(), ", is ", absl::AsciiStrToLower(state), " (", run.stage(), ", ",
                      absl::StrFormat("%.0f", run.progress() * 100), "%); this report shows the current one.");
}

std::string Kpi(const std::string& label, const std::string& value) {
  return absl::StrCat("<div class=\"kpi\"><div class=\"label\">", XmlEscape(label), "</div><div class=\"value\">",
                      XmlEscape(value), "</div></div>\n");
}

std::string KeyFigures(const ReportData& data) {
  std::string tiles;
  if (data.run) {
    absl::StrAppend(&tiles, Kpi("Customers", Count(data.run->customers())));
    absl::StrAppend(&tiles, Kpi("Active in window", Count(data.run->active_customers())));
  }
  if (data.segments.available()) {
    double revenue = 0;
    for (const crm::v1::SegmentFigures& figures : data.segments.data->rfm_segments()) {
      revenue += MoneyUnits(figures.revenue());
    }
    absl::StrAppend(&tiles, Kpi("Revenue in window", report::MoneyShort(revenue, data.currency_code)));
  }
  if (data.clv.available() && !data.clv.data->values.empty()) {
    const std::vector<double>& values = data.clv.data->values;
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    absl::StrAppend(&tiles, Kpi("Mean CLV", report::MoneyShort(mean, data.currency_code)));
  }
  if (data.pareto.available()) {
    for (const crm::v1::ParetoPoint& point : data.pareto.data->points()) {
      if (point.customer_share() >= 0.2 - 1e-9) {
        absl::StrAppend(&tiles, Kpi("Top 20% bring", FormatPercent(point.contribution_share(), 0)));
        break;
      }
    }
  }
  if (data.campaigns.available()) {
    absl::StrAppend(&tiles, Kpi("Campaigns started", Count(data.campaigns.data->started)));
  }
  return tiles.empty() ? "" : absl::StrCat("<div class=\"kpis\">\n", tiles, "</div>\n");
}

std::string Header(const ReportData& data) {
  const std::string title = data.tenant_display_name.empty() ? "Customer report" : data.tenant_display_name;
  std::string out = absl::StrCat("<header class=\"report\">\n<h1>", XmlEscape(title), "</h1>\n<p class=\"subtitle\">",
                                 data.tenant_display_name.empty() ? "Customer value, stores and campaigns"
                                                                  : "Customer report: value, stores and campaigns",
                                 "</p>\n<dl class=\"meta\">\n");
  std::string tenant = data.tenant.empty() ? "" : data.tenant;
  if (!data.tenant_note.empty()) absl::StrAppend(&tenant, tenant.empty() ? "" : " ", "(", data.tenant_note, ")");
  absl::StrAppend(&out, MetaRow("Tenant", tenant));
  if (!data.currency_code.empty()) absl::StrAppend(&out, MetaRow("Currency", data.currency_code));
  absl::StrAppend(&out, MetaRow("Time zone", data.time_zone));
  absl::StrAppend(&out, MetaRow("Analysis run", data.run ? RunText(data, *data.run) : "none yet"));
  absl::StrAppend(&out, MetaRow("Generated", absl::StrCat(TimeText(data, data.generated_at), " by crmctl report")));
  absl::StrAppend(&out, "</dl>\n");
  if (data.newer_run && data.run) {
    absl::StrAppend(&out, "<p class=\"notice\">", XmlEscape(NewerRunText(*data.newer_run)), "</p>\n");
  }
  absl::StrAppend(&out, KeyFigures(data), "</header>\n");
  return out;
}

}  // namespace

std::string RenderReportHtml(const ReportData& data) {
  const std::string title = data.tenant_display_name.empty()
                                ? "Customer report"
                                : absl::StrCat("Customer report: ", data.tenant_display_name);
  std::string page = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
      // Nothing may be fetched or run, even if a bug let markup through.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
      "<meta name=\"generator\" content=\"crmctl report\">\n<title>", XmlEscape(title), "</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<div class=\"page\">\n");
  absl::StrAppend(&page, Header(data));
  absl::StrAppend(&page, report::RfmSection(data), report::ParetoSection(data), report::ClvSection(data),
                  report::LifecycleSection(data), report::GapSection(data), report::ClusterSection(data),
                  report::CampaignSection(data));
  absl::StrAppend(&page, "<footer>Made by crmctl report at ", XmlEscape(TimeText(data, data.generated_at)), " (",
                  XmlEscape(data.time_zone),
                  "). The page is self-contained: it runs no scripts and loads nothing from the network.</footer>\n",
                  "</div>\n</body>\n</html>\n");
  return page;
}

}  // namespace crm::crmctl
