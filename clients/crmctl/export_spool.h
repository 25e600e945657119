// Messages parked in an unnamed temporary file and read back in order: a CSV export
// learns its columns (the attribute keys) only after the last contact, and must not
// hold millions of contacts in memory meanwhile.
#ifndef CRM_CLIENTS_CRMCTL_EXPORT_SPOOL_H_
#define CRM_CLIENTS_CRMCTL_EXPORT_SPOOL_H_

#include <functional>
#include <memory>

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace crm::crmctl {

class ExportSpool {
 public:
  // A spool in $TMPDIR (else /tmp); the file has no name and vanishes with the spool.
  static absl::StatusOr<std::unique_ptr<ExportSpool>> Create();
  ~ExportSpool();
  ExportSpool(const ExportSpool&) = delete;
  ExportSpool& operator=(const ExportSpool&) = delete;

  absl::Status Append(const google::protobuf::Message& message);
  // Parses each appended message into `scratch`, in order, and calls `visit`; stops
  // at the first error `visit` returns. Call once, after the last Append.
  absl::Status ReadBack(google::protobuf::Message* scratch,
                        const std::function<absl::Status()>& visit);

 private:
  explicit ExportSpool(int fd);

  int fd_;
  std::unique_ptr<google::protobuf::io::FileOutputStream> output_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_EXPORT_SPOOL_H_
