// crm-scheduler: the campaign scheduler daemon (README.md).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "clients/scheduler/api_key.h"
#include "clients/scheduler/command_adapter.h"
#include "clients/scheduler/grpc_scheduler_api.h"
#include "clients/scheduler/jsonl_adapter.h"
#include "clients/scheduler/scheduler_loop.h"

namespace {

struct Flags {
  std::string target;
  std::string api_key_file;
  std::string scheduler_id;
  std::string adapter = "jsonl";
  std::string jsonl_dir;
  std::string command;
  int command_timeout_seconds = 60;
  int lease_seconds = 60;
  int batch_size = 200;
  int poll_interval_ms = 1000;
  int workers = 1;
  int exit_when_idle_seconds = 0;
  int rpc_timeout_seconds = 10;
  std::string log_level = "info";
};

void DefineFlags(CLI::App& app, Flags& flags) {
  app.add_option("--target", flags.target, "crm-server address, host:port (plaintext for now)")
      ->required();
  app.add_option("--api-key-file", flags.api_key_file,
                 "file whose first line is the SCHEDULER API key (default: $CRM_API_KEY)");
  app.add_option("--scheduler-id", flags.scheduler_id,
                 "name of this scheduler in runs and delivery records, 1..100 characters "
                 "(default: <hostname>-<pid>)");
  app.add_option("--adapter", flags.adapter, "how recipients are delivered")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl", "command"}));
  app.add_option("--jsonl-dir", flags.jsonl_dir,
                 "jsonl adapter: directory of the <channel>.jsonl files (created if missing)");
  app.add_option("--command", flags.command,
                 "command adapter: shell command run per batch via /bin/sh -c, batch as JSON "
                 "lines on stdin, CRM_CHANNEL in its environment; must deduplicate by "
                 "delivery_id");
  app.add_option("--command-timeout-seconds", flags.command_timeout_seconds,
                 "command adapter: kill the command after this long (batch FAILED)")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_option("--lease-seconds", flags.lease_seconds, "lease asked for on each run")
      ->capture_default_str()
      ->check(CLI::Range(5, 1800));
  app.add_option("--batch-size", flags.batch_size, "recipients per FetchRecipients call")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--poll-interval-ms", flags.poll_interval_ms,
                 "pause after ClaimRun found nothing due")
      ->capture_default_str()
      ->check(CLI::Range(10, 3600000));
  app.add_option("--workers", flags.workers, "runs worked concurrently")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--exit-when-idle-seconds", flags.exit_when_idle_seconds,
                 "exit 0 once nothing was due for this long; 0 = never")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400 * 365));
  app.add_option("--rpc-timeout-seconds", flags.rpc_timeout_seconds, "deadline of every call")
      ->capture_default_str()
      ->check(CLI::Range(1, 300));
  app.add_option("--log-level", flags.log_level, "trace, debug, info, warn, error, critical, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
}

// Set by SIGTERM/SIGINT; polled by the workers. Nothing else happens in the handler.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnStopSignal(int) { g_stop.store(true); }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  // A command that stops reading its stdin must not kill the scheduler.
  signal(SIGPIPE, SIG_IGN);
}

int Usage(const std::string& message) {
  spdlog::critical("{}", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("crm-scheduler: claims due campaign runs from crm-server and delivers them");
  Flags flags;
  DefineFlags(app, flags);
  CLI11_PARSE(app, argc, argv);

  // Logs go to stderr, one line per event, UTC (as crm-server).
  spdlog::set_default_logger(spdlog::stderr_logger_mt("crm-scheduler"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %L %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(flags.log_level));

  const crm::scheduler::ApiKeyOrError key =
      crm::scheduler::LoadApiKey(flags.api_key_file, std::getenv("CRM_API_KEY"));
  if (!key.error.empty()) return Usage(key.error);

  if (flags.scheduler_id.empty()) flags.scheduler_id = crm::scheduler::DefaultSchedulerId();
  if (flags.scheduler_id.size() > 100) return Usage("--scheduler-id: at most 100 characters");

  std::unique_ptr<crm::scheduler::ChannelAdapter> adapter;
  if (flags.adapter == "jsonl") {
    if (!flags.command.empty()) return Usage("--command needs --adapter command");
    const std::string problem = crm::scheduler::JsonlAdapter::PrepareDirectory(flags.jsonl_dir);
    if (!problem.empty()) return Usage(problem);
    adapter = std::make_unique<crm::scheduler::JsonlAdapter>(flags.jsonl_dir);
  } else {
    if (flags.command.empty()) return Usage("--adapter command needs --command");
    if (!flags.jsonl_dir.empty()) return Usage("--jsonl-dir needs --adapter jsonl");
    adapter = std::make_unique<crm::scheduler::CommandAdapter>(
        flags.command, std::chrono::seconds(flags.command_timeout_seconds));
  }

  InstallSignalHandlers();

  // TLS comes later; for now the channel is plaintext.
  crm::scheduler::GrpcSchedulerApi api(
      grpc::CreateChannel(flags.target, grpc::InsecureChannelCredentials()), key.key,
      std::chrono::seconds(flags.rpc_timeout_seconds));

  crm::scheduler::SchedulerOptions options;
  options.scheduler_id = flags.scheduler_id;
  options.lease = std::chrono::seconds(flags.lease_seconds);
  options.batch_size = flags.batch_size;
  options.poll_interval = std::chrono::milliseconds(flags.poll_interval_ms);
  options.workers = flags.workers;
  options.exit_when_idle = std::chrono::seconds(flags.exit_when_idle_seconds);

  spdlog::info("crm-scheduler {} -> {} via the {} adapter", flags.scheduler_id, flags.target,
               flags.adapter);
  crm::scheduler::Scheduler scheduler(api, *adapter, options, g_stop);
  const int code = scheduler.Run();
  spdlog::info("crm-scheduler {} exiting with code {}", flags.scheduler_id, code);
  return code;
}
