#include "clients/scheduler/command_adapter.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "clients/scheduler/delivery_record.h"
#include "clients/scheduler/text_util.h"

extern char** environ;

namespace crm::scheduler {
namespace {

constexpr size_t kStderrKeep = 4096;      // bytes of stderr kept
constexpr size_t kStderrReport = 400;     // characters of it put in error messages
constexpr int kPollSliceMs = 10;          // how often a child's exit is noticed

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void SetNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Reads what is available from a non-blocking fd into the tail buffer. Closes the fd
// on EOF or error.
void DrainInto(int& fd, std::string& tail) {
  char buffer[4096];
  while (fd >= 0) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      tail.append(buffer, static_cast<size_t>(got));
      if (tail.size() > kStderrKeep) tail.erase(0, tail.size() - kStderrKeep);
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    CloseFd(fd);  // EOF or a real error
  }
}

void WaitFor(pid_t pid, int* status) {
  while (::waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

// Keeps SIGPIPE (from writing to a command that stopped reading) off the process for
// the lifetime of the object, on this thread, whatever the process disposition is.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set_, nullptr, &zero) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t pipe_set_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra_env) {
  std::set<std::string> overridden;
  for (const std::string& entry : extra_env) overridden.insert(entry.substr(0, entry.find('=')));
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text(*entry);
    if (overridden.count(text.substr(0, text.find('='))) == 0) env.push_back(std::move(text));
  }
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  return env;
}

}  // namespace

CommandAdapter::CommandAdapter(std::string command, std::chrono::milliseconds timeout)
    : command_(std::move(command)), timeout_(timeout) {}

CommandResult CommandAdapter::Run(const std::string& input,
                                  const std::vector<std::string>& extra_env) const {
  CommandResult result;
  std::vector<std::string> env_strings = ChildEnvironment(extra_env);
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string arg0 = "sh", arg1 = "-c", arg2 = command_;
  char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};

  int stdin_pipe[2] = {-1, -1};
  int stderr_pipe[2] = {-1, -1};
  if (::pipe2(stdin_pipe, O_CLOEXEC) != 0 || ::pipe2(stderr_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = std::string("pipe: ") + std::strerror(errno);
    for (int* fd : {&stdin_pipe[0], &stdin_pipe[1], &stderr_pipe[0], &stderr_pipe[1]}) CloseFd(*fd);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, stdin_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stderr_pipe[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Own process group (a timeout kills the command and everything it started; a
  // Ctrl-C meant for the scheduler does not cut the batch short), clean signal state.
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigmask(&attributes, &empty_mask);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    sigaddset(&default_signals, signal_number);
  }
  posix_spawnattr_setsigdefault(&attributes, &default_signals);

  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  CloseFd(stdin_pipe[0]);
  CloseFd(stderr_pipe[1]);
  int to_child = stdin_pipe[1];
  int from_child = stderr_pipe[0];
  if (spawned != 0) {
    result.spawn_error = std::string("cannot run /bin/sh: ") + std::strerror(spawned);
    CloseFd(to_child);
    CloseFd(from_child);
    return result;
  }
  SetNonBlocking(to_child);
  SetNonBlocking(from_child);

  const SigpipeGuard sigpipe_guard;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  size_t offset = 0;
  if (input.empty()) CloseFd(to_child);
  int status = 0;
  bool reaped = false;
  while (true) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      // Whatever it wrote is in the pipe now; a background grandchild holding stderr
      // open does not keep us waiting.
      DrainInto(from_child, result.stderr_tail);
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd fds[2];
    nfds_t count = 0;
    if (to_child >= 0) fds[count++] = {to_child, POLLOUT, 0};
    if (from_child >= 0) fds[count++] = {from_child, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const int wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 1, kPollSliceMs));
    if (::poll(fds, count, wait_ms) < 0 && errno != EINTR) break;
    if (to_child >= 0) {
      const ssize_t wrote = ::write(to_child, input.data() + offset, input.size() - offset);
      if (wrote > 0) {
        offset += static_cast<size_t>(wrote);
        if (offset == input.size()) CloseFd(to_child);  // EOF: the batch is complete
      } else if (wrote < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        CloseFd(to_child);  // EPIPE: it stopped reading; its exit status decides
      }
    }
    if (from_child >= 0) DrainInto(from_child, result.stderr_tail);
  }
  CloseFd(to_child);
  if (!reaped) WaitFor(pid, &status);
  DrainInto(from_child, result.stderr_tail);
  CloseFd(from_child);
  if (!result.timed_out) {
    if (WIFEXITED(status)) {
      result.exited = true;
      result.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.signal = WTERMSIG(status);
    }
  }
  return result;
}

std::string CommandAdapter::Describe(const CommandResult& result) {
  std::string what;
  if (!result.spawn_error.empty()) return result.spawn_error;
  if (result.timed_out) {
    what = "command timed out and was killed";
  } else if (result.exited) {
    what = "command exited with status " + std::to_string(result.exit_status);
  } else {
    what = "command killed by signal " + std::to_string(result.signal);
  }
  // Cut at a line start when possible so the tail does not begin mid-character.
  std::string tail = result.stderr_tail;
  if (tail.size() >= kStderrKeep) {
    const size_t newline = tail.find('\n');
    if (newline != std::string::npos && newline + 1 < tail.size()) tail.erase(0, newline + 1);
  }
  tail = TrimWhitespace(Utf8Tail(tail, kStderrReport));
  if (!tail.empty()) what += ": " + tail;
  return what;
}

std::vector<SendOutcome> CommandAdapter::Send(crm::v1::CampaignChannel channel,
                                              const std::vector<crm::v1::Recipient>& recipients,
                                              const SendContext& context) {
  const google::protobuf::Timestamp now = NowTimestamp();
  std::string input;
  for (const crm::v1::Recipient& recipient : recipients) {
    input += FormatDeliveryLine(recipient, context, now);
  }
  const CommandResult result =
      Run(input, {"CRM_CHANNEL=" + ChannelName(channel), "CRM_RUN=" + context.run,
                  "CRM_SCHEDULER_ID=" + context.scheduler_id});
  std::vector<SendOutcome> outcomes(recipients.size());
  const bool ok = result.spawn_error.empty() && result.exited && result.exit_status == 0;
  const std::string error = ok ? "" : Describe(result);
  for (SendOutcome& outcome : outcomes) {
    outcome.sent = ok;
    outcome.error = error;
    if (ok) outcome.time = now;
  }
  return outcomes;
}

}  // namespace crm::scheduler
