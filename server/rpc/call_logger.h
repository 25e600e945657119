#ifndef CRM_SERVER_RPC_CALL_LOGGER_H_
#define CRM_SERVER_RPC_CALL_LOGGER_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace crm::server {

struct CallRecord {
  absl::string_view method;
  absl::string_view tenant;      // empty when unresolved or a platform key
  absl::string_view key_id;      // the public part only
  absl::string_view request_id;  // AIP-155 id of a mutation, if any
  absl::string_view peer;
  absl::Duration latency;
  const absl::Status* status;
};

// Writes one JSON line per call to the log: method, tenant, key id, status code,
// latency, request id. No request or response content and no personal data; the
// message of server-side failures (INTERNAL, UNAVAILABLE, ...) is included because it
// never carries client data.
void LogCall(const CallRecord& record);

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_CALL_LOGGER_H_
