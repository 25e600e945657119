#include "storage/shared_key_store.h"

#include <cppconn/resultset.h>
#include <openssl/rand.h>

#include "absl/status/status.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {

absl::StatusOr<std::string> GetOrCreatePlatformSecret(ConnectionPool& pool, const std::string& name,
                                                      int size, absl::Time deadline) {
  std::string candidate(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(candidate.data()), size) != 1) {
    return absl::InternalError("the system random generator failed");
  }
  std::string secret;
  absl::Status status = RunGlobalTransaction(pool, deadline, [&](Transaction& tx) -> absl::Status {
    // Two replicas starting together both try; the loser of the insert reads the winner's.
    tx.InsertUnlessDuplicate(
        "INSERT INTO platform_secrets (secret_name, secret_value, create_time) VALUES (?, ?, ?)",
        {name, candidate, ToSqlDatetime(NowMicros())});
    auto row = tx.Query("SELECT secret_value FROM platform_secrets WHERE secret_name = ?", {name});
    if (!row->next()) return absl::InternalError("platform secret missing after insert");
    secret = row->getString("secret_value");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return secret;
}

}  // namespace crm::storage
