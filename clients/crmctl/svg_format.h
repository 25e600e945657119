// Text helpers shared by the SVG charts and the HTML report: escaping, readable
// numbers and "nice" axis ticks.
#ifndef CRM_CLIENTS_CRMCTL_SVG_FORMAT_H_
#define CRM_CLIENTS_CRMCTL_SVG_FORMAT_H_

#include <string>
#include <string_view>
#include <vector>

namespace crm::crmctl {

// Escapes & < > " ' so the text is safe in HTML/SVG element content and in quoted
// attribute values alike.
std::string XmlEscape(std::string_view text);

// 1234567.891 with 2 decimals → "1,234,567.89"; -0.004 with 2 → "0.00" (no "-0").
// Non-finite values → "–" (a dash), so no "NaN" or "inf" ever reaches a page.
std::string FormatNumber(double value, int decimals);

// Short form for chart labels: 950 → "950", 1234 → "1.2k", 56000 → "56k",
// 3400000 → "3.4M", 2.1e9 → "2.1B"; small values keep up to 2 decimals.
std::string FormatCompact(double value);

// "CNY 1,234.50" (code omitted when empty).
std::string FormatMoney(double units, std::string_view currency_code, int decimals = 2);

// 0.1234 → "12.3%" with 1 decimal.
std::string FormatPercent(double share, int decimals = 1);

// Axis ticks at 1, 2 or 5 × 10^n steps covering [lo, hi] (Heckbert's "nice numbers").
struct AxisTicks {
  double lo = 0;    // first tick, <= the data minimum
  double hi = 1;    // last tick, >= the data maximum
  double step = 1;  // distance between ticks, > 0
  std::vector<double> values;  // lo, lo + step, ..., hi
};

// The nice step (1, 2 or 5 × 10^n) nearest to `rough` (> 0; else 1).
double NiceStep(double rough);

// About `target_count` ticks covering [min_value, max_value]. An empty or degenerate
// range (min == max, non-finite) still gives a usable axis around the value.
AxisTicks NiceTicks(double min_value, double max_value, int target_count = 5);

// A tick label with as many decimals as the step needs and one k/M/B suffix for the
// whole axis (k from 10,000 on): 0, 2500, 5000 → "0", "2,500", "5,000";
// 0, 25000, 50000 → "0", "25k", "50k"; 0, 0.5M, 1M → "0", "0.5M", "1M".
std::string FormatTick(double value, const AxisTicks& ticks);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_SVG_FORMAT_H_
