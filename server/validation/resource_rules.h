#ifndef CRM_SERVER_VALIDATION_RESOURCE_RULES_H_
#define CRM_SERVER_VALIDATION_RESOURCE_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "crm/v1/account.pb.h"
#include "crm/v1/complaint.pb.h"
#include "crm/v1/contact.pb.h"
#include "crm/v1/interaction.pb.h"
#include "crm/v1/purchase.pb.h"
#include "crm/v1/tenant_admin.pb.h"

// Whole-resource rules, applied to a resource as it will be stored: on create to the
// request's resource, on update to the result of merging the update mask. Each
// fills defaults, normalises values and returns INVALID_ARGUMENT naming the field.
namespace crm::server {

inline constexpr int kMaxContactEmails = 10;
inline constexpr int kMaxContactPhones = 10;

// Quota defaults and limits (TenantQuotas in the proto).
inline constexpr int kDefaultRequestsPerSecond = 200;
inline constexpr int kDefaultConcurrentStreams = 16;
inline constexpr int64_t kDefaultMaxContacts = 1'000'000;

absl::Status NormalizeTenant(v1::Tenant* tenant);
absl::Status NormalizeAccount(const std::string& tenant_currency, v1::Account* account);
// `previous` is the stored contact on update (null on create): consents whose state
// did not change keep their time; changed ones without a time get "now".
absl::Status NormalizeContact(const v1::Contact* previous, v1::Contact* contact);

inline constexpr int64_t kMaxPurchaseQuantity = 1'000'000;

// Contact reference, time (not in the future beyond 5 minutes of skew), money in the
// tenant's currency (amount >= 0, margin may be negative), quantity (0 -> 1), type
// (UNSPECIFIED -> PURCHASE).
absl::Status NormalizePurchase(const std::string& tenant_currency, v1::Purchase* purchase);

// Contact reference, type (required), direction, lengths, satisfaction score 0..10 and
// only on surveys, time (not in the future beyond 5 minutes of skew).
absl::Status NormalizeInteraction(v1::Interaction* interaction);

// The survivor of a merge: keeps its own values; takes the merged contact's value for
// each field it leaves empty (names, birthday, address, account, owner, store, source,
// external id, consents of other channels); gains the merged contact's emails, phones,
// tags and attributes up to the limits (its own first). Then normalised as an update.
absl::Status CombineContacts(const v1::Contact& merged, v1::Contact* survivor);

// Contact reference, category (required, 1..100), severity (required), texts up to
// 4000 characters, satisfaction score 0..10.
absl::Status NormalizeComplaint(v1::Complaint* complaint);
// The response-time target for `severity` under `policy` (zero fields: defaults).
absl::Duration ComplaintResponseTime(const v1::ComplaintPolicy& policy,
                                     v1::Complaint::Severity severity);
// OPEN -> IN_PROGRESS -> RESOLVED -> CLOSED and RESOLVED -> IN_PROGRESS; staying is
// allowed. Anything else is FAILED_PRECONDITION naming both states.
absl::Status CheckComplaintTransition(v1::Complaint::Status from, v1::Complaint::Status to);

// The fields an update mask may name.
const std::vector<std::string>& TenantWritablePaths();
const std::vector<std::string>& AccountWritablePaths();
const std::vector<std::string>& ContactWritablePaths();
const std::vector<std::string>& ComplaintWritablePaths();

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_RESOURCE_RULES_H_
