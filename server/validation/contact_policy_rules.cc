#include "server/validation/contact_policy_rules.h"

#include "server/validation/field_rules.h"
#include "server/validation/status_macros.h"

namespace crm::server {

absl::Status NormalizeContactPolicy(v1::ContactPolicy* policy) {
  if (policy->max_touches() == 0) policy->set_max_touches(kDefaultMaxTouches);
  if (policy->period_days() == 0) policy->set_period_days(kDefaultContactPeriodDays);
  CRM_RETURN_IF_ERROR(CheckIntRange("contact_policy.max_touches", policy->max_touches(), 1, 1000));
  if (policy->max_touches_per_channel() == 0) {
    policy->set_max_touches_per_channel(std::min(kDefaultMaxTouchesPerChannel, policy->max_touches()));
  }
  CRM_RETURN_IF_ERROR(CheckIntRange("contact_policy.max_touches_per_channel",
                                    policy->max_touches_per_channel(), 1, policy->max_touches()));
  CRM_RETURN_IF_ERROR(CheckIntRange("contact_policy.period_days", policy->period_days(), 1, 365));
  if (policy->has_quiet_start_hour() != policy->has_quiet_end_hour()) {
    return absl::InvalidArgumentError(
        "contact_policy.quiet_end_hour: quiet_start_hour and quiet_end_hour are set together");
  }
  if (policy->has_quiet_start_hour()) {
    CRM_RETURN_IF_ERROR(CheckIntRange("contact_policy.quiet_start_hour", policy->quiet_start_hour(), 0, 23));
    CRM_RETURN_IF_ERROR(CheckIntRange("contact_policy.quiet_end_hour", policy->quiet_end_hour(), 0, 23));
    if (policy->quiet_start_hour() == policy->quiet_end_hour()) {
      return absl::InvalidArgumentError(
          "contact_policy.quiet_end_hour: must differ from quiet_start_hour (leave both unset for "
          "no quiet hours)");
    }
  }
  return absl::OkStatus();
}

EffectiveContactPolicy EffectivePolicy(const v1::ContactPolicy& policy) {
  EffectiveContactPolicy effective;
  if (policy.max_touches() > 0) effective.max_touches = policy.max_touches();
  effective.max_touches_per_channel =
      policy.max_touches_per_channel() > 0 ? policy.max_touches_per_channel()
                                           : std::min(kDefaultMaxTouchesPerChannel, effective.max_touches);
  if (policy.period_days() > 0) effective.period = absl::Hours(24) * policy.period_days();
  if (policy.has_quiet_start_hour() && policy.has_quiet_end_hour()) {
    effective.quiet_start_hour = policy.quiet_start_hour();
    effective.quiet_end_hour = policy.quiet_end_hour();
  }
  return effective;
}

bool TouchAllowed(const EffectiveContactPolicy& policy, int touches, int channel_touches) {
  return touches < policy.max_touches && channel_touches < policy.max_touches_per_channel;
}

std::optional<absl::Time> QuietHoursEnd(const EffectiveContactPolicy& policy, absl::TimeZone zone,
                                        absl::Time now) {
  if (!policy.quiet_start_hour || !policy.quiet_end_hour) return std::nullopt;
  const int start = *policy.quiet_start_hour;
  const int end = *policy.quiet_end_hour;
  const absl::TimeZone::CivilInfo local = zone.At(now);
  const int hour = local.cs.hour();
  const bool wraps = start > end;  // e.g. 21 → 8
  const bool quiet = wraps ? (hour >= start || hour < end) : (hour >= start && hour < end);
  if (!quiet) return std::nullopt;
  absl::CivilDay day = absl::CivilDay(local.cs);
  if (wraps && hour >= start) day += 1;  // the quiet night ends tomorrow morning
  return zone.At(absl::CivilSecond(day.year(), day.month(), day.day(), end, 0, 0)).pre;
}

}  // namespace crm::server
