// Drawing pieces the SVG charts share (svg_charts.h): the svg frame with its
// accessible title, plot areas, value scales, axes, legends. Internal to the charts.
#ifndef CRM_CLIENTS_CRMCTL_SVG_CANVAS_H_
#define CRM_CLIENTS_CRMCTL_SVG_CANVAS_H_

#include <string>
#include <string_view>
#include <vector>

#include "clients/crmctl/svg_charts.h"
#include "clients/crmctl/svg_format.h"

namespace crm::crmctl::svg {

inline constexpr double kTitleHeight = 34;
inline constexpr double kLegendHeight = 22;
inline constexpr double kTickFontSize = 11;
inline constexpr double kLabelFontSize = 12;
inline constexpr const char* kAxisColor = "#8a8f98";
inline constexpr const char* kGridColor = "#e6e8eb";
inline constexpr const char* kTextColor = "#3b4049";
inline constexpr const char* kMutedTextColor = "#5f6670";

// The rectangle the data is drawn in, in svg pixels.
struct PlotArea {
  double left = 0;
  double top = 0;
  double width = 0;
  double height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// Maps values of [ticks.lo, ticks.hi] onto [from, to] pixels (to < from for y).
class LinearScale {
 public:
  LinearScale(const AxisTicks& ticks, double from, double to) : ticks_(ticks), from_(from), to_(to) {}
  double operator()(double value) const;
  const AxisTicks& ticks() const { return ticks_; }

 private:
  AxisTicks ticks_;
  double from_;
  double to_;
};

// A coordinate with at most 2 decimals ("12.5", "300").
std::string Px(double value);

// <svg ...> with its <title>, <desc>, background and the visible title.
std::string OpenSvg(const ChartText& text, int width, int height);
inline std::string CloseSvg() { return "</svg>\n"; }

// Ticks for the axis: the spec's fixed range, else the data's widened to nice ticks.
AxisTicks TicksFor(const AxisSpec& spec, double data_min, double data_max, int target_count = 5);
// Ticks of counts: whole-number steps only.
AxisTicks CountTicks(double max_count);

std::string TickText(const ValueFormatter& format, double value, const AxisTicks& ticks);

// Horizontal grid lines and tick labels of a vertical value axis at the plot's left.
std::string VerticalValueAxis(const PlotArea& plot, const LinearScale& scale, const ValueFormatter& format);
// Vertical grid lines and tick labels of a horizontal value axis at the plot's bottom.
std::string HorizontalValueAxis(const PlotArea& plot, const LinearScale& scale, const ValueFormatter& format);
// The axis titles: x centred under the plot, y rotated along its left side.
std::string AxisLabels(const PlotArea& plot, const ChartText& text, double x_label_y, double y_label_x);

struct LegendEntry {
  std::string name;
  std::string color;
  bool line = false;    // a line swatch (line charts) instead of a square
  bool dashed = false;  // ... drawn dashed
};

// One swatch and name per entry, in a row from (x, y).
std::string Legend(const std::vector<LegendEntry>& entries, double x, double y);
// Square swatches in SeriesColor order.
std::vector<LegendEntry> PaletteEntries(const std::vector<std::string>& names);

// "No data" in the middle of the plot.
std::string NoData(const PlotArea& plot);

// Rough width of text in pixels at `font_size` (proportional sans-serif), for layout.
double TextWidth(std::string_view text, double font_size);
// `text` cut to about `max_width` pixels with an ellipsis (on a UTF-8 boundary).
std::string FitText(std::string_view text, double max_width, double font_size);

}  // namespace crm::crmctl::svg

#endif  // CRM_CLIENTS_CRMCTL_SVG_CANVAS_H_
