#include "server/filter/literals.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "server/filter/filter.h"

namespace crm::filter::internal {
namespace {

// DATE and DATETIME's supported range in MariaDB.
constexpr int64_t kMinSqlYear = 1000;
constexpr int64_t kMaxSqlYear = 9999;

constexpr int kMaxMoneyDecimals = 6;
constexpr int kMicrosDigits = 6;
constexpr int kMaxFractionDigits = 9;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes a run of digits starting at `pos`; returns how many there were.
size_t CountDigits(absl::string_view text, size_t pos) {
  size_t count = 0;
  while (pos + count < text.size() && IsDigit(text[pos + count])) ++count;
  return count;
}

// Reads exactly `width` digits at `pos` into `value`; false if any is missing.
bool ReadFixedDigits(absl::string_view text, size_t pos, size_t width,
                     int& value) {
  if (pos + width > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < width; ++i) {
    if (!IsDigit(text[pos + i])) return false;
    value = value * 10 + (text[pos + i] - '0');
  }
  return true;
}

bool ExpectChar(absl::string_view text, size_t pos, char expected) {
  return pos < text.size() && text[pos] == expected;
}

bool ExpectCharEitherCase(absl::string_view text, size_t pos, char upper) {
  return pos < text.size() &&
         (text[pos] == upper || text[pos] == upper - 'A' + 'a');
}

// True when the civil fields were already in range (CivilSecond normalises
// 2026-02-30 into March; a real calendar date round-trips unchanged).
bool IsRealCivilTime(const absl::CivilSecond& civil, int64_t year, int month,
                     int day, int hour, int minute, int second) {
  return civil.year() == year && civil.month() == month && civil.day() == day &&
         civil.hour() == hour && civil.minute() == minute &&
         civil.second() == second;
}

absl::Status OutOfSqlRange() {
  return absl::InvalidArgumentError(
      absl::StrCat("is outside the supported range of years ", kMinSqlYear,
                   " to ", kMaxSqlYear));
}

}  // namespace

absl::StatusOr<int64_t> ParseInt64Literal(absl::string_view text) {
  const size_t sign = !text.empty() && text[0] == '-' ? 1 : 0;
  const size_t digits = CountDigits(text, sign);
  if (digits == 0 || sign + digits != text.size()) {
    return absl::InvalidArgumentError("is not a whole number");
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError("is outside the 64-bit integer range");
  }
  return value;
}

absl::StatusOr<double> ParseDoubleLiteral(absl::string_view text) {
  size_t pos = !text.empty() && text[0] == '-' ? 1 : 0;
  const size_t integer_digits = CountDigits(text, pos);
  bool well_formed = integer_digits > 0;
  pos += integer_digits;
  if (well_formed && ExpectChar(text, pos, '.')) {
    const size_t fraction_digits = CountDigits(text, pos + 1);
    well_formed = fraction_digits > 0;
    pos += 1 + fraction_digits;
  }
  if (well_formed &&
      (ExpectChar(text, pos, 'e') || ExpectChar(text, pos, 'E'))) {
    ++pos;
    if (ExpectChar(text, pos, '-')) ++pos;
    const size_t exponent_digits = CountDigits(text, pos);
    well_formed = exponent_digits > 0;
    pos += exponent_digits;
  }
  if (!well_formed || pos != text.size()) {
    return absl::InvalidArgumentError("is not a number");
  }
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return absl::InvalidArgumentError("is outside the range of a double");
  }
  return value;
}

absl::StatusOr<int64_t> ParseMoneyMicrosLiteral(absl::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  size_t pos = negative ? 1 : 0;
  const size_t integer_digits = CountDigits(text, pos);
  if (integer_digits == 0) {
    return absl::InvalidArgumentError("is not a decimal amount such as 12.50");
  }
  const absl::string_view integer_part = text.substr(pos, integer_digits);
  pos += integer_digits;
  absl::string_view fraction_part;
  if (ExpectChar(text, pos, '.')) {
    const size_t fraction_digits = CountDigits(text, pos + 1);
    if (fraction_digits == 0) {
      return absl::InvalidArgumentError(
          "is not a decimal amount such as 12.50");
    }
    fraction_part = text.substr(pos + 1, fraction_digits);
    pos += 1 + fraction_digits;
  }
  if (pos != text.size()) {
    return absl::InvalidArgumentError("is not a decimal amount such as 12.50");
  }
  if (fraction_part.size() > kMaxMoneyDecimals) {
    return absl::InvalidArgumentError(
        absl::StrCat("has more than ", kMaxMoneyDecimals,
                     " decimal places (amounts are stored in "
                     "micros)"));
  }
  // Accumulate the magnitude as a negative number: int64's negative range is
  // one larger, so the most negative amount still converts without overflow.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  int64_t negated_micros = 0;
  const absl::Status overflow =
      absl::InvalidArgumentError("is too large to be stored in micros");
  const auto append_digit = [&](char digit) {
    const int64_t d = digit - '0';
    if (negated_micros < (kMin + d) / 10) return false;
    negated_micros = negated_micros * 10 - d;
    return true;
  };
  for (const char c : integer_part) {
    if (!append_digit(c)) return overflow;
  }
  for (int i = 0; i < kMaxMoneyDecimals; ++i) {
    const char c =
        i < static_cast<int>(fraction_part.size()) ? fraction_part[i] : '0';
    if (!append_digit(c)) return overflow;
  }
  if (negative) return negated_micros;
  if (negated_micros == kMin) return overflow;
  return -negated_micros;
}

absl::StatusOr<std::string> ParseTimestampLiteral(absl::string_view text) {
  const absl::Status malformed = absl::InvalidArgumentError(
      "is not an RFC 3339 timestamp such as \"2026-01-02T03:04:05Z\" or "
      "\"2026-01-02T11:04:05.5+08:00\"");
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadFixedDigits(text, 0, 4, year) || !ExpectChar(text, 4, '-') ||
      !ReadFixedDigits(text, 5, 2, month) || !ExpectChar(text, 7, '-') ||
      !ReadFixedDigits(text, 8, 2, day) ||
      !ExpectCharEitherCase(text, 10, 'T') ||
      !ReadFixedDigits(text, 11, 2, hour) || !ExpectChar(text, 13, ':') ||
      !ReadFixedDigits(text, 14, 2, minute) || !ExpectChar(text, 16, ':') ||
      !ReadFixedDigits(text, 17, 2, second)) {
    return malformed;
  }
  size_t pos = 19;
  int micros = 0;
  if (ExpectChar(text, pos, '.')) {
    const size_t fraction_digits = CountDigits(text, pos + 1);
    if (fraction_digits == 0 || fraction_digits > kMaxFractionDigits) {
      return malformed;
    }
    const absl::string_view fraction = text.substr(pos + 1, fraction_digits);
    for (size_t i = 0; i < kMicrosDigits; ++i) {
      micros = micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    if (fraction.size() > kMicrosDigits &&
        fraction.find_first_not_of('0', kMicrosDigits) !=
            absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "has sub-microsecond precision; timestamps are stored in "
          "microseconds");
    }
    pos += 1 + fraction_digits;
  }
  int offset_seconds = 0;
  if (ExpectCharEitherCase(text, pos, 'Z')) {
    ++pos;
  } else if (ExpectChar(text, pos, '+') || ExpectChar(text, pos, '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    int offset_hours = 0, offset_minutes = 0;
    if (!ReadFixedDigits(text, pos + 1, 2, offset_hours) ||
        !ExpectChar(text, pos + 3, ':') ||
        !ReadFixedDigits(text, pos + 4, 2, offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return malformed;
    }
    offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
    pos += 6;
  } else {
    return absl::InvalidArgumentError(
        "has no time zone; end it with Z for UTC or an offset such as +08:00");
  }
  if (pos != text.size()) return malformed;

  const absl::CivilSecond local(year, month, day, hour, minute, second);
  if (!IsRealCivilTime(local, year, month, day, hour, minute, second)) {
    return absl::InvalidArgumentError(
        second == 60 ? "is a leap second, which cannot be stored"
                     : "is not a valid calendar date and time");
  }
  // Local time = UTC + offset, so UTC = local time - offset.
  const absl::CivilSecond utc = local - offset_seconds;
  if (utc.year() < kMinSqlYear || utc.year() > kMaxSqlYear) {
    return OutOfSqlRange();
  }
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d.%06d", utc.year(),
                         utc.month(), utc.day(), utc.hour(), utc.minute(),
                         utc.second(), micros);
}

absl::StatusOr<std::string> ParseDateLiteral(absl::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || !ReadFixedDigits(text, 0, 4, year) ||
      !ExpectChar(text, 4, '-') || !ReadFixedDigits(text, 5, 2, month) ||
      !ExpectChar(text, 7, '-') || !ReadFixedDigits(text, 8, 2, day)) {
    return absl::InvalidArgumentError("is not a date in the form YYYY-MM-DD");
  }
  const absl::CivilSecond civil(year, month, day, 0, 0, 0);
  if (!IsRealCivilTime(civil, year, month, day, 0, 0, 0)) {
    return absl::InvalidArgumentError("is not a valid calendar date");
  }
  if (year < kMinSqlYear || year > kMaxSqlYear) return OutOfSqlRange();
  return std::string(text);
}

bool IsValidMapKey(absl::string_view key) {
  if (key.empty() || key.size() > kMaxMapKeyLength) return false;
  for (const char c : key) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         IsDigit(c) || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string JsonPathForKey(absl::string_view key) {
  return absl::StrCat("$.\"", key, "\"");
}

std::string LikeContainsPattern(absl::string_view text) {
  std::string pattern = "%";
  pattern.reserve(text.size() + 2);
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace crm::filter::internal
