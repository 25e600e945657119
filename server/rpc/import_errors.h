#ifndef CRM_SERVER_RPC_IMPORT_ERRORS_H_
#define CRM_SERVER_RPC_IMPORT_ERRORS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "crm/v1/common.pb.h"

namespace crm::server {

// Rejected rows listed in an import response; error_count counts them all, so a bad
// file cannot make an unbounded response.
inline constexpr int kMaxReportedImportErrors = 1000;

// Records a rejected row of an import stream in `response` (any Import*Response with
// `errors` and `error_count`).
template <typename ImportResponse>
void AddImportRowError(int64_t index, const absl::Status& status, ImportResponse* response) {
  response->set_error_count(response->error_count() + 1);
  if (response->errors_size() >= kMaxReportedImportErrors) return;
  v1::ImportRowError* error = response->add_errors();
  error->set_index(index);
  error->set_code(static_cast<int32_t>(status.code()));
  error->set_message(std::string(status.message()));
}

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_IMPORT_ERRORS_H_
