#include "storage/sql_errors.h"

#include <cppconn/exception.h>

#include "absl/strings/str_cat.h"

namespace crm::storage {

bool IsRetryableTransactionError(int mysql_errno) {
  return mysql_errno == kErrDeadlock || mysql_errno == kErrLockWaitTimeout;
}

bool IsConnectionLost(int mysql_errno) {
  return mysql_errno == kErrServerGone || mysql_errno == kErrLostConnection ||
         mysql_errno == kErrServerLost || mysql_errno == kErrCantConnect ||
         mysql_errno == kErrCantConnectTcp;
}

absl::Status StatusFromSqlError(const sql::SQLException& e) {
  const int code = e.getErrorCode();
  if (IsRetryableTransactionError(code)) {
    return absl::AbortedError(
        absl::StrCat("the transaction kept conflicting with concurrent writes (mysql ", code,
                     "); retry the call"));
  }
  if (IsConnectionLost(code)) {
    return absl::UnavailableError(absl::StrCat("database connection lost (mysql ", code, ")"));
  }
  if (code == kErrStatementTimeout) {
    return absl::DeadlineExceededError("the call's deadline passed while the database was working");
  }
  if (code == kErrDuplicateKey) {
    return absl::AlreadyExistsError("a resource with the same unique value already exists");
  }
  return absl::InternalError(absl::StrCat("storage error (mysql ", code, ", sqlstate ",
                                          std::string(e.getSQLState()), ")"));
}

}  // namespace crm::storage
