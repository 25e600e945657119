// The campaign section of the report: test against control per started campaign.
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/report_html_parts.h"
#include "clients/crmctl/svg_charts.h"
#include "clients/crmctl/svg_format.h"

namespace crm::crmctl::report {
namespace {

std::string StateName(crm::v1::Campaign::State state) {
  return HumanName(crm::v1::Campaign::State_Name(state), "STATE_");
}

std::string LiftText(const crm::v1::CellResults& cell) {
  std::string text = absl::StrCat(cell.lift() > 0 ? "+" : "", FormatNumber(cell.lift() * 100, 1), " pp");
  if (cell.relative_lift() != 0) {
    absl::StrAppend(&text, " (", cell.relative_lift() > 0 ? "+" : "", FormatPercent(cell.relative_lift(), 0), ")");
  }
  return text;
}

std::vector<Cell> ResultCells(const std::string& name, const std::string& state, const crm::v1::CellResults& cell,
                              const std::string& currency) {
  const bool has_cost = MoneyUnits(cell.cost()) != 0;
  return {{name, ""},
          {state, ""},
          {Count(cell.audience()), ""},
          {Count(cell.control()), ""},
          {Count(cell.sent()), ""},
          {FormatPercent(cell.test_response_rate()), ""},
          {FormatPercent(cell.control_response_rate()), ""},
          {LiftText(cell), cell.lift() > 0 ? "up" : cell.lift() < 0 ? "down" : ""},
          {Money(MoneyUnits(cell.incremental_revenue()), currency), ""},
          {Money(MoneyUnits(cell.cost()), currency), ""},
          {has_cost ? FormatPercent(cell.roi(), 0) : "\xE2\x80\x93", ""}};
}

}  // namespace

std::string CampaignSection(const ReportData& data) {
  std::string out = SectionStart("campaigns", "Campaigns",
                                 "Test against control for every started campaign: the response rate of the sent test "
                                 "recipients against that of the held-out control group, and what the difference "
                                 "earned.");
  if (!data.campaigns.available()) return absl::StrCat(out, Note(data.campaigns.note), SectionEnd());
  const CampaignData& campaigns = *data.campaigns.data;
  const std::string& currency = data.currency_code;

  BarChart chart;
  chart.text = {"chart-campaigns", "Response rate: test against control",
                "Grouped bars per campaign: the response rate of the test group and of the control group.", "Campaign",
                "Response rate"};
  chart.width = 1040;
  chart.height = 320;
  chart.series = {{"Test", {}}, {"Control", {}}};
  chart.value_label = [](double v) { return FormatPercent(v); };
  chart.tick_label = [](double v) { return FormatPercent(v, 0); };
  HtmlTable table({{"Campaign / cell"},
                   {"State"},
                   {"Audience", true},
                   {"Control", true},
                   {"Sent", true},
                   {"Test response", true},
                   {"Control response", true},
                   {"Lift", true},
                   {"Incremental revenue", true},
                   {"Cost", true},
                   {"ROI", true}},
                  "campaign-results wide");
  std::vector<std::string> without_results;
  for (const CampaignEntry& entry : campaigns.campaigns) {
    const std::string& name = entry.campaign.display_name();
    if (!entry.results) {
      without_results.push_back(absl::StrCat(name, ": ", entry.results_note));
      continue;
    }
    const crm::v1::CampaignResults& results = *entry.results;
    chart.categories.push_back(name);
    chart.series[0].values.push_back(results.total().test_response_rate());
    chart.series[1].values.push_back(results.total().control_response_rate());
    table.AddRow(ResultCells(name, StateName(entry.campaign.state()), results.total(), currency), "campaign");
    if (results.cells_size() > 1) {
      for (const crm::v1::CellResults& cell : results.cells()) {
        table.AddRow(ResultCells("\xE2\x86\xB3 " + cell.cell(), "", cell, currency), "cell");
      }
    }
  }
  if (chart.categories.empty()) {
    absl::StrAppend(&out, Note("No campaign has results yet: results come once a campaign has started."));
  } else {
    absl::StrAppend(&out, RenderBarChart(chart), table.Render());
    absl::StrAppend(&out, Caption("Lift: test minus control response rate in percentage points (relative lift in "
                                  "brackets). Incremental revenue: (test revenue per sent recipient - control "
                                  "revenue per member) \xC3\x97 sent. ROI: (incremental margin - cost) / cost."));
  }
  if (!without_results.empty()) {
    absl::StrAppend(&out, "<h3>Without results</h3>\n<ul class=\"plain\">\n");
    for (const std::string& line : without_results) absl::StrAppend(&out, "<li>", XmlEscape(line), "</li>\n");
    absl::StrAppend(&out, "</ul>\n");
  }
  if (campaigns.more_campaigns) {
    absl::StrAppend(&out, Caption(absl::StrCat("Only the ", kMaxListedCampaigns, " newest campaigns are listed.")));
  }
  return absl::StrCat(out, SectionEnd());
}

}  // namespace crm::crmctl::report
