#include "clients/crmctl/svg_format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::crmctl {
namespace {

// Groups the integer digits of a plain decimal ("-1234567.50") in threes.
std::string GroupThousands(const std::string& plain) {
  size_t start = plain[0] == '-' ? 1 : 0;
  size_t end = plain.find('.');
  if (end == std::string::npos) end = plain.size();
  std::string out = plain.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    out += plain[i];
    const size_t remaining = end - i - 1;
    if (remaining > 0 && remaining % 3 == 0) out += ',';
  }
  out += plain.substr(end);
  return out;
}

// "5.0" → "5", "1.50" → "1.5"; text without a point is left alone.
std::string TrimZeros(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

// Fewest decimals (0..6) that show `value` exactly enough.
int DecimalsFor(double value) {
  value = std::fabs(value);
  for (int decimals = 0; decimals < 6; ++decimals) {
    const double scaled = value * std::pow(10.0, decimals);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return decimals;
  }
  return 6;
}

// Heckbert's nice number: 1, 2, 5 or 10 × 10^n near `x` (rounded or at least x).
double NiceNumber(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double fraction = x / std::pow(10.0, exponent);
  double nice;
  if (round) {
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  } else {
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  }
  return nice * std::pow(10.0, exponent);
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c; break;
    }
  }
  return out;
}

std::string FormatNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "\xE2\x80\x93";  // en dash
  std::string plain = absl::StrFormat("%.*f", std::max(0, decimals), value);
  if (plain[0] == '-' && plain.find_first_not_of("-0.") == std::string::npos) plain.erase(0, 1);
  return GroupThousands(plain);
}

std::string FormatCompact(double value) {
  if (!std::isfinite(value)) return "\xE2\x80\x93";
  static constexpr struct {
    double scale;
    const char* suffix;
  } kScales[] = {{1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  const double magnitude = std::fabs(value);
  for (size_t i = 0; i < std::size(kScales); ++i) {
    if (magnitude < kScales[i].scale * 0.9995) continue;
    double scaled = value / kScales[i].scale;
    const int decimals = std::fabs(scaled) < 9.95 ? 1 : 0;
    // 999,950 rounds to "1000k": say "1M" instead.
    if (i > 0 && std::fabs(std::round(scaled)) >= 1000) {
      return absl::StrCat(TrimZeros(absl::StrFormat("%.1f", value / kScales[i - 1].scale)),
                          kScales[i - 1].suffix);
    }
    return absl::StrCat(TrimZeros(absl::StrFormat("%.*f", decimals, scaled)), kScales[i].suffix);
  }
  const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  std::string text = TrimZeros(absl::StrFormat("%.*f", decimals, value));
  // A literal return, not an assignment: see Px() in svg_canvas.cc (GCC bug 105329).
  if (text == "-0") return "0";
  return text;
}

std::string FormatMoney(double units, std::string_view currency_code, int decimals) {
  const std::string amount = FormatNumber(units, decimals);
  return currency_code.empty() ? amount : absl::StrCat(std::string(currency_code), " ", amount);
}

std::string FormatPercent(double share, int decimals) {
  if (!std::isfinite(share)) return "\xE2\x80\x93";
  return absl::StrCat(FormatNumber(share * 100, decimals), "%");
}

double NiceStep(double rough) {
  if (!(rough > 0) || !std::isfinite(rough)) return 1;
  return NiceNumber(rough, true);
}

AxisTicks NiceTicks(double min_value, double max_value, int target_count) {
  if (!std::isfinite(min_value) || !std::isfinite(max_value)) min_value = max_value = 0;
  if (min_value > max_value) std::swap(min_value, max_value);
  if (min_value == max_value) {
    // One value: an axis from zero to it (or to 1 for zero itself).
    const double value = min_value;
    min_value = std::min(0.0, value);
    max_value = std::max(0.0, value);
    if (min_value == max_value) max_value = 1;
  }
  target_count = std::max(2, target_count);
  const double range = NiceNumber(max_value - min_value, false);
  const double step = NiceNumber(range / (target_count - 1), true);
  AxisTicks ticks;
  ticks.step = step;
  ticks.lo = std::floor(min_value / step + 1e-9) * step;
  ticks.hi = std::ceil(max_value / step - 1e-9) * step;
  const int count = static_cast<int>(std::llround((ticks.hi - ticks.lo) / step));
  for (int i = 0; i <= count; ++i) {
    double value = ticks.lo + i * step;
    if (std::fabs(value) < step * 1e-9) value = 0;  // no "-0" from rounding
    ticks.values.push_back(value);
  }
  return ticks;
}

std::string FormatTick(double value, const AxisTicks& ticks) {
  const double magnitude = std::max(std::fabs(ticks.lo), std::fabs(ticks.hi));
  double scale = 1;
  const char* suffix = "";
  if (magnitude >= 1e9) {
    scale = 1e9;
    suffix = "B";
  } else if (magnitude >= 1e6) {
    scale = 1e6;
    suffix = "M";
  } else if (magnitude >= 1e4) {
    scale = 1e3;
    suffix = "k";
  }
  const int decimals = std::max(DecimalsFor(ticks.step / scale), DecimalsFor(ticks.lo / scale));
  if (value == 0) return "0";
  return absl::StrCat(FormatNumber(value / scale, decimals), suffix);
}

}  // namespace crm::crmctl
