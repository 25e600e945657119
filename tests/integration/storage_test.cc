// Storage mechanics against the real MariaDB: migrations, the transaction runner's
// retries and rollbacks, and the connection pool's handling of lost connections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "storage/connection_pool.h"
#include "storage/ids.h"
#include "storage/migrations.h"
#include "storage/sql_errors.h"
#include "storage/transaction.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using storage::ConnectionPool;
using storage::Transaction;

// A separate database on the same server, so schema experiments do not disturb the
// shared one.
storage::MysqlEndpoint FreshDatabase() {
  storage::MysqlEndpoint endpoint = CrmTestEnvironment::Get().database();
  const std::string name = absl::StrCat("scratch_", storage::RandomBase32(6));
  absl::Status status = storage::RunGlobalTransaction(
      CrmTestEnvironment::Get().pool(), absl::Now() + absl::Seconds(10), [&](Transaction& tx) {
        tx.Execute(absl::StrCat("CREATE DATABASE ", name));
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  endpoint.database = name;
  return endpoint;
}

absl::Time Soon() { return absl::Now() + absl::Seconds(20); }

TEST(MigrationsTest, AppliesOnceAndIsIdempotent) {
  ConnectionPool pool(FreshDatabase(), storage::PoolOptions::WithMaxConnections(2));
  absl::StatusOr<storage::MigrationReport> first = ApplyMigrations(pool, storage::KnownMigrations());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->from_version, 0);
  EXPECT_EQ(first->to_version, storage::KnownMigrations().back().version);
  absl::StatusOr<storage::MigrationReport> second = ApplyMigrations(pool, storage::KnownMigrations());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->from_version, second->to_version);
}

TEST(MigrationsTest, ConcurrentServersSerialiseOnTheLock) {
  const storage::MysqlEndpoint endpoint = FreshDatabase();
  std::vector<absl::StatusOr<storage::MigrationReport>> results(4, absl::UnknownError(""));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      ConnectionPool pool(endpoint, storage::PoolOptions::WithMaxConnections(2));
      results[i] = ApplyMigrations(pool, storage::KnownMigrations());
    });
  }
  for (auto& thread : threads) thread.join();
  int applied_by = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    if (result->from_version == 0) ++applied_by;
  }
  EXPECT_EQ(applied_by, 1);
}

TEST(MigrationsTest, NewerSchemaThanTheBinaryRefusesToStart) {
  ConnectionPool pool(FreshDatabase(), storage::PoolOptions::WithMaxConnections(2));
  ASSERT_TRUE(ApplyMigrations(pool, storage::KnownMigrations()).ok());
  ASSERT_TRUE(storage::RunGlobalTransaction(pool, Soon(), [](Transaction& tx) {
                tx.Execute(
                    "INSERT INTO schema_migrations (version, name, applied_time) VALUES (9999, "
                    "'from_the_future', UTC_TIMESTAMP(6))");
                return absl::OkStatus();
              }).ok());
  absl::StatusOr<storage::MigrationReport> report = ApplyMigrations(pool, storage::KnownMigrations());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), ::testing::HasSubstr("9999"));
}

TEST(MigrationsTest, SplitsStatementsAndDropsComments) {
  EXPECT_THAT(storage::SplitSqlStatements("-- c\nCREATE TABLE a (x INT);\n\nINSERT INTO a\n VALUES (1);\n"),
              ::testing::ElementsAre("CREATE TABLE a (x INT)", "INSERT INTO a\n VALUES (1)"));
}

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<ConnectionPool>(FreshDatabase(), storage::PoolOptions::WithMaxConnections(4));
    ASSERT_TRUE(storage::RunGlobalTransaction(*pool_, Soon(), [](Transaction& tx) {
                  tx.Execute(
                      "CREATE TABLE counters (tenant_id VARCHAR(40) NOT NULL, name VARCHAR(20) NOT "
                      "NULL, value INT NOT NULL, PRIMARY KEY (tenant_id, name)) ENGINE=InnoDB");
                  tx.Execute("INSERT INTO counters VALUES ('t-one', 'a', 0), ('t-one', 'b', 0)");
                  return absl::OkStatus();
                }).ok());
  }

  int Value(const std::string& name) {
    int value = -1;
    EXPECT_TRUE(storage::RunTransaction(*pool_, tenant_, Soon(), [&](Transaction& tx) {
                  auto row = tx.Query("SELECT value FROM counters WHERE tenant_id = ? AND name = ?",
                                      {tx.tenant().value(), name});
                  row->next();
                  value = row->getInt(1);
                  return absl::OkStatus();
                }).ok());
    return value;
  }

  std::unique_ptr<ConnectionPool> pool_;
  storage::TenantId tenant_ = *storage::TenantId::Make("t-one");
};

TEST_F(TransactionTest, ErrorStatusFromTheBodyRollsBack) {
  absl::Status status = storage::RunTransaction(*pool_, tenant_, Soon(), [](Transaction& tx) {
    tx.Execute("UPDATE counters SET value = 5 WHERE tenant_id = ? AND name = 'a'",
               {tx.tenant().value()});
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Value("a"), 0);
}

TEST_F(TransactionTest, SqlErrorsBecomeStatusesWithoutSqlText) {
  absl::Status status = storage::RunTransaction(*pool_, tenant_, Soon(), [](Transaction& tx) {
    tx.Execute("INSERT INTO counters VALUES (?, 'a', 1)", {tx.tenant().value()});
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(status.message()), ::testing::Not(::testing::HasSubstr("INSERT")));
  status = storage::RunTransaction(*pool_, tenant_, Soon(), [](Transaction& tx) {
    tx.Execute("SELECT no_such_column FROM counters");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), ::testing::Not(::testing::HasSubstr("no_such_column")));
}

TEST_F(TransactionTest, DeadlockedTransactionIsRetriedAndBothCommit) {
  // Two transactions lock a and b in opposite orders; InnoDB kills one with 1213 and
  // the runner retries it, so both increments land.
  std::atomic<int> attempts{0};
  absl::Notification first_locked, second_locked;
  auto body = [&](const std::string& first, const std::string& second, absl::Notification& mine,
                  absl::Notification& theirs) {
    return [&, first, second](Transaction& tx) -> absl::Status {
      ++attempts;
      tx.Execute("UPDATE counters SET value = value + 1 WHERE tenant_id = ? AND name = ?",
                 {tx.tenant().value(), first});
      if (!mine.HasBeenNotified()) mine.Notify();
      theirs.WaitForNotificationWithTimeout(absl::Seconds(5));
      tx.Execute("UPDATE counters SET value = value + 1 WHERE tenant_id = ? AND name = ?",
                 {tx.tenant().value(), second});
      return absl::OkStatus();
    };
  };
  absl::Status status_one, status_two;
  std::thread one([&] {
    status_one = storage::RunTransaction(*pool_, tenant_, Soon(), body("a", "b", first_locked, second_locked));
  });
  std::thread two([&] {
    status_two = storage::RunTransaction(*pool_, tenant_, Soon(), body("b", "a", second_locked, first_locked));
  });
  one.join();
  two.join();
  EXPECT_TRUE(status_one.ok()) << status_one;
  EXPECT_TRUE(status_two.ok()) << status_two;
  EXPECT_GE(attempts.load(), 3);  // at least one retry happened
  EXPECT_EQ(Value("a"), 2);
  EXPECT_EQ(Value("b"), 2);
}

TEST_F(TransactionTest, KilledConnectionIsReplacedNotReused) {
  int64_t victim = 0;
  ASSERT_TRUE(storage::RunTransaction(*pool_, tenant_, Soon(), [&](Transaction& tx) {
                auto row = tx.Query("SELECT CONNECTION_ID()");
                row->next();
                victim = row->getInt64(1);
                return absl::OkStatus();
              }).ok());
  // Kill every idle connection of the pool from outside, as a failover would.
  ASSERT_TRUE(storage::RunGlobalTransaction(CrmTestEnvironment::Get().pool(), Soon(),
                                            [&](Transaction& tx) {
                                              tx.Execute(absl::StrCat("KILL CONNECTION ", victim));
                                              return absl::OkStatus();
                                            }).ok());
  absl::Status status;
  for (int i = 0; i < 3; ++i) {
    status = storage::RunTransaction(*pool_, tenant_, Soon(), [&](Transaction& tx) {
      tx.Execute("UPDATE counters SET value = value + 1 WHERE tenant_id = ? AND name = 'a'",
                 {tx.tenant().value()});
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  }
  EXPECT_EQ(Value("a"), 3);
}

TEST_F(TransactionTest, PassedDeadlineFailsFastWithoutTouchingTheDatabase) {
  absl::Status status = storage::RunTransaction(*pool_, tenant_, absl::Now() - absl::Seconds(1),
                                                [](Transaction&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(TransactionTest, DeadlineBoundsStatementsThroughMaxStatementTime) {
  // A statement far longer than the deadline is cut off by max_statement_time.
  const absl::Time start = absl::Now();
  absl::Status status = storage::RunTransaction(*pool_, tenant_, absl::Now() + absl::Milliseconds(900),
                                   [](Transaction& tx) {
                                     tx.Query(
                                         "SELECT COUNT(*) FROM information_schema.columns a, "
                                         "information_schema.columns b, information_schema.columns c");
                                     return absl::OkStatus();
                                   });
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

TEST_F(TransactionTest, ExhaustedPoolIsUnavailableQuickly) {
  ConnectionPool tiny(CrmTestEnvironment::Get().database(),
                      [] {
                        storage::PoolOptions options;
                        options.max_connections = 1;
                        options.max_wait = absl::Milliseconds(200);
                        return options;
                      }());
  absl::StatusOr<storage::PooledConnection> held = tiny.Acquire(Soon());
  ASSERT_TRUE(held.ok());
  const absl::Time start = absl::Now();
  absl::StatusOr<storage::PooledConnection> second = tiny.Acquire(Soon());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

}  // namespace
}  // namespace crm::testing
