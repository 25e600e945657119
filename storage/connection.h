#ifndef CRM_STORAGE_CONNECTION_H_
#define CRM_STORAGE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <cppconn/resultset.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/mysql_endpoint.h"
#include "storage/sql_fragment.h"

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace crm::storage {

struct ConnectionOptions {
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(60);
  absl::Duration write_timeout = absl::Seconds(60);
};

// One MySQL session with a cache of its prepared statements. Not thread-safe: it is
// used by one transaction at a time, through the pool. The driver methods it wraps
// throw sql::SQLException; the transaction runner turns those into absl::Status.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const MysqlEndpoint& endpoint,
                                                          const ConnectionOptions& options);
  ~Connection();

  // Runs a statement; returns the affected row count.
  int64_t Execute(const std::string& sql, const std::vector<SqlValue>& params = {});
  // Runs a query; the caller walks the result set.
  std::unique_ptr<sql::ResultSet> Query(const std::string& sql,
                                        const std::vector<SqlValue>& params = {});
  // Runs a statement that cannot be prepared (DDL, SET, transaction control).
  void ExecuteUnprepared(const std::string& sql);

  // Bounds every following statement with MariaDB's max_statement_time; only talks
  // to the server when the value changes. Zero or less means no limit.
  void SetStatementTimeout(absl::Duration timeout);

 private:
  explicit Connection(std::unique_ptr<sql::Connection> connection);
  sql::PreparedStatement& Prepare(const std::string& sql, const std::vector<SqlValue>& params);

  std::unique_ptr<sql::Connection> connection_;
  absl::flat_hash_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  int64_t statement_timeout_millis_ = -1;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_CONNECTION_H_
