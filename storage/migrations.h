#ifndef CRM_STORAGE_MIGRATIONS_H_
#define CRM_STORAGE_MIGRATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "storage/connection_pool.h"

namespace crm::storage {

// A numbered schema change from storage/migrations/NNNN_name.sql, compiled into the
// binary so a server never runs against SQL files from another version.
struct Migration {
  int version;
  absl::string_view name;
  absl::string_view sql;
};

// The migrations this binary knows, in version order (generated at build time).
const std::vector<Migration>& KnownMigrations();

// Splits a migration file into statements at semicolons that end a line; `--`
// comments are dropped. Migration files keep to plain DDL/DML for this reason.
std::vector<std::string> SplitSqlStatements(absl::string_view sql);

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

// Applies the pending migrations in order and records each in schema_migrations.
// Concurrent servers serialise on a row lock in schema_lock (SELECT ... FOR UPDATE on
// one connection while another runs the DDL, because DDL commits implicitly); a row
// lock also works on Galera, which has no GET_LOCK or LOCK TABLES. A database whose
// schema is newer than this binary knows is FAILED_PRECONDITION: the server refuses
// to start rather than write with an old idea of the schema.
absl::StatusOr<MigrationReport> ApplyMigrations(ConnectionPool& pool,
                                                const std::vector<Migration>& migrations);

}  // namespace crm::storage

#endif  // CRM_STORAGE_MIGRATIONS_H_
