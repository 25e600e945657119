#include "clients/crmctl/money_text.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::crmctl {

absl::StatusOr<MoneyParts> ParseMoneyText(absl::string_view text) {
  const absl::string_view original = text;
  auto bad = [original](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("\"", original, "\" is not an amount: ", why));
  };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty()) return bad("digits expected before the decimal point");
  if (dot != absl::string_view::npos && fraction.empty()) return bad("digits expected after the decimal point");
  if (fraction.size() > 6) return bad("at most 6 decimals");
  if (whole.size() > 13) return bad("too large");
  int64_t units = 0;
  for (char c : whole) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad("only digits and one '.'");
    units = units * 10 + (c - '0');
  }
  if (units > 9'000'000'000'000) return bad("too large (at most 9,000,000,000,000)");
  int32_t nanos = 0;
  for (size_t i = 0; i < 9; ++i) {
    int digit = 0;
    if (i < fraction.size()) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(fraction[i]))) return bad("only digits and one '.'");
      digit = fraction[i] - '0';
    }
    nanos = nanos * 10 + digit;
  }
  if (negative) {
    units = -units;
    nanos = -nanos;
  }
  return MoneyParts{units, nanos};
}

std::string FormatMoneyText(int64_t units, int32_t nanos) {
  const bool negative = units < 0 || nanos < 0;
  const int64_t abs_units = units < 0 ? -units : units;
  int32_t abs_nanos = nanos < 0 ? -nanos : nanos;
  std::string text = absl::StrCat(negative ? "-" : "", abs_units);
  if (abs_nanos != 0) {
    std::string fraction = absl::StrFormat("%09d", abs_nanos);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    absl::StrAppend(&text, ".", fraction);
  }
  return text;
}

}  // namespace crm::crmctl
