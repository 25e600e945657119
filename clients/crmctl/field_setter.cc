#include "clients/crmctl/field_setter.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/crmctl/enum_names.h"
#include "clients/crmctl/money_text.h"

namespace crm::crmctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Bad(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--set ", path, ": ", problem));
}

absl::Status SetMessageFromText(Message& target, absl::string_view path, const std::string& text) {
  const std::string type = target.GetDescriptor()->full_name();
  if (type == "crm.v1.Money") {
    absl::StatusOr<MoneyParts> money = ParseMoneyText(text);
    if (!money.ok()) return Bad(path, money.status().message());
    const auto* descriptor = target.GetDescriptor();
    target.GetReflection()->SetInt64(&target, descriptor->FindFieldByName("units"), money->units);
    target.GetReflection()->SetInt32(&target, descriptor->FindFieldByName("nanos"), money->nanos);
    return absl::OkStatus();
  }
  if (type == "google.protobuf.Timestamp") {
    if (!google::protobuf::util::TimeUtil::FromString(
            text, static_cast<google::protobuf::Timestamp*>(&target))) {
      return Bad(path, "not an RFC 3339 time like 2026-01-31T09:00:00Z");
    }
    return absl::OkStatus();
  }
  if (type == "crm.v1.Date") {
    std::vector<std::string> parts = absl::StrSplit(text, '-');
    int year = 0, month = 0, day = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &year) ||
        !absl::SimpleAtoi(parts[1], &month) || !absl::SimpleAtoi(parts[2], &day)) {
      return Bad(path, "not a date like 1990-04-17");
    }
    const auto* descriptor = target.GetDescriptor();
    target.GetReflection()->SetInt32(&target, descriptor->FindFieldByName("year"), year);
    target.GetReflection()->SetInt32(&target, descriptor->FindFieldByName("month"), month);
    target.GetReflection()->SetInt32(&target, descriptor->FindFieldByName("day"), day);
    return absl::OkStatus();
  }
  return Bad(path, absl::StrCat("is a ", type, "; set its fields (", path, ".FIELD=...) or use --json"));
}

absl::Status SetScalar(Message& message, const FieldDescriptor& field, absl::string_view path,
                       const std::string& text) {
  const Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? reflection.AddString(&message, &field, text) : reflection.SetString(&message, &field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t value;
      if (!absl::SimpleAtoi(text, &value)) return Bad(path, "not a whole number");
      repeated ? reflection.AddInt32(&message, &field, value) : reflection.SetInt32(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t value;
      if (!absl::SimpleAtoi(text, &value)) return Bad(path, "not a whole number");
      repeated ? reflection.AddInt64(&message, &field, value) : reflection.SetInt64(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t value;
      if (!absl::SimpleAtoi(text, &value)) return Bad(path, "not a whole number");
      repeated ? reflection.AddUInt32(&message, &field, value) : reflection.SetUInt32(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t value;
      if (!absl::SimpleAtoi(text, &value)) return Bad(path, "not a whole number");
      repeated ? reflection.AddUInt64(&message, &field, value) : reflection.SetUInt64(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double value;
      if (!absl::SimpleAtod(text, &value)) return Bad(path, "not a number");
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? reflection.AddDouble(&message, &field, value) : reflection.SetDouble(&message, &field, value);
      } else {
        const float narrow = static_cast<float>(value);
        repeated ? reflection.AddFloat(&message, &field, narrow) : reflection.SetFloat(&message, &field, narrow);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool value;
      if (!absl::SimpleAtob(text, &value)) return Bad(path, "not true or false");
      repeated ? reflection.AddBool(&message, &field, value) : reflection.SetBool(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = FindEnumValue(*field.enum_type(), text);
      if (value == nullptr) return Bad(path, absl::StrCat("not a value of ", field.enum_type()->full_name()));
      repeated ? reflection.AddEnum(&message, &field, value) : reflection.SetEnum(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* target = repeated ? reflection.AddMessage(&message, &field)
                                 : reflection.MutableMessage(&message, &field);
      return SetMessageFromText(*target, path, text);
    }
  }
  return Bad(path, "unsupported field type");
}

}  // namespace

absl::Status SetFieldFromText(Message& message, absl::string_view assignment, std::string* mask_path) {
  const size_t equals = assignment.find('=');
  if (equals == absl::string_view::npos || equals == 0) {
    return absl::InvalidArgumentError(absl::StrCat("--set ", assignment, ": expected FIELD=VALUE"));
  }
  const absl::string_view path = assignment.substr(0, equals);
  const std::string text(assignment.substr(equals + 1));
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  Message* current = &message;
  std::vector<std::string> walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) {
      return Bad(path, absl::StrCat("no field ", parts[i], " in ", current->GetDescriptor()->full_name()));
    }
    walked.push_back(parts[i]);
    const bool last = i + 1 == parts.size();
    if (field->is_map()) {
      // attributes.KEY=VALUE adds one entry; the mask names the whole map.
      if (i + 2 != parts.size()) return Bad(path, "a map field takes exactly one key: FIELD.KEY=VALUE");
      Message* entry = current->GetReflection()->AddMessage(current, field);
      const FieldDescriptor* key = entry->GetDescriptor()->FindFieldByNumber(1);
      const FieldDescriptor* value = entry->GetDescriptor()->FindFieldByNumber(2);
      if (key->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return Bad(path, "only string-keyed maps");
      entry->GetReflection()->SetString(entry, key, parts[i + 1]);
      if (mask_path != nullptr) *mask_path = absl::StrJoin(walked, ".");
      return SetScalar(*entry, *value, path, text);
    }
    if (last) {
      if (mask_path != nullptr) *mask_path = std::string(path);
      if (field->is_repeated() && field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        current->GetReflection()->ClearField(current, field);
        if (text.empty()) return absl::OkStatus();
        for (absl::string_view item : absl::StrSplit(text, ',')) {
          absl::Status set = SetScalar(*current, *field, path,
                                       std::string(absl::StripAsciiWhitespace(item)));
          if (!set.ok()) return set;
        }
        return absl::OkStatus();
      }
      return SetScalar(*current, *field, path, text);
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return Bad(path, absl::StrCat(parts[i], " has no sub-fields"));
    }
    current = current->GetReflection()->MutableMessage(current, field);
  }
  return Bad(path, "empty field path");
}

}  // namespace crm::crmctl
