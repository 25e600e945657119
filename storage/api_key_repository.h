#ifndef CRM_STORAGE_API_KEY_REPOSITORY_H_
#define CRM_STORAGE_API_KEY_REPOSITORY_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/tenant_admin.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"

namespace crm::storage {

// What authentication needs to know about a key.
struct StoredApiKey {
  std::string key_id;
  std::optional<std::string> tenant_id;  // none for platform-admin keys
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string secret_sha256;  // 32 raw bytes
  bool revoked = false;
};

// API keys: a global lookup table (the key id is known before the tenant is), holding
// only a SHA-256 of each secret.
class ApiKeyRepository {
 public:
  explicit ApiKeyRepository(ConnectionPool& pool) : pool_(pool) {}

  // Stores a new key for `tenant_id` (or a platform key when empty).
  absl::StatusOr<v1::ApiKey> Create(const std::string& key_id, const std::string& tenant_id,
                                    const v1::ApiKey& key, const std::string& secret_sha256,
                                    absl::Time deadline);
  // Registers the bootstrap platform-admin key if its id is not stored yet.
  absl::Status EnsurePlatformKey(const std::string& key_id, const std::string& secret_sha256,
                                 absl::Time deadline);
  // NOT_FOUND when no key has that id.
  absl::StatusOr<StoredApiKey> FindForAuthentication(absl::string_view key_id, absl::Time deadline);
  // Keys of one tenant, oldest first.
  absl::StatusOr<Page<v1::ApiKey>> List(const std::string& tenant_id, bool show_revoked,
                                        const std::optional<ListCursor>& after, int page_size,
                                        absl::Time deadline);
  // Idempotent; NOT_FOUND when the key is not the tenant's.
  absl::StatusOr<v1::ApiKey> Revoke(const std::string& tenant_id, absl::string_view key_id,
                                    absl::Time deadline);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_API_KEY_REPOSITORY_H_
