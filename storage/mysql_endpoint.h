#ifndef CRM_STORAGE_MYSQL_ENDPOINT_H_
#define CRM_STORAGE_MYSQL_ENDPOINT_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"

namespace crm::storage {

// Where the database is. Exactly one of (host, port) or unix_socket is used.
struct MysqlEndpoint {
  std::string host;
  int port = 3306;
  std::string unix_socket;
  std::string database = "crm";
  std::string user;
  std::string password;  // never logged

  // The Connector/C++ host URL, "tcp://host:port" or "unix://path".
  std::string ConnectorHost() const;
  // For logs: the address without credentials.
  std::string Describe() const;
};

// Parses `tcp://host[:port]/database` or `unix:///path/to/socket?database=NAME`
// (database defaults to "crm"). Credentials never come from the URL.
absl::StatusOr<MysqlEndpoint> ParseMysqlUrl(absl::string_view url);

}  // namespace crm::storage

#endif  // CRM_STORAGE_MYSQL_ENDPOINT_H_
