// The text forms of field values in crmctl's CSV files, parsed by the imports and
// written by the exports (so an exported file imports back to the same values):
// enums by their short name (FEMALE for GENDER_FEMALE), money as exact decimals,
// timestamps in RFC 3339, dates as YYYY-MM-DD, lists separated by ';'. Parse errors are INVALID_ARGUMENT
// with a message fit for the user (the caller adds the column).
#ifndef CRM_CLIENTS_CRMCTL_CSV_VALUES_H_
#define CRM_CLIENTS_CRMCTL_CSV_VALUES_H_

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/repeated_ptr_field.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/v1/common.pb.h"

namespace crm::crmctl {

// The separator of list values (emails, phones, tags) inside one field.
inline constexpr char kListSeparator = ';';

// The value of enum `number` by its short name (enum_names.h): GENDER_FEMALE →
// "FEMALE"; "" for 0 (UNSPECIFIED) or an unknown number.
std::string EnumText(const google::protobuf::EnumDescriptor* type, int number);

// A decimal amount ("1234.50", "-0.25"; money_text.h) as crm.v1.Money, exactly;
// surrounding spaces ignored. The currency code is left empty (the tenant's).
absl::StatusOr<v1::Money> ParseMoney(absl::string_view text);

// The enum number named by `text`: the short or the full name, any case
// (enum_names.h). The UNSPECIFIED value is not accepted (leave the field empty).
absl::StatusOr<int> ParseEnumText(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view text);

// A whole decimal number, optionally signed.
absl::StatusOr<int64_t> ParseWholeNumber(absl::string_view text);

// RFC 3339: 2024-05-01T09:30:00Z, 2024-05-01T17:30:00.250+08:00.
absl::StatusOr<google::protobuf::Timestamp> ParseTimestampText(absl::string_view text);
// RFC 3339 in UTC ("2024-05-01T09:30:00Z"); "" for the zero timestamp.
std::string TimestampText(const google::protobuf::Timestamp& timestamp);

// YYYY-MM-DD, a day that exists.
absl::StatusOr<v1::Date> ParseDateText(absl::string_view text);
// YYYY-MM-DD; "" for an unset date.
std::string DateText(const v1::Date& date);

// "a; b;;c" → {"a", "b", "c"}: split on ';', trimmed, empty entries dropped.
std::vector<std::string> SplitListText(absl::string_view text);
// {"a", "b"} → "a;b".
std::string ListText(const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_CSV_VALUES_H_
