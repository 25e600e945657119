// `--set path=value` for crmctl's create/update commands: sets one field of a message
// from text, by reflection, so every writable field is reachable without a flag each.
#ifndef CRM_CLIENTS_CRMCTL_FIELD_SETTER_H_
#define CRM_CLIENTS_CRMCTL_FIELD_SETTER_H_

#include <string>
#include "absl/strings/string_view.h"

#include <google/protobuf/message.h>

#include "absl/status/status.h"

namespace crm::crmctl {

// "path=value": path is a field name or dotted path into sub-messages
// ("evaluation.credit_score"); map fields take "attributes.KEY". Repeated messages
// (consents) need --json.
// Values: strings as is; numbers; true/false; enums by full or short name (TIER_A or
// A); crm.v1.Money as a decimal ("1250.50"); Timestamps in RFC 3339; crm.v1.Date
// fields as YYYY-MM-DD; repeated scalars as a comma-separated list (replacing the list).
// INVALID_ARGUMENT naming the path when it does not fit. `mask_path` receives
// the first path element (for the update mask: the server takes nested paths too,
// but map keys are not mask paths).
absl::Status SetFieldFromText(google::protobuf::Message& message, absl::string_view assignment,
                              std::string* mask_path);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_FIELD_SETTER_H_
