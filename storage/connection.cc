#include "storage/connection.h"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/sql_errors.h"

namespace crm::storage {
namespace {

// get_driver_instance() is not safe to call concurrently the first time.
sql::Driver* Driver() {
  static sql::Driver* driver = [] { return sql::mysql::get_mysql_driver_instance(); }();
  return driver;
}

// Every session speaks UTC, strict SQL, and READ COMMITTED (fewer gap locks, hence
// fewer deadlocks, than REPEATABLE READ; every transaction re-reads what it updates
// under FOR UPDATE).
// (sql_mode leaves out NO_BACKSLASH_ESCAPES: the filter's LIKE ... ESCAPE '\\' needs it.)
constexpr const char* kSessionSetup[] = {
    "SET time_zone = '+00:00', "
    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
    "NO_ENGINE_SUBSTITUTION'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
};

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const MysqlEndpoint& endpoint,
                                                             const ConnectionOptions& options) {
  sql::ConnectOptionsMap properties;
  properties["hostName"] = sql::SQLString(endpoint.ConnectorHost());
  properties["userName"] = sql::SQLString(endpoint.user);
  properties["password"] = sql::SQLString(endpoint.password);
  properties["OPT_CONNECT_TIMEOUT"] =
      static_cast<int>(absl::ToInt64Seconds(options.connect_timeout));
  properties["OPT_READ_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(options.read_timeout));
  properties["OPT_WRITE_TIMEOUT"] = static_cast<int>(absl::ToInt64Seconds(options.write_timeout));
  // Auto-reconnect would silently drop an open transaction; lost connections are
  // discarded by the pool instead.
  properties["OPT_RECONNECT"] = false;
  properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(properties));
    std::unique_ptr<sql::Statement> setup(raw->createStatement());
    setup->execute(absl::StrCat("USE `", endpoint.database, "`"));
    for (const char* statement : kSessionSetup) setup->execute(statement);
    return std::unique_ptr<Connection>(new Connection(std::move(raw)));
  } catch (const sql::SQLException& e) {
    absl::Status status = StatusFromSqlError(e);
    return absl::UnavailableError(absl::StrCat("cannot connect to MySQL at ", endpoint.Describe(),
                                               ": ", e.what(), " (", status.message(), ")"));
  }
}

Connection::Connection(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)) {}

Connection::~Connection() {
  statements_.clear();
  try {
    if (connection_) connection_->close();
  } catch (const sql::SQLException&) {
    // Closing a dead connection fails; nothing is left to release.
  }
}

sql::PreparedStatement& Connection::Prepare(const std::string& sql,
                                            const std::vector<SqlValue>& params) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, connection_->prepareStatement(sql)).first;
  }
  sql::PreparedStatement& statement = *it->second;
  for (size_t i = 0; i < params.size(); ++i) {
    const unsigned int index = static_cast<unsigned int>(i + 1);
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            statement.setNull(index, 0);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            statement.setInt64(index, value);
          } else if constexpr (std::is_same_v<T, double>) {
            statement.setDouble(index, value);
          } else if constexpr (std::is_same_v<T, bool>) {
            statement.setBoolean(index, value);
          } else {
            statement.setString(index, sql::SQLString(value));
          }
        },
        params[i]);
  }
  return statement;
}

int64_t Connection::Execute(const std::string& sql, const std::vector<SqlValue>& params) {
  return Prepare(sql, params).executeUpdate();
}

std::unique_ptr<sql::ResultSet> Connection::Query(const std::string& sql,
                                                  const std::vector<SqlValue>& params) {
  return std::unique_ptr<sql::ResultSet>(Prepare(sql, params).executeQuery());
}

void Connection::ExecuteUnprepared(const std::string& sql) {
  std::unique_ptr<sql::Statement> statement(connection_->createStatement());
  statement->execute(sql);
}

void Connection::SetStatementTimeout(absl::Duration timeout) {
  int64_t millis = timeout <= absl::ZeroDuration() ? 0 : absl::ToInt64Milliseconds(timeout);
  if (timeout > absl::ZeroDuration() && millis == 0) millis = 1;
  if (millis == statement_timeout_millis_) return;
  ExecuteUnprepared(absl::StrFormat("SET SESSION max_statement_time = %.3f",
                                    static_cast<double>(millis) / 1000.0));
  statement_timeout_millis_ = millis;
}

}  // namespace crm::storage
