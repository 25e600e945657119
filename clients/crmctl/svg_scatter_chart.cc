// RenderScatterChart (svg_charts.h): points coloured by group.
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/svg_canvas.h"
#include "clients/crmctl/svg_charts.h"

namespace crm::crmctl {
namespace {

using svg::Px;

bool Finite(const ScatterPoint& point) { return std::isfinite(point.x) && std::isfinite(point.y); }

}  // namespace

std::string RenderScatterChart(const ScatterChart& chart) {
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min;
  double y_min = x_min, y_max = -x_min;
  for (const ScatterPoint& point : chart.points) {
    if (!Finite(point)) continue;
    x_min = std::min(x_min, point.x);
    x_max = std::max(x_max, point.x);
    y_min = std::min(y_min, point.y);
    y_max = std::max(y_max, point.y);
  }
  const bool empty = x_min > x_max;
  if (empty) x_min = y_min = 0, x_max = y_max = 1;
  // A margin around the data, so no dot sits on the frame; it never pushes an axis
  // of non-negative data (sales, counts, shares) below zero.
  const double x_pad = (x_max - x_min) * 0.06, y_pad = (y_max - y_min) * 0.06;
  x_min = x_min >= 0 ? std::max(0.0, x_min - x_pad) : x_min - x_pad;
  y_min = y_min >= 0 ? std::max(0.0, y_min - y_pad) : y_min - y_pad;
  x_max += x_pad, y_max += y_pad;
  const AxisTicks x_ticks = svg::TicksFor(chart.x_axis, x_min, x_max, 6);
  const AxisTicks y_ticks = svg::TicksFor(chart.y_axis, y_min, y_max, 6);
  double widest = 0;
  for (double tick : y_ticks.values) {
    widest = std::max(widest, svg::TextWidth(svg::TickText(chart.y_axis.tick_label, tick, y_ticks), svg::kTickFontSize));
  }
  const bool legend = !chart.group_names.empty();
  svg::PlotArea plot;
  plot.left = 14 + (chart.text.y_label.empty() ? 0 : 18) + widest + 8;
  plot.top = svg::kTitleHeight + (legend ? svg::kLegendHeight : 0) + 12;
  plot.width = chart.width - plot.left - 26;
  plot.height = chart.height - plot.top - 30 - (chart.text.x_label.empty() ? 0 : 20);

  std::string out = svg::OpenSvg(chart.text, chart.width, chart.height);
  if (legend) absl::StrAppend(&out, svg::Legend(svg::PaletteEntries(chart.group_names), plot.left, svg::kTitleHeight + 10));
  const svg::LinearScale x(x_ticks, plot.left, plot.right());
  const svg::LinearScale y(y_ticks, plot.bottom(), plot.top);
  absl::StrAppend(&out, svg::VerticalValueAxis(plot, y, chart.y_axis.tick_label));
  absl::StrAppend(&out, svg::HorizontalValueAxis(plot, x, chart.x_axis.tick_label));
  if (empty) {
    absl::StrAppend(&out, svg::NoData(plot));
  } else {
    const bool captions = chart.label_points && chart.points.size() <= kMaxLabelledPoints;
    absl::StrAppend(&out, "<g class=\"points\">\n");
    for (const ScatterPoint& point : chart.points) {
      if (!Finite(point)) continue;
      const double cx = std::clamp(x(point.x), plot.left, plot.right());
      const double cy = std::clamp(y(point.y), plot.top, plot.bottom());
      const size_t group = static_cast<size_t>(std::max(point.group, 0));
      const std::string tooltip =
          absl::StrCat(point.label, group < chart.group_names.size() ? " (" + chart.group_names[group] + ")" : "",
                       ": ", svg::TickText(chart.x_axis.tick_label, point.x, x_ticks), ", ",
                       svg::TickText(chart.y_axis.tick_label, point.y, y_ticks));
      absl::StrAppend(&out, "<circle class=\"point g", group, "\" cx=\"", Px(cx), "\" cy=\"", Px(cy),
                      "\" r=\"6.5\" fill=\"", SeriesColor(group), "\" fill-opacity=\"0.85\" stroke=\"#ffffff\"",
                      " stroke-width=\"1.5\"><title>", XmlEscape(tooltip), "</title></circle>\n");
      if (captions && !point.label.empty()) {
        // Captions go to the left of points in the right third, so they stay inside.
        const bool left_side = cx > plot.left + plot.width * 0.66;
        absl::StrAppend(&out, "<text class=\"point-label\" x=\"", Px(left_side ? cx - 10 : cx + 10), "\" y=\"",
                        Px(cy + 4), "\" text-anchor=\"", left_side ? "end" : "start", "\" font-size=\"11\" fill=\"",
                        svg::kTextColor, "\">", XmlEscape(svg::FitText(point.label, 150, 11)), "</text>\n");
      }
    }
    absl::StrAppend(&out, "</g>\n");
  }
  absl::StrAppend(&out, svg::AxisLabels(plot, chart.text, chart.height - 10, 16));
  absl::StrAppend(&out, svg::CloseSvg());
  return out;
}

}  // namespace crm::crmctl
