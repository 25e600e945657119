// `demo seed --create-tenant ID`: with the platform-admin key, makes the tenant to seed
// and a TENANT_ADMIN key for it, reusing both on a re-run.
#ifndef CRM_CLIENTS_CRMCTL_DEMO_TENANT_H_
#define CRM_CLIENTS_CRMCTL_DEMO_TENANT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/client/client.h"

namespace crm::crmctl {

struct DemoTenantKey {
  std::string tenant;           // tenants/{id}
  std::string key;              // a TENANT_ADMIN key of it
  std::string key_name;         // tenants/{id}/apiKeys/{key id}, when made now
  bool tenant_created = false;  // by this call
  bool key_created = false;     // a new secret: the caller must save or show it
};

// Creates tenants/{tenant_id} (currency CNY, time zone Asia/Shanghai, like the demo
// tenant of crm-server --demo-data) unless it exists, then returns `existing_key` if it
// is a working key of that tenant (read from an earlier run's --key-out file), else a
// new TENANT_ADMIN key. `admin` carries the platform-admin key.
absl::StatusOr<DemoTenantKey> EnsureDemoTenant(crm::Client& admin, absl::Duration call_timeout,
                                               const std::string& tenant_id, const std::string& display_name,
                                               const std::string& existing_key);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_DEMO_TENANT_H_
