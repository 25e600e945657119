// Self-contained SVG charts for the HTML report: bar (vertical or horizontal,
// one or more series), line, histogram and scatter. Each returns one <svg> element
// with class="chart", the given id, role="img" and a <title>/<desc> for screen
// readers; every text taken from the data is XML-escaped. No scripts, no external
// resources: the SVG draws the same in a browser, an e-mail client or a file viewer.
#ifndef CRM_CLIENTS_CRMCTL_SVG_CHARTS_H_
#define CRM_CLIENTS_CRMCTL_SVG_CHARTS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace crm::crmctl {

// Text of a value (a bar's label, an axis tick).
using ValueFormatter = std::function<std::string(double)>;

// What every chart says about itself.
struct ChartText {
  std::string id;           // the svg's id, e.g. "chart-rfm-customers"
  std::string title;        // drawn at the top, and the svg's <title>
  std::string description;  // the svg's <desc>: what it shows, in a sentence
  std::string x_label;      // under the horizontal axis
  std::string y_label;      // along the vertical axis
};

// A numeric axis: the range is the data's, widened to nice ticks, unless fixed.
struct AxisSpec {
  std::optional<double> min;
  std::optional<double> max;
  ValueFormatter tick_label;  // FormatTick when unset
};

// ---- Bar chart ---------------------------------------------------------------

struct BarSeries {
  std::string name;            // in the legend (shown with two or more series)
  std::vector<double> values;  // one per category; missing ones count as 0
};

struct BarChart {
  ChartText text;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  // Categories down the left and bars to the right: for long category names.
  bool horizontal = false;
  ValueFormatter value_label;  // text at the end of each bar; none when unset
  ValueFormatter tick_label;   // value-axis ticks; FormatTick when unset
  int width = 560;
  int height = 0;  // 0: 320, or as the bars need for a horizontal chart
};

std::string RenderBarChart(const BarChart& chart);

// ---- Line chart --------------------------------------------------------------

struct LinePoint {
  double x = 0;
  double y = 0;
};

struct LineSeries {
  std::string name;
  std::vector<LinePoint> points;  // drawn in the given order
  bool dashed = false;            // e.g. a reference diagonal
};

// A labelled dotted line across the plot at x = value (vertical) or y = value.
struct GuideLine {
  bool vertical = false;
  double value = 0;
  std::string label;
};

struct LineChart {
  ChartText text;
  std::vector<LineSeries> series;
  std::vector<GuideLine> guides;
  AxisSpec x_axis;
  AxisSpec y_axis;
  int width = 560;
  int height = 340;
};

std::string RenderLineChart(const LineChart& chart);

// ---- Histogram ---------------------------------------------------------------

struct HistogramBin {
  double lower = 0;  // inclusive
  double upper = 0;  // exclusive (the last bin includes its upper edge)
  int64_t count = 0;
};

struct HistogramBins {
  std::vector<HistogramBin> bins;
  // The last bin holds every value above its lower edge (the long tail beyond the clip
  // quantile), so a few huge values do not squash the rest into one bar.
  bool last_open = false;
  int64_t total = 0;  // finite values binned
};

// About `target_bins` bins of one nice width over [min, the `clip_quantile`
// quantile]; values above go into an open last bin. Non-finite values are dropped.
HistogramBins BinValues(std::vector<double> values, int target_bins = 16, double clip_quantile = 0.99);

struct Histogram {
  ChartText text;
  HistogramBins bins;
  ValueFormatter x_tick_label;  // FormatTick when unset
  int width = 560;
  int height = 320;
};

std::string RenderHistogram(const Histogram& chart);

// ---- Scatter chart -----------------------------------------------------------

struct ScatterPoint {
  double x = 0;
  double y = 0;
  int group = 0;      // colour and legend entry: index into group_names
  std::string label;  // the point's tooltip, and its caption when labelled
};

struct ScatterChart {
  ChartText text;
  std::vector<ScatterPoint> points;
  std::vector<std::string> group_names;
  AxisSpec x_axis;
  AxisSpec y_axis;
  // Captions next to the points; only drawn up to kMaxLabelledPoints points.
  bool label_points = true;
  int width = 560;
  int height = 340;
};

inline constexpr size_t kMaxLabelledPoints = 16;

std::string RenderScatterChart(const ScatterChart& chart);

// The colour of series or group `index` (a palette that stays apart for the common
// kinds of colour blindness, cycling after ten).
std::string SeriesColor(size_t index);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_SVG_CHARTS_H_
