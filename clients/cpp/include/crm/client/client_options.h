// How a crm::Client reaches a crm-server: address, key, transport security, default
// deadline and retry budget.
#ifndef CRM_CLIENT_CLIENT_OPTIONS_H_
#define CRM_CLIENT_CLIENT_OPTIONS_H_

#include <chrono>
#include <string>

#include "absl/status/statusor.h"

namespace crm {

struct TlsOptions {
  // Off: plaintext (loopback and tests only). On: TLS, verifying the server against
  // `root_certs_pem` (empty = the system's trust store).
  bool enabled = false;
  std::string root_certs_pem;
  // Both set: present a client certificate (mutual TLS).
  std::string client_cert_pem;
  std::string client_key_pem;
  // Non-empty: the name checked against the server's certificate instead of the host
  // part of the address (a test certificate issued for "localhost", say).
  std::string server_name_override;
};

struct ClientOptions {
  // host:port, or any gRPC target ("dns:///crm.example.com:443").
  std::string address = "127.0.0.1:50051";
  // Sent as `authorization: Bearer <api_key>` on every call. Never logged by the
  // library. May be empty for health checks only.
  std::string api_key;
  TlsOptions tls;
  // Deadline of every unary call that sets none itself. It is an upper bound: a
  // shorter deadline set on the ClientContext wins, a longer one does not (gRPC takes
  // the smaller), so raise this for slow calls. A call may get up to 1 s more than
  // this (a gRPC clock bug is made up for; see src/method_policy.h), never less.
  // Streaming calls get no default deadline: an import or export of a million rows
  // takes as long as it takes.
  std::chrono::milliseconds default_timeout{30'000};
  // Attempts per call (1 = never retry; gRPC caps it at 5) for the methods that are
  // safe to retry: reads, the mutations the contract calls idempotent
  // (ReportDeliveries, RenewLease, ImportContacts, RevokeApiKey), and creates, which
  // always carry a request_id (the library fills one in when the caller left it
  // empty). Only UNAVAILABLE is retried (AIP-194), with exponential backoff from
  // initial_backoff to max_backoff.
  int max_attempts = 4;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  // Prefix of the user-agent header, e.g. "partner-sync/2.1".
  std::string user_agent = "crm-client-cpp";

  // Options from the environment: CRM_ADDR (address), CRM_API_KEY (key),
  // CRM_API_KEY_FILE (first line of the file, when CRM_API_KEY is unset),
  // CRM_TLS=1 (TLS with the system roots), CRM_TLS_CA_FILE (TLS with these roots),
  // CRM_TLS_SERVER_NAME. Unset variables keep the defaults above.
  static absl::StatusOr<ClientOptions> FromEnvironment();
};

}  // namespace crm

#endif  // CRM_CLIENT_CLIENT_OPTIONS_H_
