// What every crmctl command gets: the global flags, a lazily built crm::Client, the
// output streams and format, and the exit code it reports.
#ifndef CRM_CLIENTS_CRMCTL_CLI_CONTEXT_H_
#define CRM_CLIENTS_CRMCTL_CLI_CONTEXT_H_

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/status/statusor.h"
#include "clients/crmctl/exit_codes.h"
#include "crm/client/client.h"

namespace crm::crmctl {

enum class OutputFormat { kTable, kJson };

struct GlobalFlags {
  std::string address;        // --addr, else $CRM_ADDR, else 127.0.0.1:50051
  std::string api_key;        // --api-key, else $CRM_API_KEY
  std::string api_key_file;   // --api-key-file, else $CRM_API_KEY_FILE
  std::string output = "table";
  double timeout_seconds = 30;
  bool tls = false;
  std::string tls_ca_file;
  std::string tls_server_name;
};

class CliContext {
 public:
  CliContext(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  GlobalFlags& flags() { return flags_; }
  OutputFormat output_format() const {
    return flags_.output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  }
  bool json() const { return output_format() == OutputFormat::kJson; }

  // The client for the flags and environment; built on first use. On failure the
  // error is printed and the exit code set: the command just returns.
  crm::Client* client();

  // A context whose deadline is --timeout from now (unary calls).
  std::unique_ptr<grpc::ClientContext> NewCallContext() const;
  // A context without a deadline (streams that take as long as their data).
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  // True when stdout / stderr is a terminal (tables get colour-free alignment either
  // way; progress bars only go to a terminal).
  bool stderr_is_terminal() const;

  // Prints "error: CODE: message" (and the field the server named) on stderr and
  // sets the matching exit code. `what` says what was being done ("get contact").
  void ReportRpcError(const grpc::Status& status, const std::string& what);
  // Prints "error: message" and sets `code`.
  void Fail(ExitCode code, const std::string& message);

  int exit_code() const { return exit_code_; }
  void set_exit_code(int code) { exit_code_ = code; }

 private:
  GlobalFlags flags_;
  std::unique_ptr<crm::Client> client_;
  std::ostream& out_;
  std::ostream& err_;
  int exit_code_ = kExitOk;
};

// "invalid argument: contact.emails[0]: not an email address" → "contact.emails[0]"
// when the message starts with a field path; empty otherwise.
std::string FieldNamedIn(const std::string& message);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_CLI_CONTEXT_H_
