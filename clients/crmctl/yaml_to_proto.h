// Reads a message from YAML or JSON text, guided by the message's descriptor so that
// YAML's untyped scalars land as the field types the proto says ("0042" stays a store
// id string, `yes`/`true` become a bool only for bool fields).
#ifndef CRM_CLIENTS_CRMCTL_YAML_TO_PROTO_H_
#define CRM_CLIENTS_CRMCTL_YAML_TO_PROTO_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace crm::crmctl {

// `text` is YAML 1.2 (JSON is valid YAML). Field names as in the .proto or in
// lowerCamelCase; enums by name; Timestamps in RFC 3339; Durations like "86400s";
// Money as {units, nanos} or a decimal string "12.50". INVALID_ARGUMENT with the line
// and the field path when something does not fit.
absl::Status ParseYamlMessage(const std::string& text, google::protobuf::Message& message);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_YAML_TO_PROTO_H_
