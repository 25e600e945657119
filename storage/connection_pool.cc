#include "storage/connection_pool.h"

#include "absl/time/clock.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace crm::storage {

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), broken_(other.broken_) {
  other.pool_ = nullptr;
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->Release(std::move(connection_), broken_);
}

ConnectionPool::ConnectionPool(MysqlEndpoint endpoint, PoolOptions options)
    : endpoint_(std::move(endpoint)), options_(options) {}

absl::Status ConnectionPool::CheckReachable() {
  auto lease = Acquire(absl::Now() + options_.connection.connect_timeout);
  return lease.status();
}

absl::StatusOr<PooledConnection> ConnectionPool::Acquire(absl::Time deadline) {
  deadline = std::min(deadline, absl::Now() + options_.max_wait);
  {
    absl::MutexLock lock(&mutex_);
    auto can_proceed = [this]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) {
      return !idle_.empty() || open_ < options_.max_connections;
    };
    if (!mutex_.AwaitWithDeadline(absl::Condition(&can_proceed), deadline)) {
      return absl::UnavailableError(absl::StrCat(
          "all ", options_.max_connections, " database connections are busy; retry with backoff"));
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return PooledConnection(this, std::move(connection));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
  }
  absl::StatusOr<std::unique_ptr<Connection>> opened =
      Connection::Open(endpoint_, options_.connection);
  if (!opened.ok()) {
    absl::MutexLock lock(&mutex_);
    --open_;
    return opened.status();
  }
  return PooledConnection(this, *std::move(opened));
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection, bool broken) {
  if (broken) connection.reset();  // close outside the lock
  absl::MutexLock lock(&mutex_);
  if (broken) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
}

}  // namespace crm::storage
