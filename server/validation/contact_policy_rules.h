#ifndef CRM_SERVER_VALIDATION_CONTACT_POLICY_RULES_H_
#define CRM_SERVER_VALIDATION_CONTACT_POLICY_RULES_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/v1/tenant_admin.pb.h"

// The tenant's touch cadence (DOMAIN.md "Campaigns", when): how many touches a contact
// may get in a rolling period, and the quiet hours. Pure functions, shared by the
// tenant admin service (validation), the preview and the hand-out.
namespace crm::server {

inline constexpr int kDefaultMaxTouches = 4;
inline constexpr int kDefaultMaxTouchesPerChannel = 2;
inline constexpr int kDefaultContactPeriodDays = 30;

// The policy with defaults applied.
struct EffectiveContactPolicy {
  int max_touches = kDefaultMaxTouches;
  int max_touches_per_channel = kDefaultMaxTouchesPerChannel;
  absl::Duration period = absl::Hours(24 * kDefaultContactPeriodDays);
  std::optional<int> quiet_start_hour;
  std::optional<int> quiet_end_hour;
};

// Zero fields get the defaults, then ranges are checked (INVALID_ARGUMENT naming
// `contact_policy.<field>`).
absl::Status NormalizeContactPolicy(v1::ContactPolicy* policy);

EffectiveContactPolicy EffectivePolicy(const v1::ContactPolicy& policy);

// Whether one more touch on a channel is allowed given the contact's touches in the
// current period, overall and on that channel.
bool TouchAllowed(const EffectiveContactPolicy& policy, int touches, int channel_touches);

// When `now` falls in the quiet hours (in `zone`), the end of them; otherwise nullopt.
std::optional<absl::Time> QuietHoursEnd(const EffectiveContactPolicy& policy, absl::TimeZone zone,
                                        absl::Time now);

}  // namespace crm::server

#endif  // CRM_SERVER_VALIDATION_CONTACT_POLICY_RULES_H_
