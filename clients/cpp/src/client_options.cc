#include "crm/client/client_options.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace crm {
namespace {

const char* Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " file ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

absl::StatusOr<ClientOptions> ClientOptions::FromEnvironment() {
  ClientOptions options;
  if (const char* address = Env("CRM_ADDR")) options.address = address;
  if (const char* key = Env("CRM_API_KEY")) {
    options.api_key = std::string(absl::StripAsciiWhitespace(key));
  } else if (const char* key_file = Env("CRM_API_KEY_FILE")) {
    absl::StatusOr<std::string> contents = ReadFile(key_file, "CRM_API_KEY_FILE");
    if (!contents.ok()) return contents.status();
    std::string first_line = contents->substr(0, contents->find('\n'));
    options.api_key = std::string(absl::StripAsciiWhitespace(first_line));
  }
  if (const char* tls = Env("CRM_TLS")) options.tls.enabled = std::string(tls) == "1";
  if (const char* ca_file = Env("CRM_TLS_CA_FILE")) {
    absl::StatusOr<std::string> roots = ReadFile(ca_file, "CRM_TLS_CA_FILE");
    if (!roots.ok()) return roots.status();
    options.tls.enabled = true;
    options.tls.root_certs_pem = *std::move(roots);
  }
  if (const char* name = Env("CRM_TLS_SERVER_NAME")) options.tls.server_name_override = name;
  return options;
}

}  // namespace crm
