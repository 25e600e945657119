// The CRM filter language: a subset of AIP-160 (https://google.aip.dev/160)
// compiled to a parameterised SQL condition.
//
// Grammar (uppercase keywords; whitespace separates tokens):
// clang-format off
//   filter      = [ expression ]
//   expression  = sequence { "AND" sequence }
//   sequence    = factor { factor }          (implicit AND, AIP-160 sequence)
//   factor      = term { "OR" term }         (OR binds tighter than AND)
//   term        = [ "NOT" | "-" ] simple
//   simple      = restriction | "(" expression ")"
//   restriction = field comparator value
//   field       = IDENT | IDENT "." KEY      (KEY only for kStringMap fields)
//   comparator  = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
//   value       = "double-quoted" | 'single-quoted' | [-]NUMBER | true
//               | false | IDENT              (IDENT: enum value names only)
// clang-format on
//
// Semantics per field type (see FieldType) and the exact SQL produced are
// documented in README.md next to this header.
//
// Guarantees of CompileFilter's result:
//  * Every column reference comes from the FieldCatalog; every literal from the
//    filter text is a `?` placeholder whose value is in `params`, in the order
//    the literals appear in the filter text.
//  * The SQL is one self-contained predicate (composite expressions are
//    wrapped in parentheses), so callers can write
//    `WHERE tenant_id = ? AND <sql>` safely.
//  * NOT and != keep SQL's three-valued logic: a row whose column is NULL
//    matches neither `f = x` nor `NOT f = x` (nor `f != x`).
//  * Bad input yields INVALID_ARGUMENT whose message starts with "filter: " and
//    names the 1-based byte position of the problem. Never INTERNAL.
#ifndef CRM_SERVER_FILTER_FILTER_H_
#define CRM_SERVER_FILTER_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/sql_fragment.h"

namespace crm::filter {

// Limits that keep a hostile filter cheap to parse and cheap for the database.
inline constexpr size_t kMaxFilterLengthBytes = 2000;
// Maximum nesting of parentheses.
inline constexpr int kMaxNestingDepth = 16;
// Maximum number of `field op value` restrictions in one filter.
inline constexpr int kMaxRestrictions = 64;
// Maximum length of a custom attribute key (`attributes.KEY`).
inline constexpr size_t kMaxMapKeyLength = 64;

// The SQL returned for an empty or whitespace-only filter (matches every row).
inline constexpr std::string_view kMatchAllSql = "1=1";

enum class FieldType {
  kString,     // VARCHAR column.
  kInt64,      // Integer column.
  kDouble,     // DOUBLE column.
  kBool,       // TINYINT(1) column; literals true/false.
  kEnum,       // Integer column; literal is a bare identifier or quoted string
               // naming an enum value.
  kTimestamp,  // DATETIME(6) UTC column; literal is an RFC 3339 string, e.g.
               // "2026-01-02T03:04:05Z" or with an offset "+08:00". Bound as
               // "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
  kDate,       // DATE column; literal "YYYY-MM-DD" (a real calendar date).
  kMoneyMicros,  // BIGINT column holding money in micros (1e-6 units); literal
                 // is a decimal number like 1000 or 12.5 (at most 6 decimals).
  kStringList,   // JSON array of strings column; only `:` (contains element).
  kResourceName, // Id column of a referenced resource; the literal is its quoted
                 // resource name `resource_prefix` + id (e.g. "contacts/01j..."),
                 // bound as the bare id so the column's index is used. `=`, `!=`.
  kStringMap,    // JSON object string->string column: `attributes.KEY <op> "v"`
                 // compares a value, `attributes:KEY` tests key presence.
};

// Human-readable name of a type, as used in error messages ("timestamp").
std::string_view FieldTypeName(FieldType type);

struct FieldSpec {
  std::string name;  // Field name in the API, e.g. "display_name".
  FieldType type;
  std::string column;  // Trusted SQL expression, e.g. "c.display_name".
  // kEnum only: API name -> stored integer.
  std::vector<std::pair<std::string, int64_t>> enum_values;
  // kResourceName only: the collection prefix of valid values, e.g. "contacts/".
  std::string resource_prefix;
};

// The whitelist of filterable fields for one resource. Catalogs are written by
// the server's developers, not by clients, so a malformed catalog (duplicate or
// invalid field name, empty column, enum without values) is a programming error
// and aborts the process at construction, the way a failed CHECK would.
class FieldCatalog {
 public:
  explicit FieldCatalog(std::vector<FieldSpec> fields);

  // Returns nullptr when `name` is not filterable.
  const FieldSpec* Find(std::string_view name) const;

  // Fields in the order they were given.
  const std::vector<FieldSpec>& fields() const { return fields_; }

  // Comma-separated, alphabetically sorted field names, for error messages.
  const std::string& field_names_for_message() const {
    return field_names_for_message_;
  }

 private:
  std::vector<FieldSpec> fields_;
  std::map<std::string, size_t, std::less<>> index_by_name_;
  std::string field_names_for_message_;
};

// Compiles `filter` into a SQL condition over the catalog's columns.
// An empty or whitespace-only filter yields SqlFragment{"1=1", {}}.
absl::StatusOr<crm::storage::SqlFragment> CompileFilter(
    std::string_view filter, const FieldCatalog& catalog);

}  // namespace crm::filter

#endif  // CRM_SERVER_FILTER_FILTER_H_
