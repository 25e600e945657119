#ifndef CRM_SERVER_VALIDATION_LEAD_RULES_H_
#define CRM_SERVER_VALIDATION_LEAD_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/v1/lead.pb.h"
#include "crm/v1/tenant_admin.pb.h"

// The prospect pipeline's rules (DOMAIN.md, "Prospects"): what a lead must hold, and
// how follow-ups, conversion and invalidation change it. Pure functions over the
// messages, so the service and the tests share one definition.
namespace crm::server {

inline constexpr int kDefaultLeadNoContactDays = 30;
inline constexpr int kDefaultLeadRevisitDays = 90;

// Zero fields get the defaults; each must then be 1..3650 days.
absl::Status NormalizeLeadPolicy(v1::LeadPolicy* policy);
// The policy's periods (zero fields: defaults).
absl::Duration LeadNoContactPeriod(const v1::LeadPolicy& policy);
absl::Duration LeadRevisitPeriod(const v1::LeadPolicy& policy);

// Contact reference, source and intent (required), text lengths, a real intended
// purchase date, and the follow-up plan: a method is required with a time (and
// cleared without one); the time must not be before `not_before` (the lead's
// creation, less 5 minutes of clock skew).
absl::Status NormalizeLead(absl::Time not_before, v1::Lead* lead);

// Method and outcome required; time defaults to `now`, at most 5 minutes ahead;
// text lengths.
absl::Status NormalizeFollowUp(absl::Time now, v1::LeadFollowUp* follow_up);

// The next follow-up asked for with a follow-up: unset time means none planned.
struct FollowUpPlan {
  std::optional<absl::Time> time;
  v1::LeadFollowUp::Method method = v1::LeadFollowUp::METHOD_UNSPECIFIED;
};
// INVALID_ARGUMENT unless the plan is empty, or has a method and a time after
// `after` (the follow-up's own time).
absl::Status CheckFollowUpPlan(const FollowUpPlan& plan, absl::Time after);

// What a recorded follow-up does to its lead: counts it; a reaching outcome sets the
// first and last reach times; DECLINED invalidates (reason DECLINED); reaching an
// INVALID lead reactivates it; an INVALID lead that stays INVALID is due for a revisit
// the policy's revisit period after this follow-up and keeps no plan; otherwise the
// plan replaces the lead's. A CONVERTED lead is FAILED_PRECONDITION.
absl::Status ApplyFollowUp(const v1::LeadFollowUp& follow_up, const FollowUpPlan& plan,
                           const v1::LeadPolicy& policy, v1::Lead* lead);

// ACTIVE or INVALID -> CONVERTED at `convert_time` (by `purchase`, a resource name or
// empty; never recorded before the lead's creation), dropping the plan and the
// invalidation. A CONVERTED lead is FAILED_PRECONDITION; so is a conversion time more
// than storage::kConversionClockSkew before the lead's creation.
absl::Status ApplyConversion(absl::Time convert_time, const std::string& purchase, v1::Lead* lead);

// ACTIVE -> INVALID for `reason` (required) with `note` (0..1000 characters), due for
// a revisit after the policy's period; the plan is dropped. Anything but ACTIVE is
// FAILED_PRECONDITION.
absl::Status ApplyInvalidation(v1::Lead::InvalidReason reason, const std::string& note,
                               absl::Time now, const v1::LeadPolicy& policy, v1::Lead* lead);

// The fields UpdateLead's mask may name.
const std::vector<std::string>& LeadWritablePaths();

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_LEAD_RULES_H_
