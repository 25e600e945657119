// BinValues and RenderHistogram (svg_charts.h).
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/svg_canvas.h"
#include "clients/crmctl/svg_charts.h"

namespace crm::crmctl {
namespace {

using svg::Px;

// The smallest of 1, 2, 5, 10, 20, 50, ... bins between ticks that gives at most 8.
double TickMultiple(double span_in_bins) {
  for (double magnitude = 1; magnitude < 1e12; magnitude *= 10) {
    for (double factor : {1.0, 2.0, 5.0}) {
      if (span_in_bins / (factor * magnitude) <= 8) return factor * magnitude;
    }
  }
  return 1e12;
}

// Axis ticks on bin edges at a nice multiple (1, 2, 5, 10, 20, ...) of the bin
// width, so the labels read 0, 200, 400 rather than 100, 400, 700; about 8 at most.
AxisTicks EdgeTicks(const HistogramBins& bins) {
  AxisTicks ticks;
  const double step = bins.bins.front().upper - bins.bins.front().lower;
  ticks.lo = bins.bins.front().lower;
  ticks.hi = bins.bins.back().upper;
  const double closed_end = bins.last_open ? bins.bins.back().lower : ticks.hi;
  const double span_in_bins = (closed_end - ticks.lo) / step;
  ticks.step = step * TickMultiple(span_in_bins);
  const double first = std::ceil(ticks.lo / ticks.step - 1e-9);
  for (int i = 0;; ++i) {
    const double tick = (first + i) * ticks.step;
    if (tick > closed_end + step * 1e-9) break;
    ticks.values.push_back(std::fabs(tick) < step * 1e-9 ? 0 : tick);
  }
  return ticks;
}

}  // namespace

HistogramBins BinValues(std::vector<double> values, int target_bins, double clip_quantile) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
               values.end());
  HistogramBins out;
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  const double lowest = values.front();
  const double highest = values.back();
  const size_t clip_index = static_cast<size_t>(std::clamp(clip_quantile, 0.0, 1.0) * static_cast<double>(values.size() - 1));
  double clip = values[clip_index];
  if (clip <= lowest) clip = highest;
  // The step straight from the range (not from a rounded-up range as for axis ticks),
  // so the bin count stays near the target.
  double range = clip - lowest;
  if (range <= 0) range = std::max(std::fabs(lowest), 1.0);
  const double step = NiceStep(range / std::max(1, target_bins));
  const double first_edge = std::floor(lowest / step + 1e-9) * step;
  double last_edge = std::ceil(clip / step - 1e-9) * step;
  if (last_edge <= first_edge) last_edge = first_edge + step;
  // A value exactly on the last edge belongs to the last closed bin.
  const size_t closed_bins = std::max<size_t>(1, static_cast<size_t>(std::llround((last_edge - first_edge) / step)));
  out.last_open = highest > last_edge;
  const size_t bin_count = closed_bins + (out.last_open ? 1 : 0);
  for (size_t i = 0; i < bin_count; ++i) {
    HistogramBin bin;
    bin.lower = first_edge + step * static_cast<double>(i);
    bin.upper = bin.lower + step;
    out.bins.push_back(bin);
  }
  for (double value : values) {
    size_t index = closed_bins;  // the open bin: above the last closed edge
    if (value <= last_edge) {
      const double position = std::floor((value - first_edge) / step);
      index = std::min(position < 0 ? 0 : static_cast<size_t>(position), closed_bins - 1);
    }
    ++out.bins[index].count;
  }
  out.total = static_cast<int64_t>(values.size());
  return out;
}

std::string RenderHistogram(const Histogram& chart) {
  const HistogramBins& bins = chart.bins;
  int64_t most = 0;
  for (const HistogramBin& bin : bins.bins) most = std::max(most, bin.count);
  const AxisTicks count_ticks = svg::CountTicks(static_cast<double>(most));
  double widest = 0;
  for (double tick : count_ticks.values) {
    widest = std::max(widest, svg::TextWidth(FormatTick(tick, count_ticks), svg::kTickFontSize));
  }
  svg::PlotArea plot;
  plot.left = 14 + (chart.text.y_label.empty() ? 0 : 18) + widest + 8;
  plot.top = svg::kTitleHeight + 16;
  plot.width = chart.width - plot.left - 22;
  plot.height = chart.height - plot.top - 30 - (chart.text.x_label.empty() ? 0 : 20);

  std::string out = svg::OpenSvg(chart.text, chart.width, chart.height);
  if (bins.bins.empty()) {
    absl::StrAppend(&out, svg::NoData(plot), svg::CloseSvg());
    return out;
  }
  const svg::LinearScale y(count_ticks, plot.bottom(), plot.top);
  absl::StrAppend(&out, svg::VerticalValueAxis(plot, y, nullptr));
  const AxisTicks edges = EdgeTicks(bins);
  const svg::LinearScale x(edges, plot.left, plot.right());
  absl::StrAppend(&out, "<g class=\"axis axis-x\">\n");
  for (double edge : edges.values) {
    const std::string at = Px(x(edge));
    absl::StrAppend(&out, "<line x1=\"", at, "\" x2=\"", at, "\" y1=\"", Px(plot.bottom()), "\" y2=\"",
                    Px(plot.bottom() + 4), "\" stroke=\"", svg::kAxisColor, "\"/>\n");
    absl::StrAppend(&out, "<text x=\"", at, "\" y=\"", Px(plot.bottom() + 16), "\" text-anchor=\"middle\" font-size=\"",
                    Px(svg::kTickFontSize), "\" fill=\"", svg::kMutedTextColor, "\">",
                    XmlEscape(svg::TickText(chart.x_tick_label, edge, edges)), "</text>\n");
  }
  absl::StrAppend(&out, "</g>\n<g class=\"bars\">\n");
  for (size_t i = 0; i < bins.bins.size(); ++i) {
    const HistogramBin& bin = bins.bins[i];
    const bool open = bins.last_open && i + 1 == bins.bins.size();
    const double left = x(bin.lower) + 0.5;
    const double width = std::max(x(bin.upper) - x(bin.lower) - 1, 0.5);
    const double top = y(static_cast<double>(bin.count));
    const std::string lower = svg::TickText(chart.x_tick_label, bin.lower, edges);
    const std::string range =
        open ? absl::StrCat("above ", lower)
             : absl::StrCat(lower, " to ", svg::TickText(chart.x_tick_label, bin.upper, edges));
    absl::StrAppend(&out, "<rect class=\"bar", open ? " open" : "", "\" x=\"", Px(left), "\" y=\"", Px(top),
                    "\" width=\"", Px(width), "\" height=\"", Px(plot.bottom() - top), "\" fill=\"", SeriesColor(0),
                    "\"", open ? " fill-opacity=\"0.5\"" : "", "><title>", XmlEscape(range), ": ",
                    FormatNumber(static_cast<double>(bin.count), 0), "</title></rect>\n");
    if (open) {
      absl::StrAppend(&out, "<text class=\"value-label\" x=\"", Px(left + width / 2), "\" y=\"", Px(top - 5),
                      "\" text-anchor=\"end\" font-size=\"10.5\" fill=\"", svg::kTextColor, "\">",
                      XmlEscape(absl::StrCat("> ", lower, ": ", FormatNumber(static_cast<double>(bin.count), 0))),
                      "</text>\n");
    }
  }
  absl::StrAppend(&out, "</g>\n");
  absl::StrAppend(&out, svg::AxisLabels(plot, chart.text, chart.height - 10, 16));
  absl::StrAppend(&out, svg::CloseSvg());
  return out;
}

}  // namespace crm::crmctl
