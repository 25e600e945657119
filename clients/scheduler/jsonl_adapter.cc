#include "clients/scheduler/jsonl_adapter.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <utility>

#include "clients/scheduler/delivery_record.h"

namespace crm::scheduler {
namespace {

std::string ErrnoText(const std::string& what, const std::string& path, int error) {
  return what + " " + path + ": " + std::strerror(error);
}

// Closes a file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now; the close(2) result (an NFS write-back error surfaces here).
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

// The delivery_id of a line as FormatDeliveryLine writes it, without a full JSON
// parse; nullopt when the line does not look like that (then the caller parses).
std::optional<std::string> QuickDeliveryId(const std::string& line) {
  static constexpr char kMarker[] = "\"delivery_id\":\"";
  const size_t marker = line.find(kMarker);
  if (marker == std::string::npos) return std::nullopt;
  const size_t begin = marker + sizeof(kMarker) - 1;
  const size_t end = line.find_first_of("\"\\", begin);
  if (end == std::string::npos || line[end] != '"') return std::nullopt;
  return line.substr(begin, end - begin);
}

void ConsiderLine(const std::string& line, const std::set<std::string>& wanted,
                  std::map<std::string, std::optional<google::protobuf::Timestamp>>& found) {
  if (line.empty()) return;
  // Cheap pre-filter: only lines whose id is wanted get the full (validating) parse.
  if (std::optional<std::string> quick = QuickDeliveryId(line);
      quick.has_value() && wanted.count(*quick) == 0) {
    return;
  }
  std::optional<ParsedDeliveryLine> parsed = ParseDeliveryLine(line);
  if (!parsed.has_value() || wanted.count(parsed->delivery_id) == 0) return;
  found[parsed->delivery_id] = parsed->time;
}

}  // namespace

JsonlAdapter::JsonlAdapter(std::string directory) : directory_(std::move(directory)) {}

std::string JsonlAdapter::PrepareDirectory(const std::string& directory) {
  if (directory.empty()) return "--jsonl-dir is required for the jsonl adapter";
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return "cannot create " + directory + ": " + error.message();
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    return ErrnoText("cannot write to", directory, errno);
  }
  return "";
}

std::string JsonlAdapter::PathFor(crm::v1::CampaignChannel channel) const {
  return (std::filesystem::path(directory_) / (ChannelName(channel) + ".jsonl")).string();
}

std::map<std::string, std::optional<google::protobuf::Timestamp>> JsonlAdapter::FindDeliveryIds(
    const std::string& path, const std::set<std::string>& wanted, std::string* error) {
  std::map<std::string, std::optional<google::protobuf::Timestamp>> found;
  if (wanted.empty()) return found;
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno != ENOENT) *error = ErrnoText("cannot open", path, errno);
    return found;
  }
  std::string pending;  // the current line so far
  std::vector<char> buffer(1 << 20);
  while (true) {
    const ssize_t got = ::read(file.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      *error = ErrnoText("cannot read", path, errno);
      return found;
    }
    if (got == 0) break;
    size_t start = 0;
    for (size_t i = 0; i < static_cast<size_t>(got); ++i) {
      if (buffer[i] != '\n') continue;
      pending.append(buffer.data() + start, i - start);
      ConsiderLine(pending, wanted, found);
      pending.clear();
      start = i + 1;
    }
    pending.append(buffer.data() + start, static_cast<size_t>(got) - start);
  }
  // A last line without its newline is a torn or still-running write: not present.
  return found;
}

std::vector<SendOutcome> JsonlAdapter::Send(crm::v1::CampaignChannel channel,
                                            const std::vector<crm::v1::Recipient>& recipients,
                                            const SendContext& context) {
  std::vector<SendOutcome> outcomes(recipients.size());
  const std::string path = PathFor(channel);
  const google::protobuf::Timestamp now = NowTimestamp();
  const auto fail_from = [&](size_t first, const std::string& error) {
    for (size_t k = first; k < outcomes.size(); ++k) {
      if (outcomes[k].sent) continue;
      outcomes[k].error = error;
    }
  };

  // Read-write so the last byte can be checked; every write still goes to the end.
  FileDescriptor file(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (file.get() < 0) {
    fail_from(0, ErrnoText("cannot open", path, errno));
    return outcomes;
  }
  // Schedulers sharing the file take turns (an advisory lock, released by the kernel if
  // the holder dies): the scan and the append are one step, and the torn-tail check
  // below never mistakes another scheduler's write in progress for a torn record.
  // Without flock support the single O_APPEND write still keeps lines whole.
  while (::flock(file.get(), LOCK_EX) != 0 && errno == EINTR) {
  }

  // Retried recipients may have been written by a scheduler that died before reporting.
  std::set<std::string> retried;
  for (const crm::v1::Recipient& recipient : recipients) {
    if (recipient.attempt() > 1) retried.insert(recipient.delivery_id());
  }
  std::map<std::string, std::optional<google::protobuf::Timestamp>> present;
  if (!retried.empty()) {
    std::string error;
    present = FindDeliveryIds(path, retried, &error);
    if (!error.empty()) {
      // Without the scan a retried recipient could be written twice: send nothing.
      fail_from(0, error);
      return outcomes;
    }
  }

  // One buffer for the whole batch; line_end[k] is where recipient k's line ends in it
  // (0 for those not written), so a short write can be attributed line by line.
  std::string batch;
  std::vector<size_t> line_end(recipients.size(), 0);
  std::set<std::string> in_batch;
  for (size_t k = 0; k < recipients.size(); ++k) {
    const crm::v1::Recipient& recipient = recipients[k];
    auto found = present.find(recipient.delivery_id());
    if (found != present.end()) {
      outcomes[k].sent = true;
      outcomes[k].duplicate = true;
      outcomes[k].time = found->second.value_or(now);
      continue;
    }
    if (!in_batch.insert(recipient.delivery_id()).second) {
      // The same delivery twice in one batch: write it once.
      outcomes[k].sent = true;
      outcomes[k].duplicate = true;
      outcomes[k].time = now;
      continue;
    }
    batch += FormatDeliveryLine(recipient, context, now);
    line_end[k] = batch.size();
  }
  if (batch.empty()) return outcomes;

  // A writer that died mid-line left a torn record at the end: start on a fresh line
  // so ours stay parseable. Under the lock no other scheduler is mid-write, so a last
  // byte other than '\n' really is a torn record.
  size_t prefix = 0;
  struct stat info {};
  if (::fstat(file.get(), &info) == 0 && info.st_size > 0) {
    char last = '\n';
    if (::pread(file.get(), &last, 1, info.st_size - 1) == 1 && last != '\n') {
      batch.insert(batch.begin(), '\n');
      prefix = 1;
    }
  }

  size_t written = 0;
  int write_errno = 0;
  while (written < batch.size()) {  // one write(2) unless it comes back short
    const ssize_t wrote = ::write(file.get(), batch.data() + written, batch.size() - written);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      write_errno = errno;
      break;
    }
    if (wrote == 0) {
      write_errno = EIO;
      break;
    }
    written += static_cast<size_t>(wrote);
  }
  ::flock(file.get(), LOCK_UN);  // others may append while this batch is synced

  // Even after a failed write, the lines written in full are in the file (a rescan
  // would find them): make them durable and count them as sent.
  int sync_errno = 0;
  if (written > 0 && ::fsync(file.get()) != 0) sync_errno = errno;
  if (file.Close() != 0 && sync_errno == 0) sync_errno = errno;

  for (size_t k = 0; k < recipients.size(); ++k) {
    if (line_end[k] == 0) continue;
    if (sync_errno == 0 && written >= line_end[k] + prefix) {
      outcomes[k].sent = true;
      outcomes[k].time = now;
    } else if (sync_errno != 0) {
      outcomes[k].error = ErrnoText("cannot sync", path, sync_errno);
    } else {
      outcomes[k].error = ErrnoText("cannot append to", path, write_errno);
    }
  }
  return outcomes;
}

}  // namespace crm::scheduler
