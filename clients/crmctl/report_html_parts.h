// Pieces of the HTML report (report_html.h): tables, notes, readable names and
// numbers, and one renderer per section. Every text from the data goes through
// XmlEscape here or in the charts.
#ifndef CRM_CLIENTS_CRMCTL_REPORT_HTML_PARTS_H_
#define CRM_CLIENTS_CRMCTL_REPORT_HTML_PARTS_H_

#include <string>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"
#include "clients/crmctl/report_data.h"

namespace crm::crmctl::report {

// One table cell: plain text (escaped on output) and an optional CSS class
// ("num" right-aligns; "up"/"down" colour a change).
struct Cell {
  std::string text;
  std::string css_class;
};

struct Column {
  std::string title;
  bool numeric = false;
};

class HtmlTable {
 public:
  HtmlTable(std::vector<Column> columns, std::string css_class = "");
  // Plain-text cells, numeric columns right-aligned.
  void AddRow(const std::vector<std::string>& cells);
  void AddRow(std::vector<Cell> cells, std::string row_class = "");
  bool empty() const { return rows_.empty(); }
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::string css_class_;
  std::vector<std::pair<std::string, std::vector<Cell>>> rows_;
};

// <p class="note">text</p>: why a section shows no chart.
std::string Note(const std::string& text);
// <p class="caption">text</p> under a chart or table.
std::string Caption(const std::string& text);
// <section id=..><h2>title</h2><p class="intro">..</p>; close with SectionEnd().
std::string SectionStart(const std::string& id, const std::string& title, const std::string& intro);
std::string SectionEnd();

// "RFM_SEGMENT_IMPORTANT_VALUE" with prefix "RFM_SEGMENT_" → "Important value".
std::string HumanName(const std::string& enum_name, const std::string& prefix);

std::string Money(double units, const std::string& currency_code);
std::string MoneyShort(double units, const std::string& currency_code);  // "CNY 12.3k"
std::string Count(int64_t count);                                         // "12,345"

absl::Time ToTime(const google::protobuf::Timestamp& timestamp);
absl::TimeZone ZoneOf(const ReportData& data);
// "2026-03-14 10:22" in the report's time zone.
std::string TimeText(const ReportData& data, absl::Time time);
std::string DateText(const ReportData& data, absl::Time time);

// The change from `before` to `after`: relative ("+12.3%") for amounts and counts,
// in percentage points ("-2.1 pp") for rates; coloured by direction.
Cell RelativeChange(double before, double after);
Cell PointChange(double before, double after);

// The sections, in page order.
std::string RfmSection(const ReportData& data);
std::string ParetoSection(const ReportData& data);
std::string ClvSection(const ReportData& data);
std::string LifecycleSection(const ReportData& data);
std::string GapSection(const ReportData& data);
std::string ClusterSection(const ReportData& data);
std::string CampaignSection(const ReportData& data);

}  // namespace crm::crmctl::report

#endif  // CRM_CLIENTS_CRMCTL_REPORT_HTML_PARTS_H_
