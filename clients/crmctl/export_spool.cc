#include "clients/crmctl/export_spool.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <google/protobuf/util/delimited_message_util.h>

#include "absl/strings/str_cat.h"

namespace crm::crmctl {

absl::StatusOr<std::unique_ptr<ExportSpool>> ExportSpool::Create() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp",
                                     "/crmctl-export-XXXXXX");
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot create a temporary file in ", pattern, ": ", std::strerror(errno)));
  }
  unlink(path.data());  // nameless from now on: nothing to clean up, even after a crash
  return std::unique_ptr<ExportSpool>(new ExportSpool(fd));
}

ExportSpool::ExportSpool(int fd)
    : fd_(fd), output_(std::make_unique<google::protobuf::io::FileOutputStream>(fd)) {}

ExportSpool::~ExportSpool() {
  output_.reset();
  close(fd_);
}

absl::Status ExportSpool::Append(const google::protobuf::Message& message) {
  if (output_ == nullptr ||
      !google::protobuf::util::SerializeDelimitedToZeroCopyStream(message, output_.get())) {
    return absl::DataLossError("writing the export's temporary file failed (disk full?)");
  }
  return absl::OkStatus();
}

absl::Status ExportSpool::ReadBack(google::protobuf::Message* scratch,
                                   const std::function<absl::Status()>& visit) {
  if (output_ == nullptr || !output_->Flush()) {
    return absl::DataLossError("writing the export's temporary file failed (disk full?)");
  }
  output_.reset();
  if (lseek(fd_, 0, SEEK_SET) != 0) {
    return absl::DataLossError("rereading the export's temporary file failed");
  }
  google::protobuf::io::FileInputStream input(fd_);
  for (;;) {
    bool clean_eof = false;
    scratch->Clear();
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(scratch, &input, &clean_eof)) {
      if (clean_eof) return absl::OkStatus();
      return absl::DataLossError("rereading the export's temporary file failed");
    }
    if (absl::Status status = visit(); !status.ok()) return status;
  }
}

}  // namespace crm::crmctl
