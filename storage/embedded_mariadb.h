#ifndef CRM_STORAGE_EMBEDDED_MARIADB_H_
#define CRM_STORAGE_EMBEDDED_MARIADB_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/mysql_endpoint.h"

namespace crm::storage {

struct EmbeddedMariaDbOptions {
  // Private directory for the server: data/, mysqld.sock, mysqld.err, mysqld.pid.
  std::string base_dir;
  // Database created for the platform.
  std::string database = "crm";
  // Trades durability for speed (no fsync per commit, small buffer pool). Tests only.
  bool ephemeral = false;
  // InnoDB buffer pool when not ephemeral.
  int buffer_pool_mib = 1024;
  absl::Duration start_timeout = absl::Seconds(90);
};

// A private `mariadbd` child process on a Unix socket, no TCP port: the embedded
// default of crm-server and the database of the integration tests. It is stopped when
// this object is destroyed, and the kernel stops it if the parent dies first.
class EmbeddedMariaDb {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedMariaDb>> Start(EmbeddedMariaDbOptions options);
  ~EmbeddedMariaDb();

  // Root over the private socket (only this user can reach the directory).
  const MysqlEndpoint& endpoint() const { return endpoint_; }
  const std::string& error_log_path() const { return error_log_; }

  // Sends SIGTERM and waits for a clean InnoDB shutdown.
  absl::Status Stop();

 private:
  EmbeddedMariaDb() = default;

  pid_t pid_ = -1;
  MysqlEndpoint endpoint_;
  std::string error_log_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_EMBEDDED_MARIADB_H_
