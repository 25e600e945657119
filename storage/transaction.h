#ifndef CRM_STORAGE_TRANSACTION_H_
#define CRM_STORAGE_TRANSACTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <cppconn/resultset.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"
#include "storage/sql_fragment.h"
#include "storage/tenant_id.h"


namespace crm::storage {

// The statements of one transaction. Every transaction touches exactly one tenant
// (the Vitess sharding rule), so the tenant is part of it and repositories bind it
// from here. Methods may throw sql::SQLException; RunTransaction catches them.
class Transaction {
 public:
  Transaction(Connection& connection, const TenantId* tenant)
      : connection_(connection), tenant_(tenant) {}

  // The tenant of a per-tenant transaction; repositories bind it to every statement.
  const TenantId& tenant() const { return *tenant_; }

  int64_t Execute(const std::string& sql, const std::vector<SqlValue>& params = {}) {
    return connection_.Execute(sql, params);
  }
  std::unique_ptr<sql::ResultSet> Query(const std::string& sql,
                                        const std::vector<SqlValue>& params = {}) {
    return connection_.Query(sql, params);
  }
  // Like Execute, but a duplicate-key error returns false instead of failing the
  // transaction (InnoDB rolls back only that statement).
  bool InsertUnlessDuplicate(const std::string& sql, const std::vector<SqlValue>& params);

 private:
  Connection& connection_;
  const TenantId* tenant_;  // null only for global tables (tenants, keys, migrations)
};

struct TransactionOptions {
  // Attempts for deadlocks (1213, also Galera certification conflicts) and lock-wait
  // timeouts (1205), with jittered exponential backoff between them.
  int max_attempts = 5;
  absl::Duration initial_backoff = absl::Milliseconds(5);
  // Bound on each statement when the caller has no deadline.
  absl::Duration default_statement_timeout = absl::Seconds(30);
};

using TransactionBody = std::function<absl::Status(Transaction&)>;

// Runs `body` in a transaction on a pooled connection and commits when it returns OK.
// The whole body is retried on deadlock / lock-wait timeout; a non-OK status from the
// body rolls back and is returned as is. A lost connection is discarded; if it was
// lost during COMMIT the outcome is unknown and UNAVAILABLE is returned (the
// request_id of the call makes the client's retry safe). `deadline` bounds the wait
// for a connection and every statement (max_statement_time).
absl::Status RunTransaction(ConnectionPool& pool, const TenantId& tenant, absl::Time deadline,
                            const TransactionBody& body, const TransactionOptions& options = {});

// The same for statements on global (not per-tenant) tables only.
absl::Status RunGlobalTransaction(ConnectionPool& pool, absl::Time deadline,
                                  const TransactionBody& body,
                                  const TransactionOptions& options = {});

namespace internal {

// Runs `body` through `run` (one of the runners above) and keeps the value of the
// attempt that committed.
template <typename T, typename Runner>
absl::StatusOr<T> KeepCommittedValue(const Runner& run,
                                     const std::function<absl::StatusOr<T>(Transaction&)>& body) {
  std::optional<T> result;
  absl::Status status = run([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<T> value = body(tx);
    if (!value.ok()) return value.status();
    result = *std::move(value);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return *std::move(result);
}

}  // namespace internal

// RunTransaction for a body that produces a value: the value of the attempt that
// committed is returned.
template <typename T>
absl::StatusOr<T> RunTransactionFor(ConnectionPool& pool, const TenantId& tenant,
                                    absl::Time deadline,
                                    const std::function<absl::StatusOr<T>(Transaction&)>& body) {
  return internal::KeepCommittedValue<T>(
      [&](const TransactionBody& run_body) { return RunTransaction(pool, tenant, deadline, run_body); },
      body);
}

// The same on global tables.
template <typename T>
absl::StatusOr<T> RunGlobalTransactionFor(
    ConnectionPool& pool, absl::Time deadline,
    const std::function<absl::StatusOr<T>(Transaction&)>& body) {
  return internal::KeepCommittedValue<T>(
      [&](const TransactionBody& run_body) { return RunGlobalTransaction(pool, deadline, run_body); },
      body);
}

}  // namespace crm::storage

#endif  // CRM_STORAGE_TRANSACTION_H_
