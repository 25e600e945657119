#ifndef CRM_STORAGE_IDEMPOTENCY_H_
#define CRM_STORAGE_IDEMPOTENCY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "storage/transaction.h"

namespace crm::storage {

// AIP-155 request ids. Inside the create's own transaction, records that `request_id`
// produced `resource_id`. When the id was already used for the same method, returns
// the id of the first result instead (the caller then returns that resource and writes
// nothing); a concurrent duplicate waits on the row lock of the first. A request id
// reused for another method is INVALID_ARGUMENT. Empty `request_id`: nothing recorded.
absl::StatusOr<std::optional<std::string>> ClaimRequestId(Transaction& transaction,
                                                          absl::string_view request_id,
                                                          absl::string_view method,
                                                          absl::string_view resource_id);

// The same for platform-level creates (global table, no tenant).
absl::StatusOr<std::optional<std::string>> ClaimPlatformRequestId(Transaction& transaction,
                                                                  absl::string_view request_id,
                                                                  absl::string_view method,
                                                                  absl::string_view resource_id);

}  // namespace crm::storage

#endif  // CRM_STORAGE_IDEMPOTENCY_H_
