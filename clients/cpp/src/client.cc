#include "crm/client/client.h"

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "call_interceptor.h"
#include "method_policy.h"

namespace crm {
namespace {

absl::Status ValidateOptions(const ClientOptions& options) {
  if (options.address.empty()) return absl::InvalidArgumentError("address is empty");
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("max_attempts must be at least 1");
  }
  if (options.default_timeout.count() <= 0) {
    return absl::InvalidArgumentError("default_timeout must be positive");
  }
  if (options.initial_backoff.count() <= 0 || options.max_backoff < options.initial_backoff) {
    return absl::InvalidArgumentError("need 0 < initial_backoff <= max_backoff");
  }
  const TlsOptions& tls = options.tls;
  if (tls.client_cert_pem.empty() != tls.client_key_pem.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate needs its key, and the other way round");
  }
  if (!tls.enabled && (!tls.root_certs_pem.empty() || !tls.client_cert_pem.empty() ||
                       !tls.server_name_override.empty())) {
    return absl::InvalidArgumentError("TLS settings given but tls.enabled is false");
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> MakeCredentials(const TlsOptions& tls) {
  if (!tls.enabled) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls.root_certs_pem;
  ssl.pem_cert_chain = tls.client_cert_pem;
  ssl.pem_private_key = tls.client_key_pem;
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (absl::Status valid = ValidateOptions(options); !valid.ok()) return valid;
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(client_internal::BuildServiceConfigJson(options));
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, options.max_attempts > 1 ? 1 : 0);
  args.SetUserAgentPrefix(options.user_agent);
  if (!options.tls.server_name_override.empty()) {
    args.SetSslTargetNameOverride(options.tls.server_name_override);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(client_internal::NewCallInterceptorFactory(options.api_key));
  std::shared_ptr<grpc::Channel> channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      options.address, MakeCredentials(options.tls), args, std::move(interceptors));
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(channel)));
}

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      tenant_admin_(crm::v1::TenantAdminService::NewStub(channel_)),
      accounts_(crm::v1::AccountService::NewStub(channel_)),
      contacts_(crm::v1::ContactService::NewStub(channel_)),
      purchases_(crm::v1::PurchaseService::NewStub(channel_)),
      interactions_(crm::v1::InteractionService::NewStub(channel_)),
      complaints_(crm::v1::ComplaintService::NewStub(channel_)),
      leads_(crm::v1::LeadService::NewStub(channel_)),
      value_analysis_(crm::v1::ValueAnalysisService::NewStub(channel_)),
      campaigns_(crm::v1::CampaignService::NewStub(channel_)),
      scheduler_(crm::v1::SchedulerService::NewStub(channel_)) {}

absl::Status Client::WaitForConnected(std::chrono::milliseconds timeout) {
  if (channel_->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat("cannot reach ", options_.address, " within ",
                                             timeout.count(), " ms"));
}

std::string NewRequestId() {
  // Request ids only need to be unique, not secret; the OS entropy pool behind
  // random_device makes two processes' ids independent.
  std::random_device entropy;
  auto draw64 = [&entropy] {
    return (static_cast<uint64_t>(entropy()) << 32) | static_cast<uint64_t>(entropy());
  };
  uint64_t high = draw64();
  uint64_t low = draw64();
  high = (high & ~0xF000ULL) | 0x4000ULL;                      // version 4
  low = (low & ~(0xC000ULL << 48)) | (0x8000ULL << 48);        // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF,
                         high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

}  // namespace crm
