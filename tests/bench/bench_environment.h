#ifndef CRM_TESTS_BENCH_BENCH_ENVIRONMENT_H_
#define CRM_TESTS_BENCH_BENCH_ENVIRONMENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/v1/tenant_admin.pb.h"
#include "server/crm_server.h"
#include "storage/connection_pool.h"
#include "storage/embedded_mariadb.h"
#include "storage/sql_fragment.h"

namespace crm::bench {

// Exits with a message when a setup step fails (benchmarks have no one to report to).
void Check(const absl::Status& status, const char* what);
void Check(const grpc::Status& status, const char* what);

// A client context carrying the key.
std::unique_ptr<grpc::ClientContext> WithKey(const std::string& key);

// What the import benchmarks share: an embedded MariaDB under `dir` (crm-server's
// embedded defaults: full durability, 1 GiB buffer pool), the schema, an in-process
// crm-server on 127.0.0.1, and ways to run the database's own baseline on the same
// server. Everything is removed on destruction.
class BenchEnvironment {
 public:
  explicit BenchEnvironment(const std::string& dir);
  ~BenchEnvironment();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  storage::ConnectionPool& pool() { return *pool_; }

  // Creates tenant `tenant_id` and returns an INTEGRATION key for it.
  std::string CreateTenant(const std::string& tenant_id);
  // Another key of `role` for an existing tenant.
  std::string CreateKey(const std::string& tenant_id, v1::Role role);

  // `LOAD DATA LOCAL INFILE` of a tab-separated file into `table` (`columns` in file
  // order) through the mariadb client; returns how long the load took.
  absl::Duration LoadData(const std::string& file, const std::string& table,
                          const std::string& columns);

  // Runs `sql` with the mariadb client (results to /dev/null): MariaDB's own time for
  // a statement, without the server's 30 s statement cap.
  absl::Duration TimeSql(const std::string& sql);

  // The last row of EXPLAIN for `sql`, as "type=… key=… rows=… extra=…".
  std::string Explain(const std::string& sql, const std::vector<storage::SqlValue>& params);

 private:
  std::string dir_;
  std::unique_ptr<storage::EmbeddedMariaDb> database_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<server::CrmServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string admin_key_;
};

}  // namespace crm::bench

#endif  // CRM_TESTS_BENCH_BENCH_ENVIRONMENT_H_
