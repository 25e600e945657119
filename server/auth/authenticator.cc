#include "server/auth/authenticator.h"

#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/auth/api_key_codec.h"

namespace crm::server {
namespace {

constexpr size_t kMaxCacheEntries = 100000;

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError(
      "missing or invalid API key: send metadata `authorization: Bearer crm_<key id>_<secret>` "
      "with an active key");
}

}  // namespace

absl::StatusOr<Authenticator::CacheEntry> Authenticator::Load(absl::string_view key_id,
                                                              absl::Time deadline) {
  {
    absl::MutexLock lock(&mutex_);
    auto it = cache_.find(key_id);
    if (it != cache_.end() && it->second.expires > absl::Now()) return it->second;
  }
  absl::StatusOr<storage::StoredApiKey> key = keys_.FindForAuthentication(key_id, deadline);
  if (absl::IsNotFound(key.status())) return Unauthenticated();
  if (!key.ok()) return key.status();
  CacheEntry entry{*key, {}, absl::Now() + cache_ttl_};
  if (key->tenant_id) {
    absl::StatusOr<v1::Tenant> tenant = tenants_.Get(*key->tenant_id, deadline);
    if (absl::IsNotFound(tenant.status())) return Unauthenticated();
    if (!tenant.ok()) return tenant.status();
    entry.tenant = *std::move(tenant);
  }
  absl::MutexLock lock(&mutex_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();  // bound memory under key spraying
  cache_[key_id] = entry;
  return entry;
}

absl::StatusOr<Principal> Authenticator::Authenticate(absl::string_view authorization_header,
                                                      absl::Time deadline) {
  absl::string_view token = authorization_header;
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return Unauthenticated();
  }
  std::optional<ParsedApiKey> parsed = ParseApiKey(token);
  if (!parsed) return Unauthenticated();
  absl::StatusOr<CacheEntry> entry = Load(parsed->key_id, deadline);
  if (!entry.ok()) return entry.status();
  if (entry->key.revoked || !SecretMatches(parsed->secret, entry->key.secret_sha256)) {
    return Unauthenticated();
  }
  Principal principal;
  principal.key_id = entry->key.key_id;
  principal.role = entry->key.role;
  if (entry->key.tenant_id) {
    if (entry->tenant.state() == v1::Tenant::STATE_SUSPENDED) {
      return absl::PermissionDeniedError(
          "the tenant of this API key is suspended; contact the platform operator");
    }
    absl::StatusOr<storage::TenantId> tenant = storage::TenantId::Make(*entry->key.tenant_id);
    if (!tenant.ok()) return Unauthenticated();
    principal.tenant = *std::move(tenant);
    principal.tenant_settings = entry->tenant;
  }
  return principal;
}

void Authenticator::InvalidateKey(absl::string_view key_id) {
  absl::MutexLock lock(&mutex_);
  cache_.erase(key_id);
}

void Authenticator::InvalidateTenant(absl::string_view tenant_id) {
  absl::MutexLock lock(&mutex_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    auto current = it++;
    if (current->second.key.tenant_id == tenant_id) cache_.erase(current);
  }
}

}  // namespace crm::server
