#ifndef CRM_SERVER_AUTH_AUTHENTICATOR_H_
#define CRM_SERVER_AUTH_AUTHENTICATOR_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/principal.h"
#include "storage/api_key_repository.h"
#include "storage/tenant_repository.h"

namespace crm::server {

// Turns `authorization: Bearer <key>` into a Principal. Missing, malformed, unknown or
// revoked keys are UNAUTHENTICATED (one message for all, so nothing is learnt about
// which keys exist); a suspended tenant's keys are PERMISSION_DENIED.
//
// Lookups are cached for `cache_ttl` per key id (the key id is known before any
// tenant, so it is the cache key; the entry holds the tenant it resolved to). Changes
// made through this process (revocation, suspension) invalidate the entries at once;
// other replicas see them within the TTL.
class Authenticator {
 public:
  Authenticator(storage::ApiKeyRepository& keys, storage::TenantRepository& tenants,
                absl::Duration cache_ttl = absl::Seconds(5))
      : keys_(keys), tenants_(tenants), cache_ttl_(cache_ttl) {}

  absl::StatusOr<Principal> Authenticate(absl::string_view authorization_header, absl::Time deadline);

  void InvalidateKey(absl::string_view key_id);
  void InvalidateTenant(absl::string_view tenant_id);

 private:
  struct CacheEntry {
    storage::StoredApiKey key;
    v1::Tenant tenant;  // empty for platform keys
    absl::Time expires;
  };

  absl::StatusOr<CacheEntry> Load(absl::string_view key_id, absl::Time deadline);

  storage::ApiKeyRepository& keys_;
  storage::TenantRepository& tenants_;
  const absl::Duration cache_ttl_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, CacheEntry> cache_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace crm::server

#endif  // CRM_SERVER_AUTH_AUTHENTICATOR_H_
