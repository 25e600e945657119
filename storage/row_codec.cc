#include "storage/row_codec.h"

#include <cppconn/resultset.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace crm::storage {

std::string ToSqlDatetime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", time, absl::UTCTimeZone());
}

absl::Time FromSqlDatetime(const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &time, &error)) {
    return absl::UnixEpoch();
  }
  return time;
}

absl::Time NowMicros() {
  return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
}

void ToProtoTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    seconds -= 1;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

std::optional<std::string> GetOptionalString(sql::ResultSet& row, const char* column) {
  if (row.isNull(column)) return std::nullopt;
  return std::string(row.getString(column));
}

std::string DateToSql(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::optional<v1::Date> GetOptionalDate(sql::ResultSet& row, const char* column) {
  const std::optional<std::string> text = GetOptionalString(row, column);
  int year = 0, month = 0, day = 0;
  if (!text || std::sscanf(text->c_str(), "%d-%d-%d", &year, &month, &day) != 3) return std::nullopt;
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::optional<absl::Time> GetOptionalDatetime(sql::ResultSet& row, const char* column) {
  if (row.isNull(column)) return std::nullopt;
  return FromSqlDatetime(row.getString(column));
}

SqlValue OptionalDatetimeValue(const std::optional<absl::Time>& time) {
  if (!time) return nullptr;
  return ToSqlDatetime(*time);
}

SqlValue OptionalDatetimeValue(bool has, const google::protobuf::Timestamp& time) {
  if (!has) return nullptr;
  return ToSqlDatetime(FromProtoTimestamp(time));
}

SqlValue NullIfEmpty(const std::string& value) {
  if (value.empty()) return nullptr;
  return value;
}

std::string StringListToJson(const google::protobuf::RepeatedPtrField<std::string>& values) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& value : values) array.push_back(value);
  return array.dump();
}

void StringListFromJson(const std::string& json, google::protobuf::RepeatedPtrField<std::string>* out) {
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return;
  for (const auto& item : parsed) {
    if (item.is_string()) out->Add(item.get<std::string>());
  }
}

std::string StringMapToJson(const google::protobuf::Map<std::string, std::string>& values) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : values) object[key] = value;
  return object.dump();
}

void StringMapFromJson(const std::string& json, google::protobuf::Map<std::string, std::string>* out) {
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return;
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_string()) (*out)[key] = value.get<std::string>();
  }
}

std::string EtagForRevision(int64_t revision) { return absl::StrCat("\"", revision, "\""); }

absl::Status CheckEtag(absl::string_view expected, absl::string_view current,
                       absl::string_view resource_name) {
  if (expected.empty() || expected == current) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("etag: ", resource_name, " changed since it was read; re-read and retry"));
}

}  // namespace crm::storage
