#include "storage/transaction.h"

#include <cppconn/exception.h>

#include <random>

#include "absl/time/clock.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "storage/sql_errors.h"

namespace crm::storage {

bool Transaction::InsertUnlessDuplicate(const std::string& sql,
                                        const std::vector<SqlValue>& params) {
  try {
    connection_.Execute(sql, params);
    return true;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kErrDuplicateKey) return false;
    throw;
  }
}

namespace {

absl::Duration StatementTimeout(absl::Time deadline, const TransactionOptions& options) {
  absl::Duration remaining = deadline - absl::Now();
  if (remaining > options.default_statement_timeout) remaining = options.default_statement_timeout;
  // Whole seconds, rounded up: most callers use the same deadline, so the session
  // variable rarely changes and costs no extra round trip.
  return absl::Ceil(remaining, absl::Seconds(1));
}

absl::Status RunOnce(ConnectionPool& pool, const TenantId* tenant, absl::Time deadline,
                     const TransactionBody& body, const TransactionOptions& options,
                     bool* retryable) {
  *retryable = false;
  if (absl::Now() >= deadline) {
    return absl::DeadlineExceededError("the call's deadline passed before the database was reached");
  }
  absl::StatusOr<PooledConnection> lease = pool.Acquire(deadline);
  if (!lease.ok()) return lease.status();
  Connection& connection = **lease;
  bool committing = false;
  try {
    connection.SetStatementTimeout(StatementTimeout(deadline, options));
    connection.ExecuteUnprepared("START TRANSACTION");
    Transaction transaction(connection, tenant);
    absl::Status status = body(transaction);
    if (!status.ok()) {
      connection.ExecuteUnprepared("ROLLBACK");
      return status;
    }
    committing = true;
    connection.ExecuteUnprepared("COMMIT");
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (IsConnectionLost(code)) {
      lease->MarkBroken();
      if (committing) {
        return absl::UnavailableError(
            "the database connection was lost during commit: the outcome is unknown; retry "
            "with the same request_id");
      }
      *retryable = true;  // the server rolled the transaction back
      return StatusFromSqlError(e);
    }
    try {
      connection.ExecuteUnprepared("ROLLBACK");
    } catch (const sql::SQLException&) {
      lease->MarkBroken();
    }
    *retryable = IsRetryableTransactionError(code);
    return StatusFromSqlError(e);
  } catch (const std::exception& e) {
    // Anything else from the driver (e.g. a bad conversion) leaves the session in an
    // unknown state: never reuse it.
    lease->MarkBroken();
    return absl::InternalError(absl::StrCat("storage error: ", e.what()));
  }
}

absl::Status RunWithRetries(ConnectionPool& pool, const TenantId* tenant, absl::Time deadline,
                            const TransactionBody& body, const TransactionOptions& options) {
  thread_local absl::BitGen bitgen;
  absl::Duration backoff = options.initial_backoff;
  absl::Status status;
  for (int attempt = 1;; ++attempt) {
    bool retryable = false;
    status = RunOnce(pool, tenant, deadline, body, options, &retryable);
    if (status.ok() || !retryable || attempt >= options.max_attempts) return status;
    const absl::Duration sleep = backoff * absl::Uniform(bitgen, 0.5, 1.5);
    if (absl::Now() + sleep >= deadline) return status;
    absl::SleepFor(sleep);
    backoff *= 2;
  }
}

}  // namespace

absl::Status RunTransaction(ConnectionPool& pool, const TenantId& tenant, absl::Time deadline,
                            const TransactionBody& body, const TransactionOptions& options) {
  return RunWithRetries(pool, &tenant, deadline, body, options);
}

absl::Status RunGlobalTransaction(ConnectionPool& pool, absl::Time deadline,
                                  const TransactionBody& body, const TransactionOptions& options) {
  return RunWithRetries(pool, nullptr, deadline, body, options);
}

}  // namespace crm::storage
