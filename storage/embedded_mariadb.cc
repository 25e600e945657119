#include "storage/embedded_mariadb.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/time/clock.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/connection.h"

namespace crm::storage {
namespace {

namespace fs = std::filesystem;

// sun_path is 108 bytes on Linux.
constexpr size_t kMaxSocketPath = 107;

std::string FindExecutable(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) dirs = absl::StrSplit(path, ':', absl::SkipEmpty());
  // mariadbd lives in /usr/sbin, which is not on every user's PATH.
  dirs.push_back("/usr/sbin");
  dirs.push_back("/usr/bin");
  for (const std::string& dir : dirs) {
    std::string candidate = absl::StrCat(dir, "/", name);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Forks and execs `argv` with stdout/stderr appended to `log_path`. The child gets
// SIGTERM if the parent dies, so a crashed server or test leaves no database behind.
// `tmp_dir` becomes the child's TMPDIR: MariaDB's bootstrap otherwise puts temporary
// tables in /tmp, where concurrent installs (parallel test binaries) trip over each other.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log_path,
                            const std::string& tmp_dir) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // The environment is built before fork: only async-signal-safe calls may follow it.
  std::vector<std::string> env_strings = {absl::StrCat("TMPDIR=", tmp_dir)};
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, "TMPDIR=", 7) != 0) env_strings.push_back(*entry);
  }
  std::vector<char*> env;
  for (std::string& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);
  const pid_t parent = getpid();
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return absl::InternalError(absl::StrCat("cannot open ", log_path));
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("fork failed: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  close(log_fd);
  return pid;
}

std::string TailOfFile(const std::string& path, size_t max_bytes = 2000) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = text.substr(text.size() - max_bytes);
  return text;
}

bool ProcessAlive(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == 0;
}

std::string CurrentUserName() {
  return geteuid() == 0 ? "root" : "";
}

absl::Status InitialiseDataDir(const std::string& data_dir, const std::string& log_path,
                               const std::string& tmp_dir) {
  const std::string install_db = FindExecutable("mariadb-install-db");
  if (install_db.empty()) {
    return absl::FailedPreconditionError(
        "mariadb-install-db not found: install the mariadb-server package "
        "(deploy/install-deps.sh) or pass --mysql");
  }
  std::vector<std::string> argv = {install_db,
                                   "--no-defaults",
                                   absl::StrCat("--datadir=", data_dir),
                                   "--auth-root-authentication-method=normal",
                                   "--skip-test-db",
                                   absl::StrCat("--tmpdir=", tmp_dir),
                                   "--skip-name-resolve"};
  if (!CurrentUserName().empty()) argv.push_back(absl::StrCat("--user=", CurrentUserName()));
  absl::StatusOr<pid_t> pid = Spawn(argv, log_path, tmp_dir);
  if (!pid.ok()) return pid.status();
  int status = 0;
  waitpid(*pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("mariadb-install-db failed; log ", log_path, ":\n",
                                            TailOfFile(log_path)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedMariaDb>> EmbeddedMariaDb::Start(
    EmbeddedMariaDbOptions options) {
  std::error_code error;
  const fs::path base = fs::absolute(options.base_dir, error);
  fs::create_directories(base, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", base.string(), ": ", error.message()));
  }
  // Root over the socket has no password: the directory's mode is the access control.
  chmod(base.c_str(), 0700);
  const std::string data_dir = (base / "data").string();
  const std::string socket = (base / "mysqld.sock").string();
  const std::string pid_file = (base / "mysqld.pid").string();
  const std::string log_path = (base / "mysqld.err").string();
  const std::string tmp_dir = (base / "tmp").string();
  fs::create_directories(tmp_dir, error);
  if (socket.size() > kMaxSocketPath) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory path too long for a Unix socket (", socket.size(), " > ", kMaxSocketPath,
        " bytes): choose a shorter --data-dir"));
  }
  if (std::ifstream pid_in(pid_file); pid_in) {
    pid_t old_pid = 0;
    if (pid_in >> old_pid && old_pid > 0 && kill(old_pid, 0) == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "a mariadbd (pid ", old_pid, ") is still running on ", base.string(),
          ": another crm-server uses this --data-dir, or stop that process"));
    }
  }
  if (!fs::exists(fs::path(data_dir) / "mysql")) {
    if (absl::Status status = InitialiseDataDir(data_dir, log_path, tmp_dir); !status.ok()) {
      return status;
    }
  }

  const std::string mariadbd = FindExecutable("mariadbd");
  if (mariadbd.empty()) {
    return absl::FailedPreconditionError(
        "mariadbd not found on PATH or in /usr/sbin: install mariadb-server "
        "(deploy/install-deps.sh) or pass --mysql");
  }
  std::vector<std::string> argv = {
      mariadbd,
      "--no-defaults",
      absl::StrCat("--datadir=", data_dir),
      absl::StrCat("--socket=", socket),
      absl::StrCat("--pid-file=", pid_file),
      absl::StrCat("--log-error=", log_path),
      absl::StrCat("--tmpdir=", tmp_dir),
      "--skip-networking",
      "--skip-name-resolve",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
      "--default-storage-engine=InnoDB",
      "--max-connections=500",
  };
  if (!CurrentUserName().empty()) argv.push_back(absl::StrCat("--user=", CurrentUserName()));
  // A CRM's working set is its indexes: the 128 MiB default buffer pool turns a
  // multi-million-row import into random I/O (seen in import_bench at 10M rows).
  argv.push_back(absl::StrCat("--innodb-buffer-pool-size=", options.ephemeral ? 64 : options.buffer_pool_mib, "M"));
  if (options.ephemeral) {
    argv.push_back("--innodb-flush-log-at-trx-commit=0");
    argv.push_back("--innodb-doublewrite=0");
    argv.push_back("--innodb-log-file-size=32M");
    argv.push_back("--performance-schema=OFF");
  }
  std::unique_ptr<EmbeddedMariaDb> db(new EmbeddedMariaDb());
  db->error_log_ = log_path;
  db->endpoint_.unix_socket = socket;
  db->endpoint_.user = "root";
  db->endpoint_.database = "mysql";
  absl::StatusOr<pid_t> pid = Spawn(argv, log_path, tmp_dir);
  if (!pid.ok()) return pid.status();
  db->pid_ = *pid;

  const absl::Time give_up = absl::Now() + options.start_timeout;
  absl::Status last = absl::UnavailableError("not started");
  while (absl::Now() < give_up) {
    if (!ProcessAlive(db->pid_)) {
      db->pid_ = -1;
      return absl::InternalError(
          absl::StrCat("mariadbd exited during start-up; log ", log_path, ":\n", TailOfFile(log_path)));
    }
    if (fs::exists(socket)) {
      ConnectionOptions connect;
      connect.connect_timeout = absl::Seconds(2);
      absl::StatusOr<std::unique_ptr<Connection>> connection = Connection::Open(db->endpoint_, connect);
      if (connection.ok()) {
        try {
          (*connection)->ExecuteUnprepared(absl::StrCat(
              "CREATE DATABASE IF NOT EXISTS `", options.database,
              "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
        } catch (const std::exception& e) {
          return absl::InternalError(absl::StrCat("cannot create database: ", e.what()));
        }
        db->endpoint_.database = options.database;
        return db;
      }
      last = connection.status();
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat("mariadbd did not accept connections within ",
                                                  absl::FormatDuration(options.start_timeout),
                                                  ": ", last.message(), "\n", TailOfFile(log_path)));
}

absl::Status EmbeddedMariaDb::Stop() {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  int status = 0;
  while (absl::Now() < give_up) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || done < 0) {
      pid_ = -1;
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return absl::DeadlineExceededError("mariadbd did not stop within 60s and was killed");
}

EmbeddedMariaDb::~EmbeddedMariaDb() { Stop().IgnoreError(); }

}  // namespace crm::storage
