#ifndef CRM_SERVER_CRM_SERVER_H_
#define CRM_SERVER_CRM_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/mysql_endpoint.h"

namespace crm::server {

struct ServerOptions {
  // host:port; port 0 picks a free port (tests).
  std::string listen = "127.0.0.1:50051";
  // Upper bound on threads serving calls: with the DB pool it bounds concurrency end
  // to end, so overload is refused rather than queued without limit.
  int max_threads = 64;
  int db_pool_size = 16;
  // Larger requests are RESOURCE_EXHAUSTED before any handler runs.
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // How long the auth cache trusts a key / tenant lookup.
  absl::Duration auth_cache_ttl = absl::Seconds(5);
  // How often ACTIVE leads past their tenant's no-contact period are invalidated;
  // zero turns the background sweep off.
  absl::Duration lead_sweep_interval = absl::Minutes(10);
  // Background threads executing value-analysis runs (one run each at a time).
  int analysis_workers = 2;
};

class AnalysisRunner;
class LeadSweeper;

// The whole serving stack over one database whose schema is current: connection
// pool, repositories, authentication, the CRM services, health and reflection.
class CrmServer {
 public:
  static absl::StatusOr<std::unique_ptr<CrmServer>> Start(const storage::MysqlEndpoint& database,
                                                          const ServerOptions& options);
  ~CrmServer();

  int port() const { return port_; }
  // Stops accepting calls, lets in-flight calls finish for up to `grace`, then cancels.
  void Shutdown(absl::Duration grace);
  void Wait();

  // The no-contact sweep, for running a pass on demand (tests, operators).
  LeadSweeper& lead_sweeper();
  // The value-analysis workers.
  AnalysisRunner& analysis_runner();

 private:
  struct Parts;
  CrmServer() = default;

  std::unique_ptr<Parts> parts_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace crm::server

#endif  // CRM_SERVER_CRM_SERVER_H_
