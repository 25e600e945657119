#include "server/rpc/rpc_runner.h"

#include "absl/time/clock.h"
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "server/rpc/call_logger.h"
#include "server/rpc/status_conversion.h"

namespace crm::server {

MethodPolicy::MethodPolicy(absl::string_view method, std::initializer_list<v1::Role> roles,
                           bool requires_tenant)
    : method_(method), requires_tenant_(requires_tenant) {
  for (v1::Role role : roles) role_mask_ |= 1u << role;
}

absl::StatusOr<Principal> RpcRunner::Authorize(grpc::ServerContext* context,
                                               const MethodPolicy& policy, absl::Time deadline,
                                               std::string* key_id) {
  const auto& metadata = context->client_metadata();
  auto header = metadata.find("authorization");
  absl::string_view authorization;
  if (header != metadata.end()) authorization = absl::string_view(header->second.data(), header->second.size());
  absl::StatusOr<Principal> principal = authenticator_.Authenticate(authorization, deadline);
  if (!principal.ok()) return principal.status();
  *key_id = principal->key_id;
  if (!policy.Allows(principal->role)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "an API key with role ", v1::Role_Name(principal->role), " may not call ", policy.method()));
  }
  if (policy.requires_tenant() && !principal->tenant) {
    return absl::PermissionDeniedError(absl::StrCat(
        policy.method(), " works on one tenant's data: use a key of that tenant, not a ",
        "platform-admin key"));
  }
  return principal;
}

grpc::Status RpcRunner::Run(grpc::ServerContext* context, const MethodPolicy& policy,
                            const std::function<absl::Status(CallContext&)>& body) {
  const absl::Time start = absl::Now();
  // No client deadline is time_point::max(), which FromChrono cannot convert.
  const auto raw_deadline = context->deadline();
  const absl::Time client_deadline = raw_deadline == std::chrono::system_clock::time_point::max()
                                         ? absl::InfiniteFuture()
                                         : absl::FromChrono(raw_deadline);
  const absl::Time deadline = std::min(client_deadline, start + kMaxCallTime);

  absl::Status status;
  std::string tenant, key_id, request_id;
  absl::StatusOr<Principal> principal = Authorize(context, policy, deadline, &key_id);
  if (!principal.ok()) {
    status = principal.status();
  } else {
    if (principal->tenant) tenant = principal->tenant->value();
    CallContext call(*std::move(principal), deadline, client_deadline, kMaxCallTime);
    status = body(call);
    request_id = call.request_id();
    if (status.ok() && context->IsCancelled()) {
      status = absl::CancelledError("the call was cancelled or its deadline passed");
    }
  }
  const std::string peer = context->peer();
  LogCall(CallRecord{policy.method(), tenant, key_id, request_id, peer, absl::Now() - start,
                     &status});
  return ToGrpcStatus(status);
}

}  // namespace crm::server
