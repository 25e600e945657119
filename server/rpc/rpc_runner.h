#ifndef CRM_SERVER_RPC_RPC_RUNNER_H_
#define CRM_SERVER_RPC_RPC_RUNNER_H_

#include <grpcpp/server_context.h>

#include <functional>
#include <initializer_list>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/rpc/call_context.h"

namespace crm::server {

// Who may call a method.
class MethodPolicy {
 public:
  // `requires_tenant`: the method works on one tenant's data, so the key must belong
  // to a tenant (platform-admin keys are PERMISSION_DENIED: they reach no tenant's
  // data, and there is no unscoped fallback).
  MethodPolicy(absl::string_view method, std::initializer_list<v1::Role> roles, bool requires_tenant);

  absl::string_view method() const { return method_; }
  bool Allows(v1::Role role) const { return (role_mask_ & (1u << role)) != 0; }
  bool requires_tenant() const { return requires_tenant_; }

 private:
  absl::string_view method_;
  uint32_t role_mask_ = 0;
  bool requires_tenant_;
};

// Role sets used by the CRM data services.
inline constexpr std::initializer_list<v1::Role> kCrmReaders = {
    v1::ROLE_TENANT_ADMIN, v1::ROLE_INTEGRATION, v1::ROLE_SCHEDULER, v1::ROLE_ANALYST};
inline constexpr std::initializer_list<v1::Role> kCrmWriters = {v1::ROLE_TENANT_ADMIN,
                                                                v1::ROLE_INTEGRATION};

// Runs one unary call: authenticate from metadata, enforce the method policy, bound
// the work by the deadline, run the body, convert its status, write the log line.
class RpcRunner {
 public:
  // Calls without a client deadline (or a longer one) get this much time.
  static constexpr absl::Duration kMaxCallTime = absl::Seconds(30);

  explicit RpcRunner(Authenticator& authenticator) : authenticator_(authenticator) {}

  grpc::Status Run(grpc::ServerContext* context, const MethodPolicy& policy,
                   const std::function<absl::Status(CallContext&)>& body);

 private:
  // Sets `key_id` as soon as the key is known, for the log line of a denied call.
  absl::StatusOr<Principal> Authorize(grpc::ServerContext* context, const MethodPolicy& policy,
                                      absl::Time deadline, std::string* key_id);

  Authenticator& authenticator_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_RPC_RUNNER_H_
