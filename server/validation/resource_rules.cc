#include "server/validation/resource_rules.h"

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "absl/strings/string_view.h"
#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "server/validation/contact_policy_rules.h"
#include "server/validation/field_rules.h"
#include "server/validation/lead_rules.h"
#include "server/validation/resource_name.h"
#include "server/validation/status_macros.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

absl::Status NormalizeQuotas(v1::TenantQuotas* quotas) {
  if (quotas->requests_per_second() == 0) quotas->set_requests_per_second(kDefaultRequestsPerSecond);
  if (quotas->max_concurrent_streams() == 0) {
    quotas->set_max_concurrent_streams(kDefaultConcurrentStreams);
  }
  if (quotas->max_contacts() == 0) quotas->set_max_contacts(kDefaultMaxContacts);
  CRM_RETURN_IF_ERROR(
      CheckIntRange("quotas.requests_per_second", quotas->requests_per_second(), 1, 100000));
  CRM_RETURN_IF_ERROR(
      CheckIntRange("quotas.max_concurrent_streams", quotas->max_concurrent_streams(), 1, 1000));
  return CheckIntRange("quotas.max_contacts", quotas->max_contacts(), 1, 1'000'000'000);
}

// Normalises each entry, drops duplicates, bounds the count.
absl::Status NormalizeList(absl::string_view field, int max_count,
                           absl::Status (*normalize)(absl::string_view, std::string*),
                           google::protobuf::RepeatedPtrField<std::string>* values) {
  if (values->size() > max_count) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", max_count, " entries (got ", values->size(), ")"));
  }
  absl::flat_hash_set<std::string> seen;
  google::protobuf::RepeatedPtrField<std::string> unique;
  for (int i = 0; i < values->size(); ++i) {
    std::string value = values->Get(i);
    CRM_RETURN_IF_ERROR(normalize(absl::StrCat(field, "[", i, "]"), &value));
    if (seen.insert(value).second) unique.Add(std::move(value));
  }
  values->Swap(&unique);
  return absl::OkStatus();
}

absl::Status NormalizeConsents(const v1::Contact* previous, v1::Contact* contact) {
  absl::flat_hash_set<int> channels;
  for (int i = 0; i < contact->consents_size(); ++i) {
    v1::ChannelConsent* consent = contact->mutable_consents(i);
    const std::string path = absl::StrCat("consents[", i, "]");
    CRM_RETURN_IF_ERROR(CheckEnum(absl::StrCat(path, ".channel"), consent->channel(),
                                  v1::Channel_IsValid, false));
    CRM_RETURN_IF_ERROR(CheckEnum(absl::StrCat(path, ".state"), consent->state(),
                                  v1::ConsentState_IsValid, false));
    if (!channels.insert(consent->channel()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".channel: ", v1::Channel_Name(consent->channel()), " is listed twice"));
    }
    if (consent->has_update_time()) {
      CRM_RETURN_IF_ERROR(
          CheckTimestampNotInFuture(absl::StrCat(path, ".update_time"), consent->update_time()));
      continue;
    }
    const v1::ChannelConsent* before = nullptr;
    if (previous != nullptr) {
      for (const v1::ChannelConsent& old : previous->consents()) {
        if (old.channel() == consent->channel()) before = &old;
      }
    }
    if (before != nullptr && before->state() == consent->state()) {
      *consent->mutable_update_time() = before->update_time();
    } else {
      storage::ToProtoTimestamp(storage::NowMicros(), consent->mutable_update_time());
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NormalizeTenant(v1::Tenant* tenant) {
  CRM_RETURN_IF_ERROR(CheckText("display_name", tenant->display_name(), 200, /*required=*/true));
  if (tenant->state() == v1::Tenant::STATE_UNSPECIFIED) tenant->set_state(v1::Tenant::STATE_ACTIVE);
  CRM_RETURN_IF_ERROR(CheckEnum("state", tenant->state(), v1::Tenant::State_IsValid, false));
  if (tenant->currency_code().empty()) tenant->set_currency_code("EUR");
  const std::string& currency = tenant->currency_code();
  if (currency.size() != 3 || !absl::ascii_isupper(static_cast<unsigned char>(currency[0])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(currency[1])) ||
      !absl::ascii_isupper(static_cast<unsigned char>(currency[2]))) {
    return absl::InvalidArgumentError(
        "currency_code: must be an ISO 4217 code of three upper-case letters, e.g. EUR");
  }
  if (tenant->time_zone().empty()) tenant->set_time_zone("UTC");
  absl::TimeZone zone;
  if (tenant->time_zone().size() > 64 || !absl::LoadTimeZone(tenant->time_zone(), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "time_zone: \"", absl::CHexEscape(tenant->time_zone().substr(0, 64)),
        "\" is not an IANA time zone such as Europe/Berlin or Asia/Shanghai"));
  }
  CRM_RETURN_IF_ERROR(NormalizeQuotas(tenant->mutable_quotas()));
  v1::ComplaintPolicy* policy = tenant->mutable_complaint_policy();
  const auto hours = [](const char* field, int32_t value, int32_t fallback,
                        const std::function<void(int32_t)>& set) -> absl::Status {
    if (value == 0) set(value = fallback);
    return CheckIntRange(field, value, 1, 720);
  };
  CRM_RETURN_IF_ERROR(hours("complaint_policy.low_hours", policy->low_hours(), 72,
                            [&](int32_t v) { policy->set_low_hours(v); }));
  CRM_RETURN_IF_ERROR(hours("complaint_policy.medium_hours", policy->medium_hours(), 24,
                            [&](int32_t v) { policy->set_medium_hours(v); }));
  CRM_RETURN_IF_ERROR(hours("complaint_policy.high_hours", policy->high_hours(), 8,
                            [&](int32_t v) { policy->set_high_hours(v); }));
  CRM_RETURN_IF_ERROR(hours("complaint_policy.critical_hours", policy->critical_hours(), 2,
                            [&](int32_t v) { policy->set_critical_hours(v); }));
  CRM_RETURN_IF_ERROR(NormalizeLeadPolicy(tenant->mutable_lead_policy()));
  return NormalizeContactPolicy(tenant->mutable_contact_policy());
}

absl::Status NormalizeAccount(const std::string& tenant_currency, v1::Account* account) {
  CRM_RETURN_IF_ERROR(CheckText("display_name", account->display_name(), 200, true));
  CRM_RETURN_IF_ERROR(CheckText("industry", account->industry(), 100));
  CRM_RETURN_IF_ERROR(CheckEnum("size", account->size(), v1::Account::Size_IsValid, true));
  CRM_RETURN_IF_ERROR(CheckText("region", account->region(), 100));
  CRM_RETURN_IF_ERROR(CheckText("owner", account->owner(), 100));
  if (account->has_annual_revenue()) {
    CRM_RETURN_IF_ERROR(NormalizeMoney("annual_revenue", tenant_currency, /*allow_negative=*/false,
                                       account->mutable_annual_revenue()));
  }
  CRM_RETURN_IF_ERROR(CheckEnum("credit_rating", account->credit_rating(),
                                v1::Account::CreditRating_IsValid, true));
  CRM_RETURN_IF_ERROR(CheckIntRange("payment_terms_days", account->payment_terms_days(), 0, 365));
  CRM_RETURN_IF_ERROR(CheckEnum("tier", account->tier(), v1::Account::Tier_IsValid, true));
  const v1::AccountEvaluation& evaluation = account->evaluation();
  CRM_RETURN_IF_ERROR(CheckIntRange("evaluation.financial_score", evaluation.financial_score(), 0, 100));
  CRM_RETURN_IF_ERROR(CheckIntRange("evaluation.cooperation_score", evaluation.cooperation_score(), 0, 100));
  CRM_RETURN_IF_ERROR(CheckIntRange("evaluation.prospects_score", evaluation.prospects_score(), 0, 100));
  CRM_RETURN_IF_ERROR(CheckIntRange("evaluation.credit_score", evaluation.credit_score(), 0, 100));
  CRM_RETURN_IF_ERROR(CheckIdentifier("external_id", account->external_id(), 128));
  CRM_RETURN_IF_ERROR(NormalizeTags("tags", account->mutable_tags()));
  return CheckAttributes("attributes", account->attributes());
}

absl::Status NormalizeContact(const v1::Contact* previous, v1::Contact* contact) {
  CRM_RETURN_IF_ERROR(CheckText("given_name", contact->given_name(), 100));
  CRM_RETURN_IF_ERROR(CheckText("family_name", contact->family_name(), 100));
  if (absl::StripAsciiWhitespace(contact->display_name()).empty()) {
    contact->set_display_name(std::string(absl::StripAsciiWhitespace(
        absl::StrCat(contact->given_name(), " ", contact->family_name()))));
  }
  if (contact->display_name().empty()) {
    return absl::InvalidArgumentError(
        "display_name: required (set display_name, given_name or family_name)");
  }
  CRM_RETURN_IF_ERROR(CheckText("display_name", contact->display_name(), 200, true));
  CRM_RETURN_IF_ERROR(NormalizeList("emails", kMaxContactEmails, NormalizeEmail, contact->mutable_emails()));
  CRM_RETURN_IF_ERROR(NormalizeList("phones", kMaxContactPhones, NormalizePhone, contact->mutable_phones()));
  if (contact->has_birthday()) {
    CRM_RETURN_IF_ERROR(CheckDate("birthday", contact->birthday()));
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    const absl::CivilDay birthday(contact->birthday().year(), contact->birthday().month(),
                                  contact->birthday().day());
    if (birthday > today + 1) {
      return absl::InvalidArgumentError("birthday: must not be in the future");
    }
  }
  CRM_RETURN_IF_ERROR(CheckEnum("gender", contact->gender(), v1::Contact::Gender_IsValid, true));
  CRM_RETURN_IF_ERROR(CheckText("region", contact->region(), 100));
  CRM_RETURN_IF_ERROR(CheckText("city", contact->city(), 100));
  CRM_RETURN_IF_ERROR(CheckText("address", contact->address(), 500, false, /*multiline=*/true));
  if (!contact->account().empty()) {
    absl::StatusOr<std::string> account = ParseResourceId("account", contact->account(), "accounts");
    if (!account.ok()) return account.status();
  }
  CRM_RETURN_IF_ERROR(CheckText("owner", contact->owner(), 100));
  CRM_RETURN_IF_ERROR(CheckIdentifier("store_id", contact->store_id(), 64));
  CRM_RETURN_IF_ERROR(CheckIdentifier("source", contact->source(), 64));
  CRM_RETURN_IF_ERROR(NormalizeTags("tags", contact->mutable_tags()));
  CRM_RETURN_IF_ERROR(CheckAttributes("attributes", contact->attributes()));
  CRM_RETURN_IF_ERROR(NormalizeConsents(previous, contact));
  CRM_RETURN_IF_ERROR(CheckIdentifier("external_id", contact->external_id(), 128));
  if (previous == nullptr) {
    contact->set_lifecycle_stage(v1::LIFECYCLE_STAGE_PROSPECT);
  } else {
    contact->set_lifecycle_stage(previous->lifecycle_stage());
  }
  return absl::OkStatus();
}

absl::Status NormalizePurchase(const std::string& tenant_currency, v1::Purchase* purchase) {
  if (purchase->contact().empty()) return absl::InvalidArgumentError("contact: required");
  if (absl::StatusOr<std::string> contact =
          ParseResourceId("contact", purchase->contact(), "contacts");
      !contact.ok()) {
    return contact.status();
  }
  if (!purchase->has_purchase_time()) return absl::InvalidArgumentError("purchase_time: required");
  CRM_RETURN_IF_ERROR(CheckTimestampNotInFuture("purchase_time", purchase->purchase_time()));
  if (!purchase->has_amount()) return absl::InvalidArgumentError("amount: required");
  CRM_RETURN_IF_ERROR(
      NormalizeMoney("amount", tenant_currency, /*allow_negative=*/false, purchase->mutable_amount()));
  if (purchase->has_gross_margin()) {
    CRM_RETURN_IF_ERROR(NormalizeMoney("gross_margin", tenant_currency, /*allow_negative=*/true,
                                       purchase->mutable_gross_margin()));
  }
  if (purchase->quantity() == 0) purchase->set_quantity(1);
  CRM_RETURN_IF_ERROR(CheckIntRange("quantity", purchase->quantity(), 1, kMaxPurchaseQuantity));
  CRM_RETURN_IF_ERROR(CheckText("product_category", purchase->product_category(), 100));
  CRM_RETURN_IF_ERROR(CheckText("product", purchase->product(), 200));
  CRM_RETURN_IF_ERROR(
      CheckEnum("channel", purchase->channel(), v1::Purchase::Channel_IsValid, true));
  CRM_RETURN_IF_ERROR(CheckIdentifier("store_id", purchase->store_id(), 64));
  if (purchase->type() == v1::Purchase::TYPE_UNSPECIFIED) purchase->set_type(v1::Purchase::TYPE_PURCHASE);
  CRM_RETURN_IF_ERROR(CheckEnum("type", purchase->type(), v1::Purchase::Type_IsValid, false));
  return CheckIdentifier("external_id", purchase->external_id(), 128);
}

absl::Status NormalizeInteraction(v1::Interaction* interaction) {
  if (interaction->contact().empty()) return absl::InvalidArgumentError("contact: required");
  if (absl::StatusOr<std::string> contact =
          ParseResourceId("contact", interaction->contact(), "contacts");
      !contact.ok()) {
    return contact.status();
  }
  CRM_RETURN_IF_ERROR(CheckEnum("type", interaction->type(), v1::Interaction::Type_IsValid, false));
  CRM_RETURN_IF_ERROR(
      CheckEnum("direction", interaction->direction(), v1::Interaction::Direction_IsValid, true));
  CRM_RETURN_IF_ERROR(CheckIdentifier("channel", interaction->channel(), 64));
  CRM_RETURN_IF_ERROR(CheckText("outcome", interaction->outcome(), 200));
  if (interaction->has_satisfaction_score()) {
    if (interaction->type() != v1::Interaction::TYPE_SURVEY) {
      return absl::InvalidArgumentError(
          "satisfaction_score: only TYPE_SURVEY interactions carry a satisfaction score");
    }
    CRM_RETURN_IF_ERROR(CheckIntRange("satisfaction_score", interaction->satisfaction_score(), 0, 10));
  }
  if (!interaction->has_interaction_time()) {
    return absl::InvalidArgumentError("interaction_time: required");
  }
  CRM_RETURN_IF_ERROR(CheckTimestampNotInFuture("interaction_time", interaction->interaction_time()));
  CRM_RETURN_IF_ERROR(CheckText("performed_by", interaction->performed_by(), 100));
  return CheckText("notes", interaction->notes(), 4000, false, /*multiline=*/true);
}

absl::Status CombineContacts(const v1::Contact& merged, v1::Contact* survivor) {
  const v1::Contact before = *survivor;
  const auto adopt = [](const std::string& theirs, std::string* mine) {
    if (mine->empty()) *mine = theirs;
  };
  adopt(merged.given_name(), survivor->mutable_given_name());
  adopt(merged.family_name(), survivor->mutable_family_name());
  adopt(merged.region(), survivor->mutable_region());
  adopt(merged.city(), survivor->mutable_city());
  adopt(merged.address(), survivor->mutable_address());
  adopt(merged.account(), survivor->mutable_account());
  adopt(merged.owner(), survivor->mutable_owner());
  adopt(merged.store_id(), survivor->mutable_store_id());
  adopt(merged.source(), survivor->mutable_source());
  adopt(merged.external_id(), survivor->mutable_external_id());
  if (!survivor->has_birthday() && merged.has_birthday()) *survivor->mutable_birthday() = merged.birthday();
  if (survivor->gender() == v1::Contact::GENDER_UNSPECIFIED) survivor->set_gender(merged.gender());
  const auto append = [](const google::protobuf::RepeatedPtrField<std::string>& theirs, int limit,
                         google::protobuf::RepeatedPtrField<std::string>* mine) {
    for (const std::string& value : theirs) {
      if (mine->size() >= limit) break;
      if (std::find(mine->begin(), mine->end(), value) == mine->end()) *mine->Add() = value;
    }
  };
  append(merged.emails(), kMaxContactEmails, survivor->mutable_emails());
  append(merged.phones(), kMaxContactPhones, survivor->mutable_phones());
  append(merged.tags(), kMaxTags, survivor->mutable_tags());
  for (const auto& [key, value] : merged.attributes()) {
    if (static_cast<int>(survivor->attributes().size()) >= kMaxAttributes) break;
    survivor->mutable_attributes()->insert({key, value});
  }
  for (const v1::ChannelConsent& consent : merged.consents()) {
    const bool has_channel = std::any_of(
        survivor->consents().begin(), survivor->consents().end(),
        [&](const v1::ChannelConsent& own) { return own.channel() == consent.channel(); });
    if (!has_channel) *survivor->add_consents() = consent;
  }
  return NormalizeContact(&before, survivor);
}

absl::Status NormalizeComplaint(v1::Complaint* complaint) {
  if (complaint->contact().empty()) return absl::InvalidArgumentError("contact: required");
  if (absl::StatusOr<std::string> contact =
          ParseResourceId("contact", complaint->contact(), "contacts");
      !contact.ok()) {
    return contact.status();
  }
  CRM_RETURN_IF_ERROR(CheckText("category", complaint->category(), 100, /*required=*/true));
  CRM_RETURN_IF_ERROR(
      CheckEnum("severity", complaint->severity(), v1::Complaint::Severity_IsValid, false));
  CRM_RETURN_IF_ERROR(CheckEnum("status", complaint->status(), v1::Complaint::Status_IsValid, false));
  CRM_RETURN_IF_ERROR(CheckText("description", complaint->description(), 4000, false, true));
  CRM_RETURN_IF_ERROR(CheckText("resolution", complaint->resolution(), 4000, false, true));
  if (complaint->has_satisfaction_score()) {
    CRM_RETURN_IF_ERROR(CheckIntRange("satisfaction_score", complaint->satisfaction_score(), 0, 10));
  }
  return absl::OkStatus();
}

absl::Duration ComplaintResponseTime(const v1::ComplaintPolicy& policy,
                                     v1::Complaint::Severity severity) {
  const auto or_default = [](int32_t hours, int32_t fallback) {
    return absl::Hours(hours > 0 ? hours : fallback);
  };
  switch (severity) {
    case v1::Complaint::SEVERITY_CRITICAL:
      return or_default(policy.critical_hours(), 2);
    case v1::Complaint::SEVERITY_HIGH:
      return or_default(policy.high_hours(), 8);
    case v1::Complaint::SEVERITY_MEDIUM:
      return or_default(policy.medium_hours(), 24);
    default:
      return or_default(policy.low_hours(), 72);
  }
}

absl::Status CheckComplaintTransition(v1::Complaint::Status from, v1::Complaint::Status to) {
  using v1::Complaint;
  const bool allowed =
      from == to || (from == Complaint::STATUS_OPEN && to == Complaint::STATUS_IN_PROGRESS) ||
      (from == Complaint::STATUS_IN_PROGRESS && to == Complaint::STATUS_RESOLVED) ||
      (from == Complaint::STATUS_RESOLVED && to == Complaint::STATUS_CLOSED) ||
      (from == Complaint::STATUS_RESOLVED && to == Complaint::STATUS_IN_PROGRESS);
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "status: a complaint cannot go from ", Complaint::Status_Name(from), " to ",
      Complaint::Status_Name(to), "; allowed: OPEN -> IN_PROGRESS -> RESOLVED -> CLOSED and "
      "RESOLVED -> IN_PROGRESS"));
}

const std::vector<std::string>& TenantWritablePaths() {
  static const auto* paths =
      new std::vector<std::string>{"display_name", "state",  "currency_code",
                                   "time_zone",    "quotas", "complaint_policy",
                                   "lead_policy", "contact_policy"};
  return *paths;
}

const std::vector<std::string>& AccountWritablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "display_name", "industry", "size",  "region", "owner",       "annual_revenue", "credit_rating",
      "payment_terms_days", "key_account", "tier", "evaluation", "external_id", "tags", "attributes"};
  return *paths;
}

const std::vector<std::string>& ComplaintWritablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "category", "severity", "status", "description", "resolution", "satisfaction_score"};
  return *paths;
}

const std::vector<std::string>& ContactWritablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "given_name", "family_name", "display_name", "emails",   "phones",   "birthday",
      "gender",     "region",      "city",         "address",  "account",  "owner",
      "store_id",   "source",      "tags",         "attributes", "consents", "external_id"};
  return *paths;
}

}  // namespace crm::server
