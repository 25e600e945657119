#include "clients/crmctl/report_html_parts.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/crmctl/svg_format.h"

namespace crm::crmctl::report {

HtmlTable::HtmlTable(std::vector<Column> columns, std::string css_class)
    : columns_(std::move(columns)), css_class_(std::move(css_class)) {}

void HtmlTable::AddRow(const std::vector<std::string>& cells) {
  std::vector<Cell> row;
  for (const std::string& text : cells) row.push_back(Cell{text, ""});
  AddRow(std::move(row));
}

void HtmlTable::AddRow(std::vector<Cell> cells, std::string row_class) {
  rows_.emplace_back(std::move(row_class), std::move(cells));
}

std::string HtmlTable::Render() const {
  std::string out = absl::StrCat("<div class=\"table-wrap\"><table", css_class_.empty() ? "" : " class=\"",
                                 XmlEscape(css_class_), css_class_.empty() ? "" : "\"", ">\n<thead><tr>");
  for (const Column& column : columns_) {
    absl::StrAppend(&out, "<th", column.numeric ? " class=\"num\"" : "", ">", XmlEscape(column.title), "</th>");
  }
  absl::StrAppend(&out, "</tr></thead>\n<tbody>\n");
  for (const auto& [row_class, cells] : rows_) {
    absl::StrAppend(&out, "<tr", row_class.empty() ? "" : absl::StrCat(" class=\"", XmlEscape(row_class), "\""), ">");
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string css = cells[i].css_class;
      if (i < columns_.size() && columns_[i].numeric) css = css.empty() ? "num" : absl::StrCat("num ", css);
      absl::StrAppend(&out, "<td", css.empty() ? "" : absl::StrCat(" class=\"", XmlEscape(css), "\""), ">",
                      XmlEscape(cells[i].text), "</td>");
    }
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</tbody></table></div>\n");
  return out;
}

std::string Note(const std::string& text) { return absl::StrCat("<p class=\"note\">", XmlEscape(text), "</p>\n"); }

std::string Caption(const std::string& text) {
  return absl::StrCat("<p class=\"caption\">", XmlEscape(text), "</p>\n");
}

std::string SectionStart(const std::string& id, const std::string& title, const std::string& intro) {
  return absl::StrCat("<section id=\"", XmlEscape(id), "\">\n<h2>", XmlEscape(title), "</h2>\n",
                      intro.empty() ? "" : absl::StrCat("<p class=\"intro\">", XmlEscape(intro), "</p>\n"));
}

std::string SectionEnd() { return "</section>\n"; }

std::string HumanName(const std::string& enum_name, const std::string& prefix) {
  std::string name = enum_name;
  if (absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  name = absl::AsciiStrToLower(absl::StrReplaceAll(name, {{"_", " "}}));
  if (!name.empty()) name[0] = absl::ascii_toupper(static_cast<unsigned char>(name[0]));
  return name;
}

std::string Money(double units, const std::string& currency_code) { return FormatMoney(units, currency_code); }

std::string MoneyShort(double units, const std::string& currency_code) {
  return currency_code.empty() ? FormatCompact(units) : absl::StrCat(currency_code, " ", FormatCompact(units));
}

std::string Count(int64_t count) { return FormatNumber(static_cast<double>(count), 0); }

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

absl::TimeZone ZoneOf(const ReportData& data) {
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone(data.time_zone, &zone);
  return zone;
}

std::string TimeText(const ReportData& data, absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M", time, ZoneOf(data));
}

std::string DateText(const ReportData& data, absl::Time time) {
  return absl::FormatTime("%Y-%m-%d", time, ZoneOf(data));
}

namespace {

Cell Directed(double delta, std::string text) {
  if (delta > 0) return Cell{absl::StrCat("+", text), "up"};
  if (delta < 0) return Cell{std::move(text), "down"};
  return Cell{std::move(text), ""};
}

}  // namespace

Cell RelativeChange(double before, double after) {
  if (!std::isfinite(before) || !std::isfinite(after)) return Cell{"\xE2\x80\x93", ""};
  if (before == 0) return after == 0 ? Cell{"0%", ""} : Cell{"new", after > 0 ? "up" : "down"};
  const double change = (after - before) / std::fabs(before);
  if (std::fabs(change) < 0.0005) return Cell{"0%", ""};
  return Directed(change, FormatPercent(change));
}

Cell PointChange(double before, double after) {
  if (!std::isfinite(before) || !std::isfinite(after)) return Cell{"\xE2\x80\x93", ""};
  const double points = (after - before) * 100;
  if (std::fabs(points) < 0.05) return Cell{"0 pp", ""};
  return Directed(points, absl::StrCat(FormatNumber(points, 1), " pp"));
}

}  // namespace crm::crmctl::report
