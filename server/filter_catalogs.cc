#include "server/filter_catalogs.h"

#include "crm/v1/account.pb.h"
#include "crm/v1/complaint.pb.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/contact.pb.h"
#include "crm/v1/interaction.pb.h"
#include "crm/v1/lead.pb.h"
#include "crm/v1/purchase.pb.h"
#include "crm/v1/tenant_admin.pb.h"
#include "crm/v1/value_analysis.pb.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"

namespace crm::server {
namespace {

using filter::FieldSpec;
using filter::FieldType;

// Every value of a proto enum except the zero (_UNSPECIFIED) one.
std::vector<std::pair<std::string, int64_t>> EnumValues(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::pair<std::string, int64_t>> values;
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() != 0) values.emplace_back(e->value(i)->name(), e->value(i)->number());
  }
  return values;
}

FieldSpec Field(const char* name, FieldType type, const char* column) {
  return FieldSpec{name, type, column, {}, {}};
}

// A reference to another resource, compared by id so the column's index serves it.
FieldSpec ResourceName(const char* name, const char* column, const char* prefix) {
  return FieldSpec{name, FieldType::kResourceName, column, {}, prefix};
}

FieldSpec Enum(const char* name, const char* column, const google::protobuf::EnumDescriptor* e) {
  return FieldSpec{name, FieldType::kEnum, column, EnumValues(e), {}};
}

// An enum that also accepts its values without the type prefix ("IMPORTANT_WINBACK"
// for RFM_SEGMENT_IMPORTANT_WINBACK), as analysts write them.
FieldSpec EnumWithShortNames(const char* name, const char* column, const google::protobuf::EnumDescriptor* e,
                             std::string_view prefix) {
  FieldSpec spec = Enum(name, column, e);
  const size_t full_names = spec.enum_values.size();
  for (size_t i = 0; i < full_names; ++i) {
    const std::string& full = spec.enum_values[i].first;
    if (full.size() > prefix.size() && full.compare(0, prefix.size(), prefix) == 0) {
      spec.enum_values.emplace_back(full.substr(prefix.size()), spec.enum_values[i].second);
    }
  }
  return spec;
}

// The per-contact results of a value-analysis run, over the columns of
// customer_values as `prefix` + column (prefix "v." inside the contacts join).
std::vector<FieldSpec> CustomerValueFields(const std::string& prefix, const std::string& tier_column,
                                           const std::string& stage_column) {
  auto column = [&](const char* name) { return prefix + name; };
  std::vector<FieldSpec> fields = {
      FieldSpec{"recency_days", FieldType::kInt64, column("recency_days"), {}, {}},
      FieldSpec{"frequency", FieldType::kInt64, column("frequency"), {}, {}},
      FieldSpec{"monetary", FieldType::kMoneyMicros, column("monetary_micros"), {}, {}},
      FieldSpec{"recency_score", FieldType::kInt64, column("recency_score"), {}, {}},
      FieldSpec{"frequency_score", FieldType::kInt64, column("frequency_score"), {}, {}},
      FieldSpec{"monetary_score", FieldType::kInt64, column("monetary_score"), {}, {}},
      EnumWithShortNames("rfm_segment", column("rfm_segment").c_str(), v1::RfmSegment_descriptor(), "RFM_SEGMENT_"),
      EnumWithShortNames("abc_class", column("abc_class").c_str(), v1::AbcClass_descriptor(), "ABC_CLASS_"),
      EnumWithShortNames("value_tier", tier_column.c_str(), v1::ValueTier_descriptor(), "VALUE_TIER_"),
      FieldSpec{"expected_value", FieldType::kMoneyMicros, column("expected_value_micros"), {}, {}},
      FieldSpec{"historical_value", FieldType::kMoneyMicros, column("historical_value_micros"), {}, {}},
      FieldSpec{"current_value", FieldType::kMoneyMicros, column("current_value_micros"), {}, {}},
      FieldSpec{"clv", FieldType::kMoneyMicros, column("clv_micros"), {}, {}},
      FieldSpec{"p_alive", FieldType::kDouble, column("p_alive"), {}, {}},
      FieldSpec{"expected_purchases", FieldType::kDouble, column("expected_purchases"), {}, {}},
      EnumWithShortNames("lifecycle_stage", stage_column.c_str(), v1::LifecycleStage_descriptor(),
                         "LIFECYCLE_STAGE_"),
  };
  return fields;
}

}  // namespace

const filter::FieldCatalog& TenantFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      Field("display_name", FieldType::kString, "display_name"),
      Enum("state", "state", v1::Tenant::State_descriptor()),
      Field("currency_code", FieldType::kString, "currency_code"),
      Field("time_zone", FieldType::kString, "time_zone"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
      Field("update_time", FieldType::kTimestamp, "update_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& AccountFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      Field("display_name", FieldType::kString, "display_name"),
      Field("industry", FieldType::kString, "industry"),
      Enum("size", "size", v1::Account::Size_descriptor()),
      Field("region", FieldType::kString, "region"),
      Field("owner", FieldType::kString, "owner"),
      Field("annual_revenue", FieldType::kMoneyMicros, "annual_revenue_micros"),
      Enum("credit_rating", "credit_rating", v1::Account::CreditRating_descriptor()),
      Field("payment_terms_days", FieldType::kInt64, "payment_terms_days"),
      Field("key_account", FieldType::kBool, "key_account"),
      Enum("tier", "tier", v1::Account::Tier_descriptor()),
      Field("external_id", FieldType::kString, "external_id"),
      Field("tags", FieldType::kStringList, "tags"),
      Field("attributes", FieldType::kStringMap, "attributes"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
      Field("update_time", FieldType::kTimestamp, "update_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& ContactFilterFields() {
  // Columns of contacts joined with the current analysis run's results (alias v):
  // see ContactRepository. A contact without a result there is a prospect: tier D,
  // and its stored lifecycle stage (PROSPECT).
  std::vector<FieldSpec> fields = {
      Field("given_name", FieldType::kString, "given_name"),
      Field("family_name", FieldType::kString, "family_name"),
      Field("display_name", FieldType::kString, "display_name"),
      Field("emails", FieldType::kStringList, "emails"),
      Field("phones", FieldType::kStringList, "phones"),
      Field("birthday", FieldType::kDate, "birthday"),
      Enum("gender", "gender", v1::Contact::Gender_descriptor()),
      Field("region", FieldType::kString, "region"),
      Field("city", FieldType::kString, "city"),
      ResourceName("account", "account_id", "accounts/"),
      Field("owner", FieldType::kString, "owner"),
      Field("store_id", FieldType::kString, "store_id"),
      Field("source", FieldType::kString, "source"),
      Field("tags", FieldType::kStringList, "tags"),
      Field("attributes", FieldType::kStringMap, "attributes"),
      Enum("consent_email", "consent_email", v1::ConsentState_descriptor()),
      Enum("consent_sms", "consent_sms", v1::ConsentState_descriptor()),
      Enum("consent_phone", "consent_phone", v1::ConsentState_descriptor()),
      Enum("consent_direct_mail", "consent_direct_mail", v1::ConsentState_descriptor()),
      Field("external_id", FieldType::kString, "external_id"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
      Field("update_time", FieldType::kTimestamp, "update_time"),
  };
  for (FieldSpec& value : CustomerValueFields("v.", absl::StrCat("COALESCE(v.value_tier, ", v1::VALUE_TIER_D, ")"),
                                              "COALESCE(v.lifecycle_stage, contacts.lifecycle_stage)")) {
    fields.push_back(std::move(value));
  }
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog(std::move(fields));
  return *catalog;
}

const filter::FieldCatalog& PurchaseFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      ResourceName("contact", "contact_id", "contacts/"),
      Field("purchase_time", FieldType::kTimestamp, "purchase_time"),
      Field("amount", FieldType::kMoneyMicros, "amount_micros"),
      Field("gross_margin", FieldType::kMoneyMicros, "gross_margin_micros"),
      Field("quantity", FieldType::kInt64, "quantity"),
      Field("product_category", FieldType::kString, "product_category"),
      Field("product", FieldType::kString, "product"),
      Enum("channel", "channel", v1::Purchase::Channel_descriptor()),
      Field("store_id", FieldType::kString, "store_id"),
      Enum("type", "purchase_type", v1::Purchase::Type_descriptor()),
      Field("external_id", FieldType::kString, "external_id"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& InteractionFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      ResourceName("contact", "contact_id", "contacts/"),
      Enum("type", "interaction_type", v1::Interaction::Type_descriptor()),
      Enum("direction", "direction", v1::Interaction::Direction_descriptor()),
      Field("channel", FieldType::kString, "channel"),
      Field("outcome", FieldType::kString, "outcome"),
      Field("satisfaction_score", FieldType::kInt64, "satisfaction_score"),
      Field("interaction_time", FieldType::kTimestamp, "interaction_time"),
      Field("performed_by", FieldType::kString, "performed_by"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& ComplaintFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      ResourceName("contact", "contact_id", "contacts/"),
      Field("category", FieldType::kString, "category"),
      Enum("severity", "severity", v1::Complaint::Severity_descriptor()),
      Enum("status", "status", v1::Complaint::Status_descriptor()),
      Field("due_time", FieldType::kTimestamp, "due_time"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
      Field("update_time", FieldType::kTimestamp, "update_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& CampaignFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      Enum("state", "state", v1::Campaign::State_descriptor()),
      Enum("objective", "objective", v1::Campaign::Objective_descriptor()),
      Enum("type", "campaign_type", v1::Campaign::Type_descriptor()),
      Field("create_time", FieldType::kTimestamp, "create_time"),
      Field("update_time", FieldType::kTimestamp, "update_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& LeadFilterFields() {
  static const filter::FieldCatalog* catalog = new filter::FieldCatalog({
      ResourceName("contact", "contact_id", "contacts/"),
      Enum("source", "source", v1::Lead::Source_descriptor()),
      Enum("intent", "intent", v1::Lead::Intent_descriptor()),
      Enum("status", "status", v1::Lead::Status_descriptor()),
      Field("owner", FieldType::kString, "owner"),
      Field("intended_product", FieldType::kString, "intended_product"),
      Enum("invalid_reason", "invalid_reason", v1::Lead::InvalidReason_descriptor()),
      Field("next_follow_up_time", FieldType::kTimestamp, "next_follow_up_time"),
      Field("revisit_time", FieldType::kTimestamp, "revisit_time"),
      Field("convert_time", FieldType::kTimestamp, "convert_time"),
      Field("create_time", FieldType::kTimestamp, "create_time"),
      Field("update_time", FieldType::kTimestamp, "update_time"),
  });
  return *catalog;
}

const filter::FieldCatalog& CustomerValueFilterFields() {
  static const filter::FieldCatalog* catalog = [] {
    std::vector<FieldSpec> fields = CustomerValueFields("", "value_tier", "lifecycle_stage");
    fields.push_back(ResourceName("contact", "contact_id", "contacts/"));
    return new filter::FieldCatalog(std::move(fields));
  }();
  return *catalog;
}

}  // namespace crm::server
