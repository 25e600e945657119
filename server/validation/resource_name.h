#ifndef CRM_SERVER_VALIDATION_RESOURCE_NAME_H_
#define CRM_SERVER_VALIDATION_RESOURCE_NAME_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"

namespace crm::server {

// The id in `{collection}/{id}` for server-generated ids (e.g. "contacts/01j..."). A
// malformed name is INVALID_ARGUMENT naming `field`; a well-formed name of a resource
// that does not exist (or is another tenant's) is left to storage: NOT_FOUND.
absl::StatusOr<std::string> ParseResourceId(absl::string_view field, absl::string_view name,
                                            absl::string_view collection);

// The tenant id in `tenants/{tenant}`.
absl::StatusOr<std::string> ParseTenantName(absl::string_view field, absl::string_view name);

// Tenant and key ids in `tenants/{tenant}/apiKeys/{key}`.
absl::StatusOr<std::pair<std::string, std::string>> ParseApiKeyName(absl::string_view field,
                                                                   absl::string_view name);

// Campaign id and run number in `campaigns/{campaign}/runs/{run}` (run ≥ 1).
absl::StatusOr<std::pair<std::string, int>> ParseCampaignRunName(absl::string_view field,
                                                                 absl::string_view name);

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_RESOURCE_NAME_H_
