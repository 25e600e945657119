#include "storage/tenant_id.h"

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace crm::storage {

bool TenantId::IsValid(absl::string_view id) {
  if (id.size() < 3 || id.size() > 40) return false;
  if (id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<TenantId> TenantId::Make(absl::string_view id) {
  if (!IsValid(id)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tenant id must be 3..40 characters of a-z, 0-9 and '-', starting with a letter"));
  }
  return TenantId(std::string(id));
}

}  // namespace crm::storage
