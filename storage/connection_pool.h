#ifndef CRM_STORAGE_CONNECTION_POOL_H_
#define CRM_STORAGE_CONNECTION_POOL_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/connection.h"
#include "storage/mysql_endpoint.h"

namespace crm::storage {

struct PoolOptions {
  static PoolOptions WithMaxConnections(int n) {
    PoolOptions options;
    options.max_connections = n;
    return options;
  }

  int max_connections = 16;
  // Longest wait for a free connection before the call fails UNAVAILABLE; a call's
  // own deadline shortens it. Overload fails fast rather than queueing forever.
  absl::Duration max_wait = absl::Seconds(2);
  ConnectionOptions connection;
};

class ConnectionPool;

// A connection borrowed from the pool; returned on destruction. A connection marked
// broken is closed and replaced by a fresh one on a later Acquire.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();

  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }
  void MarkBroken() { broken_ = true; }

 private:
  friend class ConnectionPool;
  PooledConnection(ConnectionPool* pool, std::unique_ptr<Connection> connection)
      : pool_(pool), connection_(std::move(connection)) {}

  ConnectionPool* pool_;
  std::unique_ptr<Connection> connection_;
  bool broken_ = false;
};

// A bounded pool of MySQL sessions, safe to use from many threads.
class ConnectionPool {
 public:
  ConnectionPool(MysqlEndpoint endpoint, PoolOptions options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Opens one connection to check the database is reachable.
  absl::Status CheckReachable();

  // A connection, waiting at most until `deadline` (and PoolOptions::max_wait).
  absl::StatusOr<PooledConnection> Acquire(absl::Time deadline);

  const MysqlEndpoint& endpoint() const { return endpoint_; }

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<Connection> connection, bool broken);

  const MysqlEndpoint endpoint_;
  const PoolOptions options_;
  absl::Mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mutex_);
  int open_ ABSL_GUARDED_BY(mutex_) = 0;  // idle + borrowed + being opened
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_CONNECTION_POOL_H_
