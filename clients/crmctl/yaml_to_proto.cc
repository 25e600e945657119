#include "clients/crmctl/yaml_to_proto.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/enum_names.h"
#include "clients/crmctl/money_text.h"

namespace crm::crmctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// YAML → JSON failures carry the YAML line so a long campaign file is easy to fix.
struct ConversionError {
  std::string path;
  int line;
  std::string problem;
};

absl::Status ToStatus(const ConversionError& error) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", error.line, ": ", error.path, ": ", error.problem));
}

const FieldDescriptor* FindField(const Descriptor& type, const std::string& key) {
  if (const FieldDescriptor* field = type.FindFieldByName(key)) return field;
  return type.FindFieldByCamelcaseName(key);
}

nlohmann::json ConvertMessage(const YAML::Node& node, const Descriptor& type, const std::string& path);

nlohmann::json ConvertSingle(const YAML::Node& node, const FieldDescriptor& field, const std::string& path) {
  const int line = node.Mark().line + 1;
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    const std::string type = field.message_type()->full_name();
    if (type == "crm.v1.Money" && node.IsScalar()) {
      absl::StatusOr<MoneyParts> money = ParseMoneyText(node.Scalar());
      if (!money.ok()) throw ConversionError{path, line, std::string(money.status().message())};
      return nlohmann::json{{"units", std::to_string(money->units)}, {"nanos", money->nanos}};
    }
    if (node.IsScalar()) return node.Scalar();  // well-known types: Timestamp, Duration, ...
    return ConvertMessage(node, *field.message_type(), path);
  }
  if (!node.IsScalar()) throw ConversionError{path, line, "expected a single value"};
  const std::string& text = node.Scalar();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL: {
      const std::string lower = absl::AsciiStrToLower(text);
      if (lower == "true" || lower == "yes") return true;
      if (lower == "false" || lower == "no") return false;
      throw ConversionError{path, line, "expected true or false"};
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = FindEnumValue(*field.enum_type(), text);
      if (value == nullptr) {
        throw ConversionError{path, line, absl::StrCat("not a value of ", field.enum_type()->full_name())};
      }
      return value->name();
    }
    case FieldDescriptor::CPPTYPE_STRING:
      return text;
    default:
      // Numbers stay text: the proto JSON parser checks their range and type.
      return text;
  }
}

nlohmann::json ConvertField(const YAML::Node& node, const FieldDescriptor& field, const std::string& path) {
  if (field.is_map()) {
    if (!node.IsMap()) throw ConversionError{path, node.Mark().line + 1, "expected a mapping"};
    const FieldDescriptor& value_field = *field.message_type()->FindFieldByNumber(2);
    nlohmann::json object = nlohmann::json::object();
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      object[key] = ConvertSingle(entry.second, value_field, absl::StrCat(path, ".", key));
    }
    return object;
  }
  if (field.is_repeated()) {
    nlohmann::json list = nlohmann::json::array();
    if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) {
        list.push_back(ConvertSingle(node[i], field, absl::StrCat(path, "[", i, "]")));
      }
    } else {
      list.push_back(ConvertSingle(node, field, path));  // a single item is a list of one
    }
    return list;
  }
  return ConvertSingle(node, field, path);
}

nlohmann::json ConvertMessage(const YAML::Node& node, const Descriptor& type, const std::string& path) {
  if (!node.IsMap()) {
    throw ConversionError{path.empty() ? type.name() : path, node.Mark().line + 1, "expected a mapping"};
  }
  nlohmann::json object = nlohmann::json::object();
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string field_path = path.empty() ? key : absl::StrCat(path, ".", key);
    const FieldDescriptor* field = FindField(type, key);
    if (field == nullptr) {
      throw ConversionError{field_path, entry.first.Mark().line + 1,
                            absl::StrCat("no such field in ", type.full_name())};
    }
    if (entry.second.IsNull()) continue;
    object[field->json_name()] = ConvertField(entry.second, *field, field_path);
  }
  return object;
}

}  // namespace

absl::Status ParseYamlMessage(const std::string& text, google::protobuf::Message& message) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    return absl::InvalidArgumentError(absl::StrCat("line ", error.mark.line + 1, ": ", error.msg));
  }
  nlohmann::json json;
  try {
    json = ConvertMessage(root, *message.GetDescriptor(), "");
  } catch (const ConversionError& error) {
    return ToStatus(error);
  }
  const auto parsed = google::protobuf::util::JsonStringToMessage(json.dump(), &message);
  if (!parsed.ok()) return absl::InvalidArgumentError(std::string(parsed.message()));
  return absl::OkStatus();
}

}  // namespace crm::crmctl
