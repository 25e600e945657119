// Conversion of literal text from a filter into the value bound to a SQL
// placeholder, one function per field type that needs more than a copy. Each
// error status carries only a short reason (e.g. "has more than 6 decimal
// places"); the SQL compiler adds the field name and the position.
#ifndef CRM_SERVER_FILTER_LITERALS_H_
#define CRM_SERVER_FILTER_LITERALS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::filter::internal {

// `-?[0-9]+` within the int64 range.
absl::StatusOr<int64_t> ParseInt64Literal(absl::string_view text);

// `-?[0-9]+(\.[0-9]+)?([eE]-?[0-9]+)?`, finite.
absl::StatusOr<double> ParseDoubleLiteral(absl::string_view text);

// `-?[0-9]+(\.[0-9]{1,6})?` in currency units, converted exactly (no floating
// point) to micros; the result must fit in int64.
absl::StatusOr<int64_t> ParseMoneyMicrosLiteral(absl::string_view text);

// RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, `T` and `Z` in
// either case, up to 9 fraction digits of which only the first 6 may be
// non-zero (the column stores microseconds). Returns the instant in UTC
// formatted as "YYYY-MM-DD HH:MM:SS.ffffff", which is what a DATETIME(6) column
// compares against. The UTC instant must fall within DATETIME's range
// (years 1000-9999).
absl::StatusOr<std::string> ParseTimestampLiteral(absl::string_view text);

// `YYYY-MM-DD`, a real calendar date in DATE's range (years 1000-9999).
// Returns the text unchanged.
absl::StatusOr<std::string> ParseDateLiteral(absl::string_view text);

// True if `key` is a valid custom attribute key: [A-Za-z0-9_-]{1,64}.
bool IsValidMapKey(absl::string_view key);

// The JSON path that selects `key` (which must satisfy IsValidMapKey) in a JSON
// object: `$."key"`. Quoting keeps keys such as `2024-q1` valid paths.
std::string JsonPathForKey(absl::string_view key);

// Escapes LIKE's wildcards `%` and `_` and the escape character `\` itself, and
// wraps the result in `%...%`, for use with `LIKE ? ESCAPE '\\'`.
std::string LikeContainsPattern(absl::string_view text);

}  // namespace crm::filter::internal

#endif  // CRM_SERVER_FILTER_LITERALS_H_
