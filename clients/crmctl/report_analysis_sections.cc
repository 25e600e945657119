// The value-analysis sections of the report: RFM segments, Pareto curve, CLV
// distribution and lifecycle stages, all from the current analysis run.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/report_html_parts.h"
#include "clients/crmctl/svg_charts.h"
#include "clients/crmctl/svg_format.h"

namespace crm::crmctl::report {
namespace {

using google::protobuf::RepeatedPtrField;

constexpr int kRfmChartWidth = 540;

// Groups in their enum order, the UNSPECIFIED group ("none") last.
template <typename Enum>
std::vector<const crm::v1::SegmentFigures*> InEnumOrder(const RepeatedPtrField<crm::v1::SegmentFigures>& groups,
                                                         bool (*parse)(const std::string&, Enum*)) {
  std::vector<const crm::v1::SegmentFigures*> ordered;
  for (const crm::v1::SegmentFigures& figures : groups) ordered.push_back(&figures);
  auto rank = [&](const crm::v1::SegmentFigures* figures) {
    Enum value{};
    if (!parse(figures->group(), &value)) return 1000;
    return static_cast<int>(value) == 0 ? 999 : static_cast<int>(value);
  };
  std::stable_sort(ordered.begin(), ordered.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });
  return ordered;
}

std::string RfmName(const std::string& group) {
  if (group == "RFM_SEGMENT_UNSPECIFIED") return "No purchase in window";
  return HumanName(group, "RFM_SEGMENT_");
}

std::string StageName(const std::string& group) {
  if (group == "LIFECYCLE_STAGE_UNSPECIFIED") return "Not set";
  return HumanName(group, "LIFECYCLE_STAGE_");
}

std::string RunIntro(const ReportData& data, const std::string& what) {
  if (!data.run) return what;
  const int64_t window_days = data.run->window().seconds() / 86400;
  return absl::StrCat(what, " From analysis run ", data.run->name(), " as of ",
                      TimeText(data, ToTime(data.run->as_of())), window_days > 0 ? ", window " : "",
                      window_days > 0 ? absl::StrCat(window_days, " days") : "", ".");
}

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - static_cast<double>(below));
}

// The ABC classes and value tiers of the run, next to the Pareto curve.
std::string ClassTables(const ReportData& data) {
  if (!data.segments.available()) return "";
  HtmlTable classes({{"ABC class"}, {"Customers", true}, {"Share", true}, {"Margin share", true}}, "figures");
  for (const crm::v1::SegmentFigures* figures :
       InEnumOrder(data.segments.data->abc_classes(), &crm::v1::AbcClass_Parse)) {
    const std::string name = figures->group() == "ABC_CLASS_UNSPECIFIED"
                                 ? "No purchase"
                                 : absl::StrCat("Class ", HumanName(figures->group(), "ABC_CLASS_"));
    classes.AddRow({name, Count(figures->customers()), FormatPercent(figures->customer_share()),
                    FormatPercent(figures->margin_share())});
  }
  HtmlTable tiers({{"Value tier"}, {"Customers", true}, {"Share", true}, {"Margin share", true}}, "figures");
  for (const crm::v1::SegmentFigures* figures :
       InEnumOrder(data.segments.data->value_tiers(), &crm::v1::ValueTier_Parse)) {
    tiers.AddRow({absl::StrCat("Tier ", HumanName(figures->group(), "VALUE_TIER_")), Count(figures->customers()),
                  FormatPercent(figures->customer_share()), FormatPercent(figures->margin_share())});
  }
  return absl::StrCat(classes.empty() ? "" : classes.Render(), tiers.empty() ? "" : tiers.Render(),
                      Caption("Tiers rank customers by expected value (current value plus CLV)."));
}

}  // namespace

std::string RfmSection(const ReportData& data) {
  std::string out = SectionStart(
      "rfm", "RFM segments",
      RunIntro(data, "Customers and revenue per RFM segment (recency, frequency and monetary value of purchases)."));
  if (!data.segments.available()) return absl::StrCat(out, Note(data.segments.note), SectionEnd());
  const crm::v1::SegmentSummary& summary = *data.segments.data;
  const std::string& currency = data.currency_code;
  const auto segments = InEnumOrder(summary.rfm_segments(), &crm::v1::RfmSegment_Parse);

  BarChart customers;
  customers.text = {"chart-rfm", "Customers per RFM segment",
                    "Horizontal bars: the number of customers in each RFM segment.", "Customers", ""};
  customers.horizontal = true;
  customers.width = kRfmChartWidth;
  customers.value_label = [](double v) { return FormatNumber(v, 0); };
  BarChart revenue;
  revenue.text = {"chart-rfm-revenue", "Revenue per RFM segment",
                  "Horizontal bars: purchases minus refunds in the window, per RFM segment.",
                  currency.empty() ? "Revenue" : absl::StrCat("Revenue (", currency, ")"), ""};
  revenue.horizontal = true;
  revenue.width = kRfmChartWidth;
  revenue.value_label = [](double v) { return FormatCompact(v); };
  customers.series = {{"Customers", {}}};
  revenue.series = {{"Revenue", {}}};

  HtmlTable table({{"Segment"}, {"Customers", true}, {"Share", true}, {"Revenue", true}, {"Share", true},
                   {"Margin", true}, {"Share", true}});
  for (const crm::v1::SegmentFigures* figures : segments) {
    const std::string name = RfmName(figures->group());
    customers.categories.push_back(name);
    revenue.categories.push_back(name);
    customers.series[0].values.push_back(static_cast<double>(figures->customers()));
    revenue.series[0].values.push_back(MoneyUnits(figures->revenue()));
    table.AddRow({name, Count(figures->customers()), FormatPercent(figures->customer_share()),
                  Money(MoneyUnits(figures->revenue()), currency), FormatPercent(figures->revenue_share()),
                  Money(MoneyUnits(figures->margin()), currency), FormatPercent(figures->margin_share())});
  }
  absl::StrAppend(&out, "<div class=\"charts\">\n", RenderBarChart(customers), RenderBarChart(revenue), "</div>\n");
  absl::StrAppend(&out, table.Render());
  absl::StrAppend(&out, Caption(absl::StrCat(
                            "Tenant averages the segments are compared with: recency ",
                            FormatNumber(summary.average_recency_days(), 1), " days, ",
                            FormatNumber(summary.average_frequency(), 2), " purchases and ",
                            Money(MoneyUnits(summary.average_monetary()), currency), " spent in the window.")));
  return absl::StrCat(out, SectionEnd());
}

std::string ParetoSection(const ReportData& data) {
  std::string out = SectionStart(
      "pareto", "Pareto curve",
      RunIntro(data, "How much of the positive contribution (margin) the top customers bring, and the ABC classes."));
  if (!data.pareto.available()) return absl::StrCat(out, Note(data.pareto.note), SectionEnd());
  const crm::v1::ParetoCurve& curve = *data.pareto.data;
  LineChart chart;
  chart.text = {"chart-pareto", "Cumulative contribution of the top customers",
                "A line from 0 to 100 percent: the share of contribution brought by the top share of customers, "
                "against the diagonal of equal contribution.",
                "Top share of active customers (by contribution)", "Share of positive contribution"};
  chart.width = 640;
  chart.height = 400;
  const ValueFormatter percent = [](double v) { return FormatPercent(v, 0); };
  chart.x_axis = {0.0, 1.0, percent};
  chart.y_axis = {0.0, 1.0, percent};
  LineSeries line{"Contribution", {{0, 0}}, false};
  double class_a_customers = -1;
  double top_fifth = -1;
  for (const crm::v1::ParetoPoint& point : curve.points()) {
    line.points.push_back({point.customer_share(), point.contribution_share()});
    if (class_a_customers < 0 && point.contribution_share() >= curve.abc_a_share() - 1e-9) {
      class_a_customers = point.customer_share();
    }
    if (top_fifth < 0 && point.customer_share() >= 0.2 - 1e-9) top_fifth = point.contribution_share();
  }
  chart.series = {line, {"Equal contribution", {{0, 0}, {1, 1}}, true}};
  chart.guides.push_back({false, curve.abc_a_share(), absl::StrCat("A/B: ", FormatPercent(curve.abc_a_share(), 0))});
  if (curve.abc_b_share() > curve.abc_a_share() && curve.abc_b_share() < 1) {
    chart.guides.push_back({false, curve.abc_b_share(), absl::StrCat("B/C: ", FormatPercent(curve.abc_b_share(), 0))});
  }
  if (class_a_customers > 0) {
    chart.guides.push_back({true, class_a_customers, absl::StrCat("class A: top ", FormatPercent(class_a_customers, 0))});
  }
  absl::StrAppend(&out, "<div class=\"split\">\n<div>", RenderLineChart(chart), "</div>\n<div>",
                  ClassTables(data), "</div>\n</div>\n");
  if (curve.points().empty()) {
    absl::StrAppend(&out, Note("The curve has no points: no customer had a positive contribution in the window."));
  } else {
    std::string caption;
    if (top_fifth >= 0) {
      absl::StrAppend(&caption, "The top 20% of customers bring ", FormatPercent(top_fifth),
                      " of the positive contribution. ");
    }
    if (class_a_customers > 0) {
      absl::StrAppend(&caption, "Class A (the customers bringing the first ", FormatPercent(curve.abc_a_share(), 0),
                      ") is the top ", FormatPercent(class_a_customers), " of customers.");
    }
    absl::StrAppend(&out, Caption(caption));
  }
  return absl::StrCat(out, SectionEnd());
}

std::string ClvSection(const ReportData& data) {
  const int horizon =
      data.run && data.run->settings().has_clv_horizon_months() ? data.run->settings().clv_horizon_months() : 12;
  std::string out = SectionStart(
      "clv", "CLV distribution",
      RunIntro(data, absl::StrCat("Customer lifetime value over the next ", horizon,
                                  " months (BG/NBD and Gamma-Gamma), one bar per value range.")));
  if (!data.clv.available()) return absl::StrCat(out, Note(data.clv.note), SectionEnd());
  const ClvSample& sample = *data.clv.data;
  const std::string& currency = data.currency_code;
  if (sample.capped) {
    absl::StrAppend(&out, Note(absl::StrCat("Capped: only the first ", Count(sample.cap),
                                            " customer values of the run were read (--max-customers, at most ",
                                            Count(kMaxMaxCustomers), "); the run has more. The histogram and "
                                            "the figures cover those ", Count(sample.customers_read), ".")));
  }
  Histogram chart;
  chart.text = {"chart-clv", absl::StrCat("Customers by CLV (", horizon, "-month horizon)"),
                "A histogram: how many customers have a lifetime value in each range.",
                currency.empty() ? "CLV" : absl::StrCat("CLV (", currency, ")"), "Customers"};
  chart.width = 700;
  chart.height = 340;
  chart.bins = BinValues(sample.values, 16, 0.99);

  std::vector<double> sorted = sample.values;
  std::sort(sorted.begin(), sorted.end());
  const double sum = std::accumulate(sorted.begin(), sorted.end(), 0.0);
  HtmlTable stats({{"Figure"}, {"Value", true}}, "figures");
  stats.AddRow({"Customers with a CLV", Count(static_cast<int64_t>(sorted.size()))});
  if (!sorted.empty()) {
    stats.AddRow({"Mean", Money(sum / static_cast<double>(sorted.size()), currency)});
    stats.AddRow({"Median", Money(Quantile(sorted, 0.5), currency)});
    stats.AddRow({"90th percentile", Money(Quantile(sorted, 0.9), currency)});
    stats.AddRow({"Highest", Money(sorted.back(), currency)});
    stats.AddRow({"Total", Money(sum, currency)});
  }
  stats.AddRow({"Customers without a CLV", Count(sample.without_clv)});
  absl::StrAppend(&out, "<div class=\"split\">\n<div>", RenderHistogram(chart), "</div>\n<div>", stats.Render(),
                  "</div>\n</div>\n");
  if (sorted.empty()) {
    absl::StrAppend(&out, Note("No customer of this run has a CLV (the models need repeat buyers)."));
  } else if (chart.bins.last_open) {
    const HistogramBin& tail = chart.bins.bins.back();
    absl::StrAppend(&out, Caption(absl::StrCat("The last, lighter bar collects the ", Count(tail.count),
                                               " customers above ", Money(tail.lower, currency),
                                               " (the top 1%), so they do not squash the other bars.")));
  }
  return absl::StrCat(out, SectionEnd());
}

std::string LifecycleSection(const ReportData& data) {
  std::string out = SectionStart(
      "lifecycle", "Lifecycle stages",
      RunIntro(data, "Where the customers are in their lifecycle. Prospects without a purchase are not counted."));
  if (!data.segments.available()) return absl::StrCat(out, Note(data.segments.note), SectionEnd());
  const std::string& currency = data.currency_code;
  const auto stages = InEnumOrder(data.segments.data->lifecycle_stages(), &crm::v1::LifecycleStage_Parse);
  BarChart chart;
  chart.text = {"chart-lifecycle", "Customers per lifecycle stage",
                "Vertical bars: the number of customers in each lifecycle stage.", "Lifecycle stage", "Customers"};
  chart.width = 520;
  chart.height = 320;
  chart.series = {{"Customers", {}}};
  chart.value_label = [](double v) { return FormatNumber(v, 0); };
  HtmlTable table({{"Stage"}, {"Customers", true}, {"Share", true}, {"Revenue", true}, {"Margin", true}});
  for (const crm::v1::SegmentFigures* figures : stages) {
    chart.categories.push_back(StageName(figures->group()));
    chart.series[0].values.push_back(static_cast<double>(figures->customers()));
    table.AddRow({StageName(figures->group()), Count(figures->customers()), FormatPercent(figures->customer_share()),
                  Money(MoneyUnits(figures->revenue()), currency), Money(MoneyUnits(figures->margin()), currency)});
  }
  absl::StrAppend(&out, "<div class=\"split even\">\n<div>", RenderBarChart(chart), "</div>\n<div>",
                  table.Render(), "</div>\n</div>\n");
  return absl::StrCat(out, SectionEnd());
}

}  // namespace crm::crmctl::report
