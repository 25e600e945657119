// Which crm.v1 methods a client may retry, and the gRPC service config that says so.
// Derived from the generated descriptors, so a method added to the contract is
// classified without touching this library (and the unit test lists every class).
#ifndef CRM_CLIENTS_CPP_SRC_METHOD_POLICY_H_
#define CRM_CLIENTS_CPP_SRC_METHOD_POLICY_H_

#include <chrono>
#include <string>
#include <vector>

#include "crm/client/client_options.h"

namespace google::protobuf {
class MethodDescriptor;
}  // namespace google::protobuf

namespace crm::client_internal {

enum class RetryClass {
  // Reads: Get*, List*, Lookup*, Find*, Export*, Preview*, Compute*, Cluster*.
  kRead,
  // Mutations the contract documents as idempotent (ReportDeliveries, RenewLease,
  // ImportContacts: an upsert by external_id, RevokeApiKey).
  kIdempotentMutation,
  // Mutations whose request has a `request_id`: a replay returns the first result,
  // so they are retried, and the library fills in a request_id the caller left empty.
  kRequestIdMutation,
  // Everything else (updates, deletes, state moves, leases): a retry could act twice.
  kNotRetried,
};

struct MethodPolicy {
  std::string service;  // "crm.v1.ContactService"
  std::string method;   // "GetContact"
  RetryClass retry_class;
  bool streaming;  // client or server streaming: no default deadline
};

RetryClass ClassifyMethod(const google::protobuf::MethodDescriptor& method);

// Every method of every crm.v1 service linked into this binary.
std::vector<MethodPolicy> CrmMethodPolicies();

// gRPC core (1.51, and still 1.74: grpc/grpc#34547, #40633) starts a service-config
// timeout from a clock whose epoch is 1 to 2 s off, so such a deadline expires 1 to
// 2 s early, and a timeout under 2 s can expire before the call is even sent. The
// service config therefore asks for default_timeout plus this much: the deadline a
// call gets is then default_timeout plus less than 1 s, never less than asked.
// tests/unit/client/retry_deadline_test.cc measures it, so a gRPC without the bug
// fails there and this can go.
inline constexpr std::chrono::milliseconds kServiceConfigTimeoutSkew{2000};

// The service config (JSON) with a retry policy for retried methods and the default
// timeout (plus kServiceConfigTimeoutSkew) for unary ones.
std::string BuildServiceConfigJson(const ClientOptions& options);

}  // namespace crm::client_internal

#endif  // CRM_CLIENTS_CPP_SRC_METHOD_POLICY_H_
