#include "storage/migrations.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include "absl/time/clock.h"
#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storage/sql_errors.h"

namespace crm::storage {
namespace {

constexpr absl::Duration kMigrationTimeout = absl::Minutes(10);

int CurrentVersion(Connection& connection) {
  auto rows = connection.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  rows->next();
  return rows->getInt(1);
}

absl::StatusOr<MigrationReport> ApplyLocked(Connection& lock, Connection& work,
                                            const std::vector<Migration>& migrations) {
  for (const char* ddl : {
           "CREATE TABLE IF NOT EXISTS schema_lock (lock_id TINYINT NOT NULL, PRIMARY KEY "
           "(lock_id)) ENGINE=InnoDB",
           "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL, name "
           "VARCHAR(200) NOT NULL, applied_time DATETIME(6) NOT NULL, PRIMARY KEY (version)) "
           "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
       }) {
    work.ExecuteUnprepared(ddl);
  }
  work.Execute("INSERT INTO schema_lock (lock_id) VALUES (1) ON DUPLICATE KEY UPDATE lock_id = 1");

  lock.ExecuteUnprepared("START TRANSACTION");
  lock.Query("SELECT lock_id FROM schema_lock WHERE lock_id = 1 FOR UPDATE");

  MigrationReport report;
  report.from_version = CurrentVersion(work);
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (report.from_version > known) {
    lock.ExecuteUnprepared("ROLLBACK");
    return absl::FailedPreconditionError(absl::StrCat(
        "the database schema is at version ", report.from_version,
        " but this crm-server only knows migrations up to ", known,
        ": run a newer crm-server (refusing to start rather than corrupt data)"));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= report.from_version) continue;
    for (const std::string& statement : SplitSqlStatements(migration.sql)) {
      work.ExecuteUnprepared(statement);
    }
    work.Execute(
        "INSERT INTO schema_migrations (version, name, applied_time) VALUES (?, ?, "
        "UTC_TIMESTAMP(6))",
        {static_cast<int64_t>(migration.version), std::string(migration.name)});
  }
  report.to_version = CurrentVersion(work);
  lock.ExecuteUnprepared("COMMIT");
  return report;
}

}  // namespace

std::vector<std::string> SplitSqlStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(trimmed, ";")) {
      current.erase(current.find_last_of(';'));
      statements.push_back(std::move(current));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) statements.push_back(std::move(current));
  return statements;
}

absl::StatusOr<MigrationReport> ApplyMigrations(ConnectionPool& pool,
                                                const std::vector<Migration>& migrations) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::StatusOr<PooledConnection> lock = pool.Acquire(deadline);
  if (!lock.ok()) return lock.status();
  absl::StatusOr<PooledConnection> work = pool.Acquire(deadline);
  if (!work.ok()) return work.status();
  try {
    (*lock)->SetStatementTimeout(kMigrationTimeout);
    (*work)->SetStatementTimeout(kMigrationTimeout);
    return ApplyLocked(**lock, **work, migrations);
  } catch (const sql::SQLException& e) {
    lock->MarkBroken();  // closing it releases the row lock
    work->MarkBroken();
    return absl::Status(StatusFromSqlError(e).code(),
                        absl::StrCat("applying migrations failed: ", e.what()));
  }
}

}  // namespace crm::storage
