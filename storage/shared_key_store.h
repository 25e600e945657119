#ifndef CRM_STORAGE_SHARED_KEY_STORE_H_
#define CRM_STORAGE_SHARED_KEY_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"

namespace crm::storage {

// Returns the named platform secret, creating it with `size` random bytes on first
// use. Every replica of the server reads the same value (e.g. the key that signs page
// tokens), so tokens minted by one replica are accepted by the others.
absl::StatusOr<std::string> GetOrCreatePlatformSecret(ConnectionPool& pool, const std::string& name,
                                                      int size, absl::Time deadline);

}  // namespace crm::storage

#endif  // CRM_STORAGE_SHARED_KEY_STORE_H_
