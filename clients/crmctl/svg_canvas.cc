#include "clients/crmctl/svg_canvas.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::crmctl::svg {
namespace {

// Local fonts only: the page must not fetch anything.
constexpr const char* kFontFamily =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif";

// Bytes of the UTF-8 sequence starting with `lead`.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // a stray continuation byte: step over it
}

double GlyphWidth(std::string_view glyph, double font_size) {
  if (glyph.size() >= 3) return font_size;  // CJK and other wide scripts
  const char c = glyph[0];
  if (c == ' ' || c == '.' || c == ',' || c == ':' || c == 'i' || c == 'l' || c == '|') return font_size * 0.3;
  if (c >= 'A' && c <= 'Z') return font_size * 0.66;
  if (c == 'm' || c == 'w') return font_size * 0.8;
  return font_size * 0.56;
}

}  // namespace

double LinearScale::operator()(double value) const {
  const double span = ticks_.hi - ticks_.lo;
  if (span <= 0) return from_;
  return from_ + (value - ticks_.lo) / span * (to_ - from_);
}

std::string Px(double value) {
  if (!std::isfinite(value)) value = 0;
  std::string text = absl::StrFormat("%.2f", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  // Returning a literal rather than assigning it also keeps GCC 12's -Wrestrict
  // false positive (bug 105329) out of the sanitizer build.
  if (text == "-0") return "0";
  return text;
}

std::string OpenSvg(const ChartText& text, int width, int height) {
  // No xmlns: inline in HTML5 the parser puts <svg> in the SVG namespace anyway, and
  // the page then holds no URL at all.
  const std::string id = XmlEscape(text.id);
  return absl::StrCat(
      "<svg class=\"chart\" id=\"", id, "\" role=\"img\" aria-labelledby=\"", id, "-title ", id, "-desc\"",
      " viewBox=\"0 0 ", width, " ", height, "\" width=\"", width, "\" height=\"", height, "\"",
      " font-family=\"", kFontFamily, "\">\n",
      "<title id=\"", id, "-title\">", XmlEscape(text.title), "</title>\n",
      "<desc id=\"", id, "-desc\">", XmlEscape(text.description), "</desc>\n",
      "<rect class=\"chart-bg\" x=\"0\" y=\"0\" width=\"", width, "\" height=\"", height,
      "\" fill=\"#ffffff\"/>\n",
      "<text class=\"chart-title\" x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"", kTextColor,
      "\">", XmlEscape(FitText(text.title, width - 24, 15)), "</text>\n");
}

AxisTicks TicksFor(const AxisSpec& spec, double data_min, double data_max, int target_count) {
  if (spec.min && spec.max) {
    AxisTicks ticks = NiceTicks(*spec.min, *spec.max, target_count);
    // A fixed range is kept exactly; the ticks inside it stay nice.
    ticks.values.erase(std::remove_if(ticks.values.begin(), ticks.values.end(),
                                      [&](double v) { return v < *spec.min - 1e-9 || v > *spec.max + 1e-9; }),
                       ticks.values.end());
    ticks.lo = *spec.min;
    ticks.hi = *spec.max;
    return ticks;
  }
  return NiceTicks(spec.min.value_or(data_min), spec.max.value_or(data_max), target_count);
}

AxisTicks CountTicks(double max_count) {
  AxisTicks ticks = NiceTicks(0, std::max(max_count, 1.0), 5);
  if (ticks.step >= 1) return ticks;
  AxisTicks whole;
  whole.lo = 0;
  whole.step = 1;
  whole.hi = std::max(1.0, std::ceil(max_count));
  for (double v = 0; v <= whole.hi; v += 1) whole.values.push_back(v);
  return whole;
}

std::string TickText(const ValueFormatter& format, double value, const AxisTicks& ticks) {
  return format ? format(value) : FormatTick(value, ticks);
}

std::string VerticalValueAxis(const PlotArea& plot, const LinearScale& scale, const ValueFormatter& format) {
  std::string out = "<g class=\"axis axis-y\">\n";
  for (double tick : scale.ticks().values) {
    const std::string y = Px(scale(tick));
    absl::StrAppend(&out, "<line x1=\"", Px(plot.left), "\" x2=\"", Px(plot.right()), "\" y1=\"", y, "\" y2=\"", y,
                    "\" stroke=\"", tick == 0 ? kAxisColor : kGridColor, "\" stroke-width=\"1\"/>\n");
    absl::StrAppend(&out, "<text x=\"", Px(plot.left - 6), "\" y=\"", Px(scale(tick) + 4),
                    "\" text-anchor=\"end\" font-size=\"", Px(kTickFontSize), "\" fill=\"", kMutedTextColor, "\">",
                    XmlEscape(TickText(format, tick, scale.ticks())), "</text>\n");
  }
  absl::StrAppend(&out, "</g>\n");
  return out;
}

std::string HorizontalValueAxis(const PlotArea& plot, const LinearScale& scale, const ValueFormatter& format) {
  std::string out = "<g class=\"axis axis-x\">\n";
  for (double tick : scale.ticks().values) {
    const std::string x = Px(scale(tick));
    absl::StrAppend(&out, "<line x1=\"", x, "\" x2=\"", x, "\" y1=\"", Px(plot.top), "\" y2=\"", Px(plot.bottom()),
                    "\" stroke=\"", tick == 0 ? kAxisColor : kGridColor, "\" stroke-width=\"1\"/>\n");
    absl::StrAppend(&out, "<text x=\"", x, "\" y=\"", Px(plot.bottom() + 16), "\" text-anchor=\"middle\" font-size=\"",
                    Px(kTickFontSize), "\" fill=\"", kMutedTextColor, "\">",
                    XmlEscape(TickText(format, tick, scale.ticks())), "</text>\n");
  }
  absl::StrAppend(&out, "</g>\n");
  return out;
}

std::string AxisLabels(const PlotArea& plot, const ChartText& text, double x_label_y, double y_label_x) {
  std::string out;
  if (!text.x_label.empty()) {
    absl::StrAppend(&out, "<text class=\"axis-label\" x=\"", Px(plot.left + plot.width / 2), "\" y=\"",
                    Px(x_label_y), "\" text-anchor=\"middle\" font-size=\"", Px(kLabelFontSize), "\" fill=\"",
                    kTextColor, "\">", XmlEscape(text.x_label), "</text>\n");
  }
  if (!text.y_label.empty()) {
    const std::string cx = Px(y_label_x);
    const std::string cy = Px(plot.top + plot.height / 2);
    absl::StrAppend(&out, "<text class=\"axis-label\" x=\"", cx, "\" y=\"", cy, "\" transform=\"rotate(-90 ", cx,
                    " ", cy, ")\" text-anchor=\"middle\" font-size=\"", Px(kLabelFontSize), "\" fill=\"", kTextColor,
                    "\">", XmlEscape(text.y_label), "</text>\n");
  }
  return out;
}

std::string Legend(const std::vector<LegendEntry>& entries, double x, double y) {
  std::string out = "<g class=\"legend\">\n";
  for (const LegendEntry& entry : entries) {
    if (entry.line) {
      absl::StrAppend(&out, "<line x1=\"", Px(x), "\" x2=\"", Px(x + 18), "\" y1=\"", Px(y - 4), "\" y2=\"", Px(y - 4),
                      "\" stroke=\"", entry.color, "\" stroke-width=\"", entry.dashed ? "1.5" : "2.5", "\"",
                      entry.dashed ? " stroke-dasharray=\"6 4\"" : "", "/>\n");
    } else {
      absl::StrAppend(&out, "<rect x=\"", Px(x + 3), "\" y=\"", Px(y - 10), "\" width=\"12\" height=\"12\" rx=\"2\" fill=\"",
                      entry.color, "\"/>\n");
    }
    const std::string name = FitText(entry.name, 180, kLabelFontSize);
    absl::StrAppend(&out, "<text x=\"", Px(x + 23), "\" y=\"", Px(y), "\" font-size=\"", Px(kLabelFontSize),
                    "\" fill=\"", kTextColor, "\">", XmlEscape(name), "</text>\n");
    x += 23 + TextWidth(name, kLabelFontSize) + 18;
  }
  absl::StrAppend(&out, "</g>\n");
  return out;
}

std::vector<LegendEntry> PaletteEntries(const std::vector<std::string>& names) {
  std::vector<LegendEntry> entries;
  for (size_t i = 0; i < names.size(); ++i) entries.push_back({names[i], SeriesColor(i)});
  return entries;
}

std::string NoData(const PlotArea& plot) {
  return absl::StrCat("<text class=\"no-data\" x=\"", Px(plot.left + plot.width / 2), "\" y=\"",
                      Px(plot.top + plot.height / 2), "\" text-anchor=\"middle\" font-size=\"13\" fill=\"",
                      kMutedTextColor, "\">No data</text>\n");
}

double TextWidth(std::string_view text, double font_size) {
  double width = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t length = std::min(SequenceLength(static_cast<unsigned char>(text[i])), text.size() - i);
    width += GlyphWidth(text.substr(i, length), font_size);
    i += length;
  }
  return width;
}

std::string FitText(std::string_view text, double max_width, double font_size) {
  if (TextWidth(text, font_size) <= max_width) return std::string(text);
  const double budget = max_width - TextWidth("\xE2\x80\xA6", font_size);
  double width = 0;
  size_t cut = 0;
  while (cut < text.size()) {
    const size_t length = std::min(SequenceLength(static_cast<unsigned char>(text[cut])), text.size() - cut);
    const double glyph = GlyphWidth(text.substr(cut, length), font_size);
    if (width + glyph > budget) break;
    width += glyph;
    cut += length;
  }
  return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";  // …
}

}  // namespace crm::crmctl::svg

namespace crm::crmctl {

std::string SeriesColor(size_t index) {
  // Tableau 10: distinct in print and for most colour-vision deficiencies.
  static constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                             "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kPalette[index % std::size(kPalette)];
}

}  // namespace crm::crmctl
