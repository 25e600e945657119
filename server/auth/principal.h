#ifndef CRM_SERVER_AUTH_PRINCIPAL_H_
#define CRM_SERVER_AUTH_PRINCIPAL_H_

#include <optional>
#include <string>

#include "crm/v1/tenant_admin.pb.h"
#include "storage/tenant_id.h"

namespace crm::server {

// Who is calling, as established from the API key alone.
struct Principal {
  std::string key_id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  // The key's tenant; empty for platform-admin keys, which reach no tenant's data.
  std::optional<storage::TenantId> tenant;
  // Settings of that tenant the services need (currency, time zone), as cached.
  v1::Tenant tenant_settings;
};

}  // namespace crm::server

#endif  // CRM_SERVER_AUTH_PRINCIPAL_H_
