#ifndef CRM_STORAGE_ROW_CODEC_H_
#define CRM_STORAGE_ROW_CODEC_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/map.h"
#include "google/protobuf/repeated_field.h"
#include "crm/v1/common.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/sql_fragment.h"

namespace sql {
class ResultSet;
}

// Conversions between column values and API field values, shared by repositories.
namespace crm::storage {

// DATETIME(6) text in UTC, e.g. "2026-11-23 09:20:29.123456".
std::string ToSqlDatetime(absl::Time time);
absl::Time FromSqlDatetime(const std::string& text);
// The current time at the microsecond precision the database keeps.
absl::Time NowMicros();

void ToProtoTimestamp(absl::Time time, google::protobuf::Timestamp* out);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp);

// Nullable column readers.
std::optional<std::string> GetOptionalString(sql::ResultSet& row, const char* column);
std::optional<absl::Time> GetOptionalDatetime(sql::ResultSet& row, const char* column);
SqlValue OptionalDatetimeValue(const std::optional<absl::Time>& time);
// An optional proto time field (`has` = its has_ accessor) as a nullable DATETIME.
SqlValue OptionalDatetimeValue(bool has, const google::protobuf::Timestamp& time);
// DATE columns, "YYYY-MM-DD".
std::string DateToSql(const v1::Date& date);
std::optional<v1::Date> GetOptionalDate(sql::ResultSet& row, const char* column);
// Empty strings are stored as NULL where a column is unique when set (external ids).
SqlValue NullIfEmpty(const std::string& value);

// JSON columns (tags, emails, attributes) through nlohmann/json.
std::string StringListToJson(const google::protobuf::RepeatedPtrField<std::string>& values);
void StringListFromJson(const std::string& json, google::protobuf::RepeatedPtrField<std::string>* out);
std::string StringMapToJson(const google::protobuf::Map<std::string, std::string>& values);
void StringMapFromJson(const std::string& json, google::protobuf::Map<std::string, std::string>* out);

// Etags are the row's revision, quoted as AIP-154 suggests.
std::string EtagForRevision(int64_t revision);

// AIP-154: an empty expected etag skips the check; a different one is ABORTED.
absl::Status CheckEtag(absl::string_view expected, absl::string_view current,
                       absl::string_view resource_name);

}  // namespace crm::storage

#endif  // CRM_STORAGE_ROW_CODEC_H_
