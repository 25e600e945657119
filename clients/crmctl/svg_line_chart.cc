// RenderLineChart (svg_charts.h): lines over two numeric axes, with guide lines.
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/svg_canvas.h"
#include "clients/crmctl/svg_charts.h"

namespace crm::crmctl {
namespace {

using svg::Px;

struct DataRange {
  double x_min = std::numeric_limits<double>::infinity();
  double x_max = -std::numeric_limits<double>::infinity();
  double y_min = std::numeric_limits<double>::infinity();
  double y_max = -std::numeric_limits<double>::infinity();
  bool empty() const { return x_min > x_max; }
};

DataRange RangeOf(const LineChart& chart) {
  DataRange range;
  for (const LineSeries& series : chart.series) {
    for (const LinePoint& point : series.points) {
      if (!std::isfinite(point.x) || !std::isfinite(point.y)) continue;
      range.x_min = std::min(range.x_min, point.x);
      range.x_max = std::max(range.x_max, point.x);
      range.y_min = std::min(range.y_min, point.y);
      range.y_max = std::max(range.y_max, point.y);
    }
  }
  if (range.empty()) range = DataRange{0, 1, 0, 1};
  return range;
}

std::string GuideLines(const LineChart& chart, const svg::PlotArea& plot, const svg::LinearScale& x,
                       const svg::LinearScale& y) {
  std::string out = "<g class=\"guides\">\n";
  for (const GuideLine& guide : chart.guides) {
    if (!std::isfinite(guide.value)) continue;
    if (guide.vertical) {
      const double at = std::clamp(x(guide.value), plot.left, plot.right());
      absl::StrAppend(&out, "<line x1=\"", Px(at), "\" x2=\"", Px(at), "\" y1=\"", Px(plot.top), "\" y2=\"",
                      Px(plot.bottom()), "\" stroke=\"#6b7280\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>\n");
      absl::StrAppend(&out, "<text class=\"guide-label\" x=\"", Px(at + 4), "\" y=\"", Px(plot.top + 12),
                      "\" font-size=\"11\" fill=\"", svg::kMutedTextColor, "\">", XmlEscape(guide.label), "</text>\n");
    } else {
      const double at = std::clamp(y(guide.value), plot.top, plot.bottom());
      absl::StrAppend(&out, "<line x1=\"", Px(plot.left), "\" x2=\"", Px(plot.right()), "\" y1=\"", Px(at),
                      "\" y2=\"", Px(at), "\" stroke=\"#6b7280\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>\n");
      absl::StrAppend(&out, "<text class=\"guide-label\" x=\"", Px(plot.right() - 4), "\" y=\"", Px(at + 14),
                      "\" text-anchor=\"end\" font-size=\"11\" fill=\"", svg::kMutedTextColor, "\">",
                      XmlEscape(guide.label), "</text>\n");
    }
  }
  absl::StrAppend(&out, "</g>\n");
  return out;
}

// Dashed series are references (a diagonal, a target): grey, behind the data.
std::string LineColor(const LineSeries& series, size_t index) {
  return series.dashed ? "#9aa0a6" : SeriesColor(index);
}

std::string SeriesPath(const LineSeries& series, size_t index, const svg::PlotArea& plot, const svg::LinearScale& x,
                       const svg::LinearScale& y) {
  std::string d;
  for (const LinePoint& point : series.points) {
    if (!std::isfinite(point.x) || !std::isfinite(point.y)) continue;
    const double px = std::clamp(x(point.x), plot.left, plot.right());
    const double py = std::clamp(y(point.y), plot.top, plot.bottom());
    absl::StrAppend(&d, d.empty() ? "M" : " L", Px(px), " ", Px(py));
  }
  if (d.empty()) return "";
  return absl::StrCat("<path class=\"line s", index, "\" d=\"", d, "\" fill=\"none\" stroke=\"",
                      LineColor(series, index), "\" stroke-width=\"", series.dashed ? "1.5" : "2.5",
                      "\"", series.dashed ? " stroke-dasharray=\"6 4\"" : "",
                      " stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>", XmlEscape(series.name),
                      "</title></path>\n");
}

}  // namespace

std::string RenderLineChart(const LineChart& chart) {
  const bool legend = chart.series.size() > 1;
  const DataRange range = RangeOf(chart);
  const AxisTicks x_ticks = svg::TicksFor(chart.x_axis, range.x_min, range.x_max, 6);
  const AxisTicks y_ticks = svg::TicksFor(chart.y_axis, range.y_min, range.y_max, 6);
  double widest = 0;
  for (double tick : y_ticks.values) {
    widest = std::max(widest, svg::TextWidth(svg::TickText(chart.y_axis.tick_label, tick, y_ticks), svg::kTickFontSize));
  }
  svg::PlotArea plot;
  plot.left = 14 + (chart.text.y_label.empty() ? 0 : 18) + widest + 8;
  plot.top = svg::kTitleHeight + (legend ? svg::kLegendHeight : 0) + 8;
  plot.width = chart.width - plot.left - 22;
  plot.height = chart.height - plot.top - 30 - (chart.text.x_label.empty() ? 0 : 20);

  std::string out = svg::OpenSvg(chart.text, chart.width, chart.height);
  std::vector<svg::LegendEntry> entries;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    entries.push_back({chart.series[i].name, LineColor(chart.series[i], i), true, chart.series[i].dashed});
  }
  if (legend) absl::StrAppend(&out, svg::Legend(entries, plot.left, svg::kTitleHeight + 10));
  const svg::LinearScale x(x_ticks, plot.left, plot.right());
  const svg::LinearScale y(y_ticks, plot.bottom(), plot.top);
  absl::StrAppend(&out, svg::VerticalValueAxis(plot, y, chart.y_axis.tick_label));
  absl::StrAppend(&out, svg::HorizontalValueAxis(plot, x, chart.x_axis.tick_label));
  std::string lines;
  for (size_t i = 0; i < chart.series.size(); ++i) absl::StrAppend(&lines, SeriesPath(chart.series[i], i, plot, x, y));
  if (lines.empty()) {
    absl::StrAppend(&out, svg::NoData(plot));
  } else {
    absl::StrAppend(&out, GuideLines(chart, plot, x, y), "<g class=\"lines\">\n", lines, "</g>\n");
  }
  absl::StrAppend(&out, svg::AxisLabels(plot, chart.text, chart.height - 10, 16));
  absl::StrAppend(&out, svg::CloseSvg());
  return out;
}

}  // namespace crm::crmctl
