#include "clients/crmctl/cli_context.h"
#include "clients/crmctl/key_file.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "crm/client/status_names.h"

namespace crm::crmctl {

ExitCode ExitCodeFor(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return kExitUnavailable;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return kExitPermission;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitRejected;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return kExitQuota;
    default:
      return kExitServerError;
  }
}

std::string FieldNamedIn(const std::string& message) {
  const size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  const std::string head = message.substr(0, colon);
  for (char c : head) {
    const bool path_char = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                           c == '.' || c == '[' || c == ']' || c == '"';
    if (!path_char) return "";
  }
  return head;
}

crm::Client* CliContext::client() {
  if (client_ != nullptr) return client_.get();
  absl::StatusOr<ClientOptions> env = ClientOptions::FromEnvironment();
  if (!env.ok()) {
    Fail(kExitLocalFile, std::string(env.status().message()));
    return nullptr;
  }
  ClientOptions options = *std::move(env);
  options.user_agent = "crmctl";
  if (!flags_.address.empty()) options.address = flags_.address;
  if (!flags_.api_key_file.empty()) {
    options.api_key = ReadKeyFile(flags_.api_key_file);
    if (options.api_key.empty()) {
      Fail(kExitLocalFile, absl::StrCat("cannot read the API key file ", flags_.api_key_file));
      return nullptr;
    }
  }
  if (!flags_.api_key.empty()) options.api_key = flags_.api_key;
  if (flags_.tls) options.tls.enabled = true;
  if (!flags_.tls_ca_file.empty()) {
    std::ifstream in(flags_.tls_ca_file, std::ios::binary);
    if (!in) {
      Fail(kExitLocalFile, absl::StrCat("cannot read the CA file ", flags_.tls_ca_file));
      return nullptr;
    }
    std::ostringstream pem;
    pem << in.rdbuf();
    options.tls.enabled = true;
    options.tls.root_certs_pem = pem.str();
  }
  if (!flags_.tls_server_name.empty()) options.tls.server_name_override = flags_.tls_server_name;
  options.default_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(flags_.timeout_seconds * 1000));
  absl::StatusOr<std::unique_ptr<crm::Client>> client = crm::Client::Create(std::move(options));
  if (!client.ok()) {
    Fail(kExitUsage, std::string(client.status().message()));
    return nullptr;
  }
  client_ = *std::move(client);
  return client_.get();
}

std::unique_ptr<grpc::ClientContext> CliContext::NewCallContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(flags_.timeout_seconds * 1000)));
  return context;
}

std::unique_ptr<grpc::ClientContext> CliContext::NewStreamContext() const {
  return std::make_unique<grpc::ClientContext>();
}

bool CliContext::stderr_is_terminal() const { return isatty(STDERR_FILENO) == 1; }

void CliContext::ReportRpcError(const grpc::Status& status, const std::string& what) {
  const ExitCode code = ExitCodeFor(status);
  std::string message = status.error_message();
  err_ << "error: " << what << " failed: " << crm::StatusCodeName(status.error_code());
  if (!message.empty()) err_ << ": " << message;
  err_ << "\n";
  if (const std::string field = FieldNamedIn(message); !field.empty()) {
    err_ << "  field: " << field << "\n";
  }
  switch (code) {
    case kExitUnavailable:
      err_ << "  hint: is crm-server running at "
           << (client_ != nullptr ? client_->options().address : flags_.address)
           << "? (--addr or CRM_ADDR)\n";
      break;
    case kExitPermission:
      err_ << "  hint: this key cannot do that; check --api-key / CRM_API_KEY and its role\n";
      break;
    default:
      break;
  }
  exit_code_ = code;
}

void CliContext::Fail(ExitCode code, const std::string& message) {
  err_ << "error: " << message << "\n";
  exit_code_ = code;
}

}  // namespace crm::crmctl
