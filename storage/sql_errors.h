#ifndef CRM_STORAGE_SQL_ERRORS_H_
#define CRM_STORAGE_SQL_ERRORS_H_

#include "absl/status/status.h"

namespace sql {
class SQLException;
}

namespace crm::storage {

// MySQL / MariaDB error numbers the storage layer reacts to.
inline constexpr int kErrDuplicateKey = 1062;
inline constexpr int kErrLockWaitTimeout = 1205;
inline constexpr int kErrDeadlock = 1213;  // also Galera certification failures
inline constexpr int kErrStatementTimeout = 1969;  // MariaDB max_statement_time
inline constexpr int kErrServerGone = 2006;
inline constexpr int kErrLostConnection = 2013;
inline constexpr int kErrServerLost = 2055;
inline constexpr int kErrCantConnect = 2002;
inline constexpr int kErrCantConnectTcp = 2003;

// A deadlock or lock-wait timeout: the whole transaction may simply be run again.
bool IsRetryableTransactionError(int mysql_errno);

// The connection is unusable and must be discarded (never auto-reconnected).
bool IsConnectionLost(int mysql_errno);

// Maps a driver error to a status a caller can act on. The message names the error
// number only: SQL text and values never leave the storage layer.
absl::Status StatusFromSqlError(const sql::SQLException& e);

}  // namespace crm::storage

#endif  // CRM_STORAGE_SQL_ERRORS_H_
