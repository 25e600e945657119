#ifndef CRM_SERVER_VALIDATION_FIELD_RULES_H_
#define CRM_SERVER_VALIDATION_FIELD_RULES_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "crm/v1/common.pb.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/timestamp.pb.h"

// Field-level input rules shared by every service. Each returns INVALID_ARGUMENT with
// a message that starts with the offending field's path, e.g. "emails[2]: ...".
namespace crm::server {

inline constexpr int kMaxTags = 50;
inline constexpr int kMaxTagLength = 64;
inline constexpr int kMaxAttributes = 50;
inline constexpr int kMaxAttributeKeyLength = 64;
inline constexpr int kMaxAttributeValueLength = 1024;
inline constexpr int kMaxRequestIdLength = 36;
inline constexpr int64_t kMaxMoneyUnits = 9'000'000'000'000;

// Text of at most `max_chars` Unicode code points without control characters (tab
// and newline allowed only when `multiline`). `required`: at least one non-space.
absl::Status CheckText(absl::string_view field, absl::string_view value, int max_chars,
                       bool required = false, bool multiline = false);

// An identifier-like value (external ids, store ids): printable, no spaces at the ends.
absl::Status CheckIdentifier(absl::string_view field, absl::string_view value, int max_chars);

// Removes duplicates (keeping first occurrence) and checks count and syntax.
absl::Status NormalizeTags(absl::string_view field, google::protobuf::RepeatedPtrField<std::string>* tags);
absl::Status CheckAttributes(absl::string_view field,
                             const google::protobuf::Map<std::string, std::string>& attributes);

// Lower-cases and checks `local@domain.tld` (RFC 5321 lengths, dot-atom local part).
absl::Status NormalizeEmail(absl::string_view field, std::string* email);
// Removes spaces, dashes, dots and parentheses; requires `+` and 8..15 digits (E.164).
absl::Status NormalizePhone(absl::string_view field, std::string* phone);

// Non-negative unless `allow_negative`; nanos a multiple of 1000 with the sign of
// units; currency empty or the tenant's (then set to it).
absl::Status NormalizeMoney(absl::string_view field, const std::string& tenant_currency,
                            bool allow_negative, v1::Money* money);

// A real calendar date, year 1900..9999.
absl::Status CheckDate(absl::string_view field, const v1::Date& date);
absl::Status CheckIntRange(absl::string_view field, int64_t value, int64_t min, int64_t max);
// A timestamp a DATETIME(6) column can hold.
absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& timestamp);
// The same, and not more than 5 minutes (clock skew) in the future.
absl::Status CheckTimestampNotInFuture(absl::string_view field,
                                       const google::protobuf::Timestamp& timestamp);

// AIP-155: at most 36 characters of letters, digits, '-' and '_' (a UUID fits).
absl::Status CheckRequestId(absl::string_view request_id);

// A proto3 enum field holding a number its enum does not define (proto3 keeps
// unknown numbers) or, unless allowed, the zero value.
// `is_valid` is the generated Foo_IsValid function.
absl::Status CheckEnum(absl::string_view field, int value, bool (*is_valid)(int),
                       bool allow_unspecified);

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_FIELD_RULES_H_
