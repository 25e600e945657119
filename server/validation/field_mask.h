#ifndef CRM_SERVER_VALIDATION_FIELD_MASK_H_
#define CRM_SERVER_VALIDATION_FIELD_MASK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace crm::server {

// Applies an AIP-134 update: copies the fields named in `mask` from `patch` onto
// `target`, replacing (not appending to) repeated and map fields. An empty mask or
// "*" means every path in `writable_paths`. A path outside `writable_paths` (unknown
// or output-only) is INVALID_ARGUMENT naming it.
absl::Status ApplyUpdateMask(const google::protobuf::Message& patch,
                             const google::protobuf::FieldMask& mask,
                             const std::vector<std::string>& writable_paths,
                             google::protobuf::Message* target);

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_FIELD_MASK_H_
