#include "server/validation/resource_name.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "storage/ids.h"
#include "storage/tenant_id.h"

namespace crm::server {
namespace {

std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, 100)), "\"");
}

}  // namespace

absl::StatusOr<std::string> ParseResourceId(absl::string_view field, absl::string_view name,
                                            absl::string_view collection) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, collection) || !absl::ConsumePrefix(&id, "/") ||
      !storage::IsResourceId(id)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", Quoted(name), " is not a ",
                                                   collection, "/{id} resource name"));
  }
  return std::string(id);
}

absl::StatusOr<std::string> ParseTenantName(absl::string_view field, absl::string_view name) {
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, "tenants/") || !storage::TenantId::IsValid(id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", Quoted(name), " is not a tenants/{tenant} resource name"));
  }
  return std::string(id);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseApiKeyName(absl::string_view field,
                                                                   absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "tenants" || !storage::TenantId::IsValid(parts[1]) ||
      parts[2] != "apiKeys" || parts[3].empty() || parts[3].size() > 32 ||
      !std::all_of(parts[3].begin(), parts[3].end(),
                   [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); })) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", Quoted(name), " is not a tenants/{tenant}/apiKeys/{key} resource name"));
  }
  return std::make_pair(std::string(parts[1]), std::string(parts[3]));
}

absl::StatusOr<std::pair<std::string, int>> ParseCampaignRunName(absl::string_view field,
                                                                 absl::string_view name) {
  const size_t runs = name.find("/runs/");
  int run = 0;
  if (runs == absl::string_view::npos || !absl::SimpleAtoi(name.substr(runs + 6), &run) || run < 1 ||
      name.substr(runs + 6).find_first_not_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected campaigns/{campaign}/runs/{run}, got \"",
                     absl::CHexEscape(name.substr(0, 100)), "\""));
  }
  absl::StatusOr<std::string> campaign = ParseResourceId(field, name.substr(0, runs), "campaigns");
  if (!campaign.ok()) return campaign.status();
  return std::make_pair(*std::move(campaign), run);
}

}  // namespace crm::server
