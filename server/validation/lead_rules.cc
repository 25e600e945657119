#include "server/validation/lead_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/validation/field_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/status_macros.h"
#include "storage/lead_conversion.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

using v1::Lead;
using v1::LeadFollowUp;

// Tolerated difference between a partner's clock and ours.
constexpr absl::Duration kClockSkew = absl::Minutes(5);

absl::Status CheckDays(const char* field, int32_t* days, int32_t fallback) {
  if (*days == 0) *days = fallback;
  return CheckIntRange(field, *days, 1, 3650);
}

void ClearInvalidation(Lead* lead) {
  lead->clear_invalid_time();
  lead->set_invalid_reason(Lead::INVALID_REASON_UNSPECIFIED);
  lead->clear_invalid_note();
  lead->clear_revisit_time();
}

void ClearPlan(Lead* lead) {
  lead->clear_next_follow_up_time();
  lead->set_next_follow_up_method(LeadFollowUp::METHOD_UNSPECIFIED);
}

void Invalidate(Lead::InvalidReason reason, const std::string& note, absl::Time now,
                const v1::LeadPolicy& policy, Lead* lead) {
  lead->set_status(Lead::STATUS_INVALID);
  storage::ToProtoTimestamp(now, lead->mutable_invalid_time());
  lead->set_invalid_reason(reason);
  lead->set_invalid_note(note);
  storage::ToProtoTimestamp(now + LeadRevisitPeriod(policy), lead->mutable_revisit_time());
  ClearPlan(lead);
}

}  // namespace

absl::Status NormalizeLeadPolicy(v1::LeadPolicy* policy) {
  int32_t no_contact = policy->no_contact_days();
  int32_t revisit = policy->revisit_days();
  CRM_RETURN_IF_ERROR(
      CheckDays("lead_policy.no_contact_days", &no_contact, kDefaultLeadNoContactDays));
  CRM_RETURN_IF_ERROR(CheckDays("lead_policy.revisit_days", &revisit, kDefaultLeadRevisitDays));
  policy->set_no_contact_days(no_contact);
  policy->set_revisit_days(revisit);
  return absl::OkStatus();
}

absl::Duration LeadNoContactPeriod(const v1::LeadPolicy& policy) {
  return absl::Hours(24) * (policy.no_contact_days() > 0 ? policy.no_contact_days()
                                                         : kDefaultLeadNoContactDays);
}

absl::Duration LeadRevisitPeriod(const v1::LeadPolicy& policy) {
  return absl::Hours(24) *
         (policy.revisit_days() > 0 ? policy.revisit_days() : kDefaultLeadRevisitDays);
}

absl::Status NormalizeLead(absl::Time not_before, Lead* lead) {
  if (lead->contact().empty()) return absl::InvalidArgumentError("lead.contact: required");
  if (absl::StatusOr<std::string> contact = ParseResourceId("lead.contact", lead->contact(), "contacts");
      !contact.ok()) {
    return contact.status();
  }
  CRM_RETURN_IF_ERROR(CheckEnum("lead.source", lead->source(), Lead::Source_IsValid, false));
  CRM_RETURN_IF_ERROR(CheckText("lead.source_detail", lead->source_detail(), 200));
  CRM_RETURN_IF_ERROR(CheckText("lead.needs", lead->needs(), 4000, false, /*multiline=*/true));
  CRM_RETURN_IF_ERROR(CheckText("lead.intended_product", lead->intended_product(), 200));
  if (lead->has_intended_purchase_date()) {
    CRM_RETURN_IF_ERROR(CheckDate("lead.intended_purchase_date", lead->intended_purchase_date()));
  }
  CRM_RETURN_IF_ERROR(CheckEnum("lead.intent", lead->intent(), Lead::Intent_IsValid, false));
  CRM_RETURN_IF_ERROR(CheckText("lead.owner", lead->owner(), 100));
  if (!lead->has_next_follow_up_time()) {
    ClearPlan(lead);
    return absl::OkStatus();
  }
  CRM_RETURN_IF_ERROR(CheckTimestamp("lead.next_follow_up_time", lead->next_follow_up_time()));
  if (storage::FromProtoTimestamp(lead->next_follow_up_time()) < not_before - kClockSkew) {
    return absl::InvalidArgumentError(
        "lead.next_follow_up_time: must not be before the lead was created");
  }
  return CheckEnum("lead.next_follow_up_method", lead->next_follow_up_method(),
                   LeadFollowUp::Method_IsValid, false);
}

absl::Status NormalizeFollowUp(absl::Time now, LeadFollowUp* follow_up) {
  CRM_RETURN_IF_ERROR(
      CheckEnum("follow_up.method", follow_up->method(), LeadFollowUp::Method_IsValid, false));
  CRM_RETURN_IF_ERROR(
      CheckEnum("follow_up.outcome", follow_up->outcome(), LeadFollowUp::Outcome_IsValid, false));
  if (!follow_up->has_follow_up_time()) {
    storage::ToProtoTimestamp(now, follow_up->mutable_follow_up_time());
  }
  CRM_RETURN_IF_ERROR(
      CheckTimestampNotInFuture("follow_up.follow_up_time", follow_up->follow_up_time()));
  CRM_RETURN_IF_ERROR(CheckText("follow_up.performed_by", follow_up->performed_by(), 100));
  return CheckText("follow_up.notes", follow_up->notes(), 4000, false, /*multiline=*/true);
}

absl::Status CheckFollowUpPlan(const FollowUpPlan& plan, absl::Time after) {
  if (!plan.time) {
    if (plan.method != LeadFollowUp::METHOD_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          "next_follow_up_time: required with next_follow_up_method");
    }
    return absl::OkStatus();
  }
  if (*plan.time <= after) {
    return absl::InvalidArgumentError(
        "next_follow_up_time: must be after the follow-up's follow_up_time");
  }
  return CheckEnum("next_follow_up_method", plan.method, LeadFollowUp::Method_IsValid, false);
}

absl::Status ApplyFollowUp(const LeadFollowUp& follow_up, const FollowUpPlan& plan,
                           const v1::LeadPolicy& policy, Lead* lead) {
  if (lead->status() == Lead::STATUS_CONVERTED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "lead: ", lead->name(), " is CONVERTED; follow a customer up with LogInteraction"));
  }
  const absl::Time when = storage::FromProtoTimestamp(follow_up.follow_up_time());
  lead->set_follow_up_count(lead->follow_up_count() + 1);
  const bool reached = follow_up.outcome() != LeadFollowUp::OUTCOME_NOT_REACHED;
  if (reached) {
    if (!lead->has_first_reach_time() || storage::FromProtoTimestamp(lead->first_reach_time()) > when) {
      storage::ToProtoTimestamp(when, lead->mutable_first_reach_time());
    }
    if (storage::FromProtoTimestamp(lead->last_contact_time()) < when) {
      storage::ToProtoTimestamp(when, lead->mutable_last_contact_time());
    }
  }
  if (follow_up.outcome() == LeadFollowUp::OUTCOME_DECLINED) {
    Invalidate(Lead::INVALID_REASON_DECLINED, "declined at a follow-up", when, policy, lead);
    return absl::OkStatus();
  }
  if (lead->status() == Lead::STATUS_INVALID) {
    if (!reached) {
      // An unanswered revisit: try again a revisit period later.
      storage::ToProtoTimestamp(when + LeadRevisitPeriod(policy), lead->mutable_revisit_time());
      ClearPlan(lead);
      return absl::OkStatus();
    }
    lead->set_status(Lead::STATUS_ACTIVE);
    ClearInvalidation(lead);
  }
  if (plan.time) {
    storage::ToProtoTimestamp(*plan.time, lead->mutable_next_follow_up_time());
    lead->set_next_follow_up_method(plan.method);
  } else {
    ClearPlan(lead);
  }
  return absl::OkStatus();
}

absl::Status ApplyConversion(absl::Time convert_time, const std::string& purchase, Lead* lead) {
  if (lead->status() == Lead::STATUS_CONVERTED) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", lead->name(), " is already CONVERTED"));
  }
  const absl::Time created = storage::FromProtoTimestamp(lead->create_time());
  if (convert_time < created - storage::kConversionClockSkew) {
    return absl::FailedPreconditionError(
        "purchase: was made before the lead was created, so it did not convert the lead");
  }
  lead->set_status(Lead::STATUS_CONVERTED);
  storage::ToProtoTimestamp(std::max(convert_time, created), lead->mutable_convert_time());
  lead->set_conversion_purchase(purchase);
  ClearPlan(lead);
  ClearInvalidation(lead);
  return absl::OkStatus();
}

absl::Status ApplyInvalidation(Lead::InvalidReason reason, const std::string& note, absl::Time now,
                               const v1::LeadPolicy& policy, Lead* lead) {
  CRM_RETURN_IF_ERROR(CheckEnum("reason", reason, Lead::InvalidReason_IsValid, false));
  CRM_RETURN_IF_ERROR(CheckText("note", note, 1000, false, /*multiline=*/true));
  if (lead->status() != Lead::STATUS_ACTIVE) {
    return absl::FailedPreconditionError(absl::StrCat(
        "name: only an ACTIVE lead can be invalidated; ", lead->name(), " is ",
        Lead::Status_Name(lead->status()).substr(sizeof("STATUS_") - 1)));
  }
  Invalidate(reason, note, now, policy, lead);
  return absl::OkStatus();
}

const std::vector<std::string>& LeadWritablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "source_detail", "needs", "intended_product", "intended_purchase_date", "intent", "owner",
      "next_follow_up_time", "next_follow_up_method"};
  return *paths;
}

}  // namespace crm::server
