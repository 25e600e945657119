// crm-server: the multi-tenant CRM platform gRPC server.
#include <signal.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/bootstrap.h"
#include "server/crm_server.h"
#include "storage/connection_pool.h"
#include "storage/embedded_mariadb.h"
#include "storage/migrations.h"
#include "storage/mysql_endpoint.h"

namespace {

struct Flags {
  std::string listen = "127.0.0.1:50051";
  std::string mysql;
  std::string data_dir = "var";
  std::string bootstrap_admin_key_file;
  bool demo_data = false;
  int max_threads = 64;
  int db_pool_size = 16;
  int shutdown_grace_seconds = 10;
  int lead_sweep_interval_seconds = 600;
  int analysis_workers = 2;
};

void DefineFlags(CLI::App& app, Flags& flags) {
  app.add_option("--listen", flags.listen, "host:port to serve gRPC on")->capture_default_str();
  app.add_option("--mysql", flags.mysql,
                 "tcp://host:port/database or unix:///path/sock?database=NAME; user and password "
                 "from CRM_MYSQL_USER / CRM_MYSQL_PASSWORD. Empty: start an embedded mariadbd "
                 "under --data-dir");
  app.add_option("--data-dir", flags.data_dir, "directory for the embedded database and key files")
      ->capture_default_str();
  app.add_option("--bootstrap-admin-key-file", flags.bootstrap_admin_key_file,
                 "file holding the platform-admin API key; created (mode 0600) with a fresh key "
                 "when missing. Default: <data-dir>/admin.key");
  app.add_flag("--demo-data", flags.demo_data,
               "create a 'demo' tenant with sample accounts and contacts (its key in "
               "<data-dir>/demo-tenant.key) unless it exists");
  app.add_option("--max-threads", flags.max_threads, "maximum threads serving calls")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  app.add_option("--db-pool-size", flags.db_pool_size, "maximum database connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--shutdown-grace-seconds", flags.shutdown_grace_seconds,
                 "how long SIGTERM/SIGINT let in-flight calls finish")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
  app.add_option("--lead-sweep-interval-seconds", flags.lead_sweep_interval_seconds,
                 "how often leads past their tenant's no-contact period are invalidated; 0 = "
                 "never")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app.add_option("--analysis-workers", flags.analysis_workers,
                 "background threads running value analyses (each one run at a time)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
}

// Shared between main and the signal thread: a signal that arrives while the server
// is still starting is remembered and honoured as soon as it serves.
struct ShutdownState {
  absl::Mutex mutex;
  bool requested ABSL_GUARDED_BY(mutex) = false;
  crm::server::CrmServer* server ABSL_GUARDED_BY(mutex) = nullptr;
  absl::Duration grace;
};

ShutdownState& Shutdown() {
  static auto* state = new ShutdownState();
  return *state;
}

void WaitForSignals(sigset_t signals) {
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("signal {} received: draining in-flight calls", signal_number);
  ShutdownState& state = Shutdown();
  absl::MutexLock lock(&state.mutex);
  state.requested = true;
  if (state.server != nullptr) state.server->Shutdown(state.grace);
}

int Fail(const absl::Status& status) {
  spdlog::critical("crm-server cannot start: {}", status.ToString());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("crm-server: the multi-tenant CRM platform gRPC server");
  Flags flags;
  DefineFlags(app, flags);
  CLI11_PARSE(app, argc, argv);
  // Logs go to stderr (stdout stays free for tools); one line per event, UTC.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("crm-server"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %L %v", spdlog::pattern_time_type::utc);

  // Signals are taken by a dedicated thread (sigwait) instead of an async handler, so
  // shutdown runs as normal code. Blocked before any thread starts, inherited by all.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Shutdown().grace = absl::Seconds(flags.shutdown_grace_seconds);
  std::thread(WaitForSignals, signals).detach();

  const std::string data_dir = flags.data_dir;
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) return Fail(absl::FailedPreconditionError(absl::StrCat("cannot create ", data_dir)));

  std::unique_ptr<crm::storage::EmbeddedMariaDb> embedded;
  crm::storage::MysqlEndpoint endpoint;
  if (flags.mysql.empty()) {
    spdlog::info("starting embedded mariadbd under {}/mariadb", data_dir);
    absl::StatusOr<std::unique_ptr<crm::storage::EmbeddedMariaDb>> started =
        crm::storage::EmbeddedMariaDb::Start({.base_dir = data_dir + "/mariadb"});
    if (!started.ok()) return Fail(started.status());
    embedded = *std::move(started);
    endpoint = embedded->endpoint();
  } else {
    absl::StatusOr<crm::storage::MysqlEndpoint> parsed = crm::storage::ParseMysqlUrl(flags.mysql);
    if (!parsed.ok()) return Fail(parsed.status());
    endpoint = *std::move(parsed);
    if (const char* user = std::getenv("CRM_MYSQL_USER")) endpoint.user = user;
    if (const char* password = std::getenv("CRM_MYSQL_PASSWORD")) endpoint.password = password;
  }

  {
    crm::storage::ConnectionPool setup_pool(endpoint, crm::storage::PoolOptions::WithMaxConnections(2));
    absl::StatusOr<crm::storage::MigrationReport> migrated =
        crm::storage::ApplyMigrations(setup_pool, crm::storage::KnownMigrations());
    if (!migrated.ok()) return Fail(migrated.status());
    spdlog::info("database {} at schema version {} (was {})", endpoint.Describe(),
                 migrated->to_version, migrated->from_version);

    std::string key_file = flags.bootstrap_admin_key_file;
    if (key_file.empty()) key_file = data_dir + "/admin.key";
    absl::StatusOr<bool> created = crm::server::EnsureBootstrapAdminKey(setup_pool, key_file);
    if (!created.ok()) return Fail(created.status());
    spdlog::info("platform-admin key {} {}", *created ? "created in" : "read from", key_file);

    if (flags.demo_data) {
      const std::string demo_key = data_dir + "/demo-tenant.key";
      if (absl::Status seeded = crm::server::SeedDemoData(setup_pool, demo_key); !seeded.ok()) {
        return Fail(seeded);
      }
      spdlog::info("demo tenant 'demo' ready; its TENANT_ADMIN key is in {}", demo_key);
    }
  }

  crm::server::ServerOptions options;
  options.listen = flags.listen;
  options.max_threads = flags.max_threads;
  options.db_pool_size = flags.db_pool_size;
  options.lead_sweep_interval = absl::Seconds(flags.lead_sweep_interval_seconds);
  options.analysis_workers = flags.analysis_workers;
  absl::StatusOr<std::unique_ptr<crm::server::CrmServer>> server =
      crm::server::CrmServer::Start(endpoint, options);
  if (!server.ok()) return Fail(server.status());
  spdlog::info("crm-server listening on {} (port {})", options.listen, (*server)->port());

  {
    ShutdownState& state = Shutdown();
    absl::MutexLock lock(&state.mutex);
    state.server = server->get();
    if (state.requested) state.server->Shutdown(state.grace);
  }
  (*server)->Wait();
  {
    ShutdownState& state = Shutdown();
    absl::MutexLock lock(&state.mutex);
    state.server = nullptr;
  }
  server->reset();
  if (embedded) {
    spdlog::info("stopping embedded mariadbd");
    if (absl::Status stopped = embedded->Stop(); !stopped.ok()) {
      spdlog::warn("embedded mariadbd: {}", stopped.ToString());
    }
  }
  spdlog::info("crm-server stopped");
  return 0;
}
