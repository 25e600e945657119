#include "clients/crmctl/csv_values.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clients/crmctl/enum_names.h"
#include "clients/crmctl/money_text.h"

namespace crm::crmctl {
namespace {

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", text.substr(0, 60), "\""); }

}  // namespace

std::string EnumText(const google::protobuf::EnumDescriptor* type, int number) {
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (number == 0 || value == nullptr) return "";
  return ShortEnumName(*value);
}

absl::StatusOr<int> ParseEnumText(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view text) {
  const google::protobuf::EnumValueDescriptor* value =
      FindEnumValue(*type, std::string(absl::StripAsciiWhitespace(text)));
  if (value != nullptr && value->number() != 0) return value->number();
  std::vector<std::string> accepted;
  for (int i = 0; i < type->value_count(); ++i) {
    // UNSPECIFIED is not offered: an empty field says that.
    if (type->value(i)->number() != 0) accepted.push_back(ShortEnumName(*type->value(i)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(text), " is not one of ", absl::StrJoin(accepted, ", ")));
}

absl::StatusOr<v1::Money> ParseMoney(absl::string_view text) {
  const std::string trimmed(absl::StripAsciiWhitespace(text));
  absl::StatusOr<MoneyParts> parts = ParseMoneyText(trimmed);
  if (!parts.ok()) return parts.status();
  v1::Money money;
  money.set_units(parts->units);
  money.set_nanos(parts->nanos);
  return money;
}

absl::StatusOr<int64_t> ParseWholeNumber(absl::string_view text) {
  int64_t number = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &number)) {
    return absl::InvalidArgumentError(absl::StrCat(Quoted(text), " is not a whole number"));
  }
  return number;
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimestampText(absl::string_view text) {
  const std::string trimmed(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, trimmed, &time, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Quoted(text), " is not an RFC 3339 time such as 2024-05-01T09:30:00Z or "
        "2024-05-01T17:30:00+08:00"));
  }
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = absl::ToUnixSeconds(time);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return timestamp;
}

std::string TimestampText(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

absl::StatusOr<v1::Date> ParseDateText(absl::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  const auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a date written YYYY-MM-DD, e.g. 1985-04-23"));
  };
  const std::vector<absl::string_view> parts = absl::StrSplit(trimmed, '-');
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2) {
    return invalid();
  }
  int year = 0, month = 0, day = 0;
  for (absl::string_view part : parts) {
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return invalid();
    }
  }
  if (!absl::SimpleAtoi(parts[0], &year) || !absl::SimpleAtoi(parts[1], &month) ||
      !absl::SimpleAtoi(parts[2], &day)) {
    return invalid();
  }
  // CivilDay normalises 2023-02-30 to 2023-03-02: a day that changes does not exist.
  const absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return absl::InvalidArgumentError(absl::StrCat(Quoted(text), " is not a day of the calendar"));
  }
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string DateText(const v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::vector<std::string> SplitListText(absl::string_view text) {
  std::vector<std::string> values;
  for (absl::string_view part : absl::StrSplit(text, kListSeparator)) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) values.emplace_back(part);
  }
  return values;
}

std::string ListText(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return absl::StrJoin(values, std::string(1, kListSeparator));
}

}  // namespace crm::crmctl
