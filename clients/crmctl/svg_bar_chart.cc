// RenderBarChart (svg_charts.h): vertical or horizontal bars, grouped per category
// when there are several series.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/svg_canvas.h"
#include "clients/crmctl/svg_charts.h"

namespace crm::crmctl {
namespace {

using svg::Px;

constexpr double kMaxBarWidth = 64;

double ValueAt(const BarSeries& series, size_t category) {
  if (category >= series.values.size()) return 0;
  const double value = series.values[category];
  return std::isfinite(value) ? value : 0;
}

std::vector<std::string> SeriesNames(const BarChart& chart) {
  std::vector<std::string> names;
  for (const BarSeries& series : chart.series) names.push_back(series.name);
  return names;
}

AxisTicks ValueTicks(const BarChart& chart) {
  // Bars grow from zero, so zero is always on the axis.
  double lo = 0, hi = 0;
  for (const BarSeries& series : chart.series) {
    for (size_t c = 0; c < chart.categories.size(); ++c) {
      lo = std::min(lo, ValueAt(series, c));
      hi = std::max(hi, ValueAt(series, c));
    }
  }
  return NiceTicks(lo, hi, chart.horizontal ? 5 : 6);
}

double WidestTickLabel(const AxisTicks& ticks, const ValueFormatter& format) {
  double widest = 0;
  for (double tick : ticks.values) {
    widest = std::max(widest, svg::TextWidth(svg::TickText(format, tick, ticks), svg::kTickFontSize));
  }
  return widest;
}

std::string ValueText(const BarChart& chart, double value) {
  return chart.value_label ? chart.value_label(value) : FormatNumber(value, std::fabs(value) < 10 ? 2 : 0);
}

// "Category: value" or "Category, series: value" for the bar's tooltip.
std::string BarTitle(const BarChart& chart, size_t category, size_t series, double value) {
  std::string title = chart.categories[category];
  if (chart.series.size() > 1) absl::StrAppend(&title, ", ", chart.series[series].name);
  absl::StrAppend(&title, ": ", ValueText(chart, value));
  return title;
}

std::string BarRect(const BarChart& chart, size_t category, size_t series, double value, double x, double y,
                    double width, double height) {
  return absl::StrCat("<rect class=\"bar s", series, "\" x=\"", Px(x), "\" y=\"", Px(y), "\" width=\"", Px(width),
                      "\" height=\"", Px(height), "\" rx=\"2\" fill=\"", SeriesColor(series), "\"><title>",
                      XmlEscape(BarTitle(chart, category, series, value)), "</title></rect>\n");
}

std::string VerticalBars(const BarChart& chart) {
  const int width = chart.width;
  const int height = chart.height > 0 ? chart.height : 320;
  const bool legend = chart.series.size() > 1;
  const AxisTicks ticks = ValueTicks(chart);
  svg::PlotArea plot;
  plot.left = 14 + (chart.text.y_label.empty() ? 0 : 18) + WidestTickLabel(ticks, chart.tick_label) + 8;
  plot.top = svg::kTitleHeight + (legend ? svg::kLegendHeight : 0) + (chart.value_label ? 16 : 8);
  plot.width = width - plot.left - 14;
  plot.height = height - plot.top - 30 - (chart.text.x_label.empty() ? 0 : 20);

  std::string out = svg::OpenSvg(chart.text, width, height);
  if (legend) absl::StrAppend(&out, svg::Legend(svg::PaletteEntries(SeriesNames(chart)), plot.left, svg::kTitleHeight + 10));
  if (chart.categories.empty() || chart.series.empty()) {
    absl::StrAppend(&out, svg::NoData(plot), svg::CloseSvg());
    return out;
  }
  const svg::LinearScale y(ticks, plot.bottom(), plot.top);
  absl::StrAppend(&out, svg::VerticalValueAxis(plot, y, chart.tick_label));
  const double band = plot.width / static_cast<double>(chart.categories.size());
  // Few categories would make slabs of bars: at most kMaxBarWidth each.
  const double group = std::min(band * (chart.series.size() > 1 ? 0.8 : 0.66),
                                kMaxBarWidth * static_cast<double>(chart.series.size()));
  const double bar = group / static_cast<double>(chart.series.size());
  absl::StrAppend(&out, "<g class=\"bars\">\n");
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double group_left = plot.left + band * static_cast<double>(c) + (band - group) / 2;
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double value = ValueAt(chart.series[s], c);
      const double top = std::min(y(0), y(value));
      const double bar_height = std::fabs(y(0) - y(value));
      const double x = group_left + bar * static_cast<double>(s);
      absl::StrAppend(&out, BarRect(chart, c, s, value, x + 1, top, std::max(bar - 2, 1.0), bar_height));
      if (chart.value_label) {
        const double label_y = value >= 0 ? top - 4 : top + bar_height + 12;
        absl::StrAppend(&out, "<text class=\"value-label\" x=\"", Px(x + bar / 2), "\" y=\"", Px(label_y),
                        "\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"", svg::kTextColor, "\">",
                        XmlEscape(chart.value_label(value)), "</text>\n");
      }
    }
    absl::StrAppend(&out, "<text class=\"category-label\" x=\"", Px(plot.left + band * (static_cast<double>(c) + 0.5)),
                    "\" y=\"", Px(plot.bottom() + 16), "\" text-anchor=\"middle\" font-size=\"",
                    Px(svg::kTickFontSize), "\" fill=\"", svg::kTextColor, "\">",
                    XmlEscape(svg::FitText(chart.categories[c], band - 4, svg::kTickFontSize)), "</text>\n");
  }
  absl::StrAppend(&out, "</g>\n");
  absl::StrAppend(&out, svg::AxisLabels(plot, chart.text, height - 10, 16));
  absl::StrAppend(&out, svg::CloseSvg());
  return out;
}

std::string HorizontalBars(const BarChart& chart) {
  const int width = chart.width;
  const bool legend = chart.series.size() > 1;
  const size_t categories = std::max<size_t>(chart.categories.size(), 1);
  const double band = chart.series.size() > 1 ? 16.0 * static_cast<double>(chart.series.size()) + 12 : 28;
  double label_width = 0;
  for (const std::string& category : chart.categories) {
    label_width = std::max(label_width, svg::TextWidth(category, svg::kLabelFontSize));
  }
  label_width = std::min(label_width, width * 0.36);
  svg::PlotArea plot;
  plot.left = 12 + label_width + 10;
  plot.top = svg::kTitleHeight + (legend ? svg::kLegendHeight : 0) + 4;
  plot.width = width - plot.left - (chart.value_label ? 64 : 20);
  const double bottom_margin = 26 + (chart.text.x_label.empty() ? 0 : 20);
  const int height = chart.height > 0 ? chart.height
                                      : static_cast<int>(std::ceil(plot.top + band * static_cast<double>(categories) +
                                                                   bottom_margin));
  plot.height = height - plot.top - bottom_margin;

  std::string out = svg::OpenSvg(chart.text, width, height);
  if (legend) absl::StrAppend(&out, svg::Legend(svg::PaletteEntries(SeriesNames(chart)), plot.left, svg::kTitleHeight + 10));
  if (chart.categories.empty() || chart.series.empty()) {
    absl::StrAppend(&out, svg::NoData(plot), svg::CloseSvg());
    return out;
  }
  const AxisTicks ticks = ValueTicks(chart);
  const svg::LinearScale x(ticks, plot.left, plot.right());
  absl::StrAppend(&out, svg::HorizontalValueAxis(plot, x, chart.tick_label));
  const double row = plot.height / static_cast<double>(chart.categories.size());
  const double group = row * 0.72;
  const double bar = group / static_cast<double>(chart.series.size());
  absl::StrAppend(&out, "<g class=\"bars\">\n");
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double row_top = plot.top + row * static_cast<double>(c);
    absl::StrAppend(&out, "<text class=\"category-label\" x=\"", Px(plot.left - 8), "\" y=\"", Px(row_top + row / 2 + 4),
                    "\" text-anchor=\"end\" font-size=\"", Px(svg::kLabelFontSize), "\" fill=\"", svg::kTextColor,
                    "\">", XmlEscape(svg::FitText(chart.categories[c], label_width, svg::kLabelFontSize)),
                    "</text>\n");
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double value = ValueAt(chart.series[s], c);
      const double left = std::min(x(0), x(value));
      const double bar_width = std::fabs(x(value) - x(0));
      const double top = row_top + (row - group) / 2 + bar * static_cast<double>(s);
      absl::StrAppend(&out, BarRect(chart, c, s, value, left, top + 1, bar_width, std::max(bar - 2, 1.0)));
      if (chart.value_label) {
        const bool negative = value < 0;
        absl::StrAppend(&out, "<text class=\"value-label\" x=\"", Px(negative ? left - 4 : left + bar_width + 4),
                        "\" y=\"", Px(top + bar / 2 + 4), "\" text-anchor=\"", negative ? "end" : "start",
                        "\" font-size=\"10.5\" fill=\"", svg::kTextColor, "\">", XmlEscape(chart.value_label(value)),
                        "</text>\n");
      }
    }
  }
  absl::StrAppend(&out, "</g>\n");
  absl::StrAppend(&out, svg::AxisLabels(plot, chart.text, height - 8, 12));
  absl::StrAppend(&out, svg::CloseSvg());
  return out;
}

}  // namespace

std::string RenderBarChart(const BarChart& chart) {
  return chart.horizontal ? HorizontalBars(chart) : VerticalBars(chart);
}

}  // namespace crm::crmctl
