#include "clients/crmctl/enum_names.h"

#include "absl/strings/ascii.h"

namespace crm::crmctl {
namespace {

// The value-name prefix protoc style gives an enum type: State → STATE_,
// CampaignChannel → CAMPAIGN_CHANNEL_.
std::string ValuePrefix(const google::protobuf::EnumDescriptor& type) {
  std::string prefix;
  for (char c : type.name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return prefix + "_";
}

}  // namespace

std::string ShortEnumName(const google::protobuf::EnumValueDescriptor& value) {
  const std::string& name = value.name();
  const std::string prefix = ValuePrefix(*value.type());
  if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size()) return name.substr(prefix.size());
  return name;
}

const google::protobuf::EnumValueDescriptor* FindEnumValue(const google::protobuf::EnumDescriptor& type,
                                                           const std::string& text) {
  const std::string upper = absl::AsciiStrToUpper(text);
  if (const auto* value = type.FindValueByName(upper)) return value;
  return type.FindValueByName(ValuePrefix(type) + upper);
}

}  // namespace crm::crmctl
