#ifndef CRM_STORAGE_TENANT_ID_H_
#define CRM_STORAGE_TENANT_ID_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"

namespace crm::storage {

// The tenant a repository call is scoped to. It can only be made from a non-empty,
// well-formed id, so there is no "null tenant" that could drop a WHERE clause: every
// repository method takes one, and every tenant-table statement binds it.
class TenantId {
 public:
  // Ids are 3..40 characters: lower-case letters, digits and '-', starting with a
  // letter (the `{tenant}` part of `tenants/{tenant}`).
  static absl::StatusOr<TenantId> Make(absl::string_view id);
  static bool IsValid(absl::string_view id);

  const std::string& value() const { return value_; }
  bool operator==(const TenantId& other) const = default;

 private:
  explicit TenantId(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_TENANT_ID_H_
