#include "storage/idempotency.h"

#include <cppconn/resultset.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/row_codec.h"

namespace crm::storage {
namespace {

absl::StatusOr<std::optional<std::string>> Claim(Transaction& transaction, bool per_tenant,
                                                 absl::string_view request_id,
                                                 absl::string_view method,
                                                 absl::string_view resource_id) {
  if (request_id.empty()) return std::nullopt;
  const std::string now = ToSqlDatetime(NowMicros());
  std::vector<SqlValue> key;
  if (per_tenant) key.push_back(transaction.tenant().value());
  key.push_back(std::string(request_id));
  std::vector<SqlValue> insert = key;
  insert.push_back(std::string(method));
  insert.push_back(std::string(resource_id));
  insert.push_back(now);
  const bool inserted = transaction.InsertUnlessDuplicate(
      per_tenant ? "INSERT INTO request_ids (tenant_id, request_id, method, resource_name, "
                   "create_time) VALUES (?, ?, ?, ?, ?)"
                 : "INSERT INTO platform_request_ids (request_id, method, resource_name, "
                   "create_time) VALUES (?, ?, ?, ?)",
      insert);
  if (inserted) return std::nullopt;
  auto row = transaction.Query(
      per_tenant ? "SELECT method, resource_name FROM request_ids WHERE tenant_id = ? AND "
                   "request_id = ?"
                 : "SELECT method, resource_name FROM platform_request_ids WHERE request_id = ?",
      key);
  if (!row->next()) return absl::AbortedError("request_id record vanished; retry the call");
  if (std::string(row->getString("method")) != method) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_id: \"", request_id, "\" was already used for ", std::string(row->getString("method")),
        "; use a new UUID for each distinct request"));
  }
  return std::string(row->getString("resource_name"));
}

}  // namespace

absl::StatusOr<std::optional<std::string>> ClaimRequestId(Transaction& transaction,
                                                          absl::string_view request_id,
                                                          absl::string_view method,
                                                          absl::string_view resource_id) {
  return Claim(transaction, /*per_tenant=*/true, request_id, method, resource_id);
}

absl::StatusOr<std::optional<std::string>> ClaimPlatformRequestId(Transaction& transaction,
                                                                  absl::string_view request_id,
                                                                  absl::string_view method,
                                                                  absl::string_view resource_id) {
  return Claim(transaction, /*per_tenant=*/false, request_id, method, resource_id);
}

}  // namespace crm::storage
