#include "method_policy.h"

#include <array>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "crm/v1/account.pb.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/complaint.pb.h"
#include "crm/v1/contact.pb.h"
#include "crm/v1/interaction.pb.h"
#include "crm/v1/lead.pb.h"
#include "crm/v1/purchase.pb.h"
#include "crm/v1/scheduler.pb.h"
#include "crm/v1/tenant_admin.pb.h"
#include "crm/v1/value_analysis.pb.h"

namespace crm::client_internal {
namespace {

constexpr std::array<absl::string_view, 8> kReadPrefixes = {
    "Get", "List", "Lookup", "Find", "Export", "Preview", "Compute", "Cluster"};
constexpr std::array<absl::string_view, 4> kIdempotentMutations = {
    "ReportDeliveries", "RenewLease", "ImportContacts", "RevokeApiKey"};

// One file per service; touching a message of each links its descriptor in.
std::vector<const google::protobuf::FileDescriptor*> CrmFiles() {
  return {
      crm::v1::Tenant::descriptor()->file(),
      crm::v1::Account::descriptor()->file(),
      crm::v1::Contact::descriptor()->file(),
      crm::v1::Purchase::descriptor()->file(),
      crm::v1::Interaction::descriptor()->file(),
      crm::v1::Complaint::descriptor()->file(),
      crm::v1::Lead::descriptor()->file(),
      crm::v1::AnalysisRun::descriptor()->file(),
      crm::v1::Campaign::descriptor()->file(),
      crm::v1::ClaimRunRequest::descriptor()->file(),
  };
}

std::string Seconds(std::chrono::milliseconds duration) {
  return absl::StrFormat("%.3fs", duration.count() / 1000.0);
}

}  // namespace

RetryClass ClassifyMethod(const google::protobuf::MethodDescriptor& method) {
  for (absl::string_view prefix : kReadPrefixes) {
    if (absl::StartsWith(method.name(), prefix)) return RetryClass::kRead;
  }
  for (absl::string_view name : kIdempotentMutations) {
    if (method.name() == name) return RetryClass::kIdempotentMutation;
  }
  const google::protobuf::FieldDescriptor* request_id =
      method.input_type()->FindFieldByName("request_id");
  if (request_id != nullptr && !method.client_streaming() &&
      request_id->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !request_id->is_repeated()) {
    return RetryClass::kRequestIdMutation;
  }
  return RetryClass::kNotRetried;
}

std::vector<MethodPolicy> CrmMethodPolicies() {
  std::vector<MethodPolicy> policies;
  for (const google::protobuf::FileDescriptor* file : CrmFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        policies.push_back({service->full_name(), method->name(), ClassifyMethod(*method),
                            method->client_streaming() || method->server_streaming()});
      }
    }
  }
  return policies;
}

std::string BuildServiceConfigJson(const ClientOptions& options) {
  // Four groups: {retried, not retried} x {unary with the default timeout, streaming}.
  nlohmann::json groups[2][2];
  for (const MethodPolicy& policy : CrmMethodPolicies()) {
    const bool retried = policy.retry_class != RetryClass::kNotRetried;
    nlohmann::json& names = groups[retried][policy.streaming]["name"];
    names.push_back({{"service", policy.service}, {"method", policy.method}});
  }
  const nlohmann::json retry_policy = {
      {"maxAttempts", options.max_attempts},
      {"initialBackoff", Seconds(options.initial_backoff)},
      {"maxBackoff", Seconds(options.max_backoff)},
      {"backoffMultiplier", 2},
      {"retryableStatusCodes", {"UNAVAILABLE"}},
  };
  nlohmann::json method_config = nlohmann::json::array();
  for (int retried = 0; retried < 2; ++retried) {
    for (int streaming = 0; streaming < 2; ++streaming) {
      nlohmann::json group = groups[retried][streaming];
      if (group.is_null()) continue;
      // gRPC rejects a retry policy with maxAttempts < 2: one attempt is no policy.
      if (retried && options.max_attempts >= 2) group["retryPolicy"] = retry_policy;
      if (!streaming) {
        group["timeout"] = Seconds(options.default_timeout + kServiceConfigTimeoutSkew);
      }
      if (group.size() > 1) method_config.push_back(std::move(group));
    }
  }
  return nlohmann::json{{"methodConfig", method_config}}.dump();
}

}  // namespace crm::client_internal
