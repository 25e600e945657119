#include "storage/mysql_endpoint.h"

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace crm::storage {
namespace {

bool IsValidDatabaseName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string MysqlEndpoint::ConnectorHost() const {
  if (!unix_socket.empty()) return absl::StrCat("unix://", unix_socket);
  return absl::StrCat("tcp://", host, ":", port);
}

std::string MysqlEndpoint::Describe() const {
  return absl::StrCat(ConnectorHost(), "/", database);
}

absl::StatusOr<MysqlEndpoint> ParseMysqlUrl(absl::string_view url) {
  MysqlEndpoint endpoint;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "unix://")) {
    absl::string_view query;
    if (auto q = rest.find('?'); q != absl::string_view::npos) {
      query = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    if (rest.empty() || rest[0] != '/') {
      return absl::InvalidArgumentError("--mysql: unix:// needs an absolute socket path");
    }
    endpoint.unix_socket = std::string(rest);
    if (!query.empty()) {
      if (!absl::ConsumePrefix(&query, "database=")) {
        return absl::InvalidArgumentError("--mysql: only ?database=NAME is understood");
      }
      endpoint.database = std::string(query);
    }
  } else if (absl::ConsumePrefix(&rest, "tcp://")) {
    absl::string_view hostport = rest;
    if (auto slash = rest.find('/'); slash != absl::string_view::npos) {
      hostport = rest.substr(0, slash);
      endpoint.database = std::string(rest.substr(slash + 1));
    }
    if (auto colon = hostport.rfind(':'); colon != absl::string_view::npos) {
      if (!absl::SimpleAtoi(hostport.substr(colon + 1), &endpoint.port) || endpoint.port <= 0 ||
          endpoint.port > 65535) {
        return absl::InvalidArgumentError("--mysql: bad port");
      }
      hostport = hostport.substr(0, colon);
    }
    if (hostport.empty()) return absl::InvalidArgumentError("--mysql: missing host");
    endpoint.host = std::string(hostport);
  } else {
    return absl::InvalidArgumentError(
        "--mysql must look like tcp://host:port/database or unix:///path/sock?database=NAME");
  }
  if (!IsValidDatabaseName(endpoint.database)) {
    return absl::InvalidArgumentError("--mysql: database name must be 1..64 of [A-Za-z0-9_]");
  }
  return endpoint;
}

}  // namespace crm::storage
