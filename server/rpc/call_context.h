#ifndef CRM_SERVER_RPC_CALL_CONTEXT_H_
#define CRM_SERVER_RPC_CALL_CONTEXT_H_

#include <algorithm>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth/principal.h"
#include "storage/tenant_id.h"

namespace crm::server {

// Everything a service method needs to know about the call, passed explicitly (never
// through a thread-local that could outlive the request).
class CallContext {
 public:
  CallContext(Principal principal, absl::Time deadline, absl::Time client_deadline,
              absl::Duration max_step)
      : principal_(std::move(principal)),
        deadline_(deadline),
        client_deadline_(client_deadline),
        max_step_(max_step) {}

  const Principal& principal() const { return principal_; }
  // The caller's tenant. Only valid for methods whose policy requires a tenant: the
  // runner has rejected the call before the method runs otherwise.
  const storage::TenantId& tenant() const { return *principal_.tenant; }
  const v1::Tenant& tenant_settings() const { return principal_.tenant_settings; }
  // When storage work must be finished: the client's deadline, capped by the server.
  absl::Time deadline() const { return deadline_; }
  // For one step of a long stream (an import batch): the server's per-step cap from
  // now, never past the client's own deadline. Streams may run as long as the client
  // wants; each database transaction stays bounded.
  absl::Time StepDeadline() const { return std::min(client_deadline_, absl::Now() + max_step_); }

  // Recorded in the call's log line.
  void set_request_id(std::string request_id) { request_id_ = std::move(request_id); }
  const std::string& request_id() const { return request_id_; }

 private:
  Principal principal_;
  absl::Time deadline_;
  absl::Time client_deadline_;
  absl::Duration max_step_;
  std::string request_id_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_CALL_CONTEXT_H_
