// Enum values by their short names: crmctl shows and accepts TIER_A as "A" and
// CAMPAIGN_CHANNEL_EMAIL as "EMAIL", the way the filter language does.
#ifndef CRM_CLIENTS_CRMCTL_ENUM_NAMES_H_
#define CRM_CLIENTS_CRMCTL_ENUM_NAMES_H_

#include <string>

#include <google/protobuf/descriptor.h>

namespace crm::crmctl {

// STATE_ACTIVE of enum State → "ACTIVE"; ROLE_TENANT_ADMIN of Role → "TENANT_ADMIN".
std::string ShortEnumName(const google::protobuf::EnumValueDescriptor& value);

// The value named `text` (any case), in full ("TIER_A") or short ("A"); null if none.
const google::protobuf::EnumValueDescriptor* FindEnumValue(const google::protobuf::EnumDescriptor& type,
                                                           const std::string& text);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_ENUM_NAMES_H_
