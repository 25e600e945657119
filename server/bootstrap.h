#ifndef CRM_SERVER_BOOTSTRAP_H_
#define CRM_SERVER_BOOTSTRAP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"

namespace crm::server {

// Reads the platform-admin key from `path`, or creates the file (mode 0600, never
// overwriting) with a fresh random key, and registers the key's hash in the database.
// Returns true when the file was created now.
absl::StatusOr<bool> EnsureBootstrapAdminKey(storage::ConnectionPool& pool, const std::string& path);

// Creates the "demo" tenant with a TENANT_ADMIN key (written to `key_path`, 0600),
// a few accounts and contacts, unless it exists already.
absl::Status SeedDemoData(storage::ConnectionPool& pool, const std::string& key_path);

}  // namespace crm::server

#endif  // CRM_SERVER_BOOTSTRAP_H_
