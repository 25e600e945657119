#include "clients/crmctl/import_contact_row.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/csv_values.h"

namespace crm::crmctl {
namespace {

// Spreadsheets often hold consent as yes/no; the enum names work too.
absl::StatusOr<v1::ConsentState> ParseConsentState(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "yes" || lower == "y" || lower == "true" || lower == "1") {
    return v1::CONSENT_STATE_OPTED_IN;
  }
  if (lower == "no" || lower == "n" || lower == "false" || lower == "0") {
    return v1::CONSENT_STATE_OPTED_OUT;
  }
  absl::StatusOr<int> state = ParseEnumText(v1::ConsentState_descriptor(), text);
  if (!state.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(state.status().message(), " (or yes / no)"));
  }
  return static_cast<v1::ConsentState>(*state);
}

absl::string_view ColumnName(int id) {
  for (const ColumnSpec& column : ContactColumns()) {
    if (column.id == id) return column.name;
  }
  return kAttributeColumnPrefix;
}

}  // namespace

const std::vector<ColumnSpec>& ContactColumns() {
  static const auto* columns = new std::vector<ColumnSpec>{
      {"external_id", kContactExternalId},
      {"given_name", kContactGivenName},
      {"family_name", kContactFamilyName},
      {"display_name", kContactDisplayName},
      {"emails", kContactEmails},
      {"phones", kContactPhones},
      {"birthday", kContactBirthday},
      {"gender", kContactGender},
      {"region", kContactRegion},
      {"city", kContactCity},
      {"address", kContactAddress},
      {"account", kContactAccount},
      {"owner", kContactOwner},
      {"store_id", kContactStoreId},
      {"source", kContactSource},
      {"tags", kContactTags},
      {"consent_email", kContactConsentEmail},
      {"consent_email_time", kContactConsentEmailTime},
      {"consent_sms", kContactConsentSms},
      {"consent_sms_time", kContactConsentSmsTime},
      {"consent_phone", kContactConsentPhone},
      {"consent_phone_time", kContactConsentPhoneTime},
      {"consent_direct_mail", kContactConsentDirectMail},
      {"consent_direct_mail_time", kContactConsentDirectMailTime},
  };
  return *columns;
}

const std::vector<ConsentColumns>& ContactConsentColumns() {
  static const auto* columns = new std::vector<ConsentColumns>{
      {v1::CHANNEL_EMAIL, kContactConsentEmail, kContactConsentEmailTime},
      {v1::CHANNEL_SMS, kContactConsentSms, kContactConsentSmsTime},
      {v1::CHANNEL_PHONE, kContactConsentPhone, kContactConsentPhoneTime},
      {v1::CHANNEL_DIRECT_MAIL, kContactConsentDirectMail, kContactConsentDirectMailTime},
  };
  return *columns;
}

absl::StatusOr<ContactRowMapper> ContactRowMapper::FromHeader(
    const std::vector<std::string>& header) {
  absl::StatusOr<ImportLayout> layout =
      ImportLayout::FromHeader(header, ContactColumns(), kAttributeColumnPrefix, kContactAttribute);
  if (!layout.ok()) return layout.status();
  if (!layout->Has(kContactExternalId)) {
    return absl::InvalidArgumentError(
        "no external_id column: a contact import upserts by external_id, every row needs one");
  }
  return ContactRowMapper(*std::move(layout));
}

bool ContactRowMapper::Map(const std::vector<std::string>& fields, v1::Contact* contact,
                           RowProblem* problem) const {
  contact->Clear();
  if (std::optional<RowProblem> count = layout_.CheckFieldCount(fields.size())) {
    *problem = *std::move(count);
    return false;
  }
  // Consent state and time come from two columns; they are paired after the loop.
  struct Consent {
    std::optional<v1::ConsentState> state;
    std::optional<google::protobuf::Timestamp> time;
  };
  std::vector<Consent> consents(ContactConsentColumns().size());
  const auto consent_index = [](int column, bool* is_time) -> int {
    const auto& all = ContactConsentColumns();
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].state_column == column || all[i].time_column == column) {
        *is_time = all[i].time_column == column;
        return static_cast<int>(i);
      }
    }
    return -1;
  };

  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string value(absl::StripAsciiWhitespace(fields[i]));
    const std::string& column = layout_.name(i);
    const int id = layout_.id(i);
    if (id == kContactExternalId && value.empty()) {
      return RejectRow(problem, column, "required: the upsert key of the contact import");
    }
    if (value.empty()) continue;
    switch (id) {
      case kContactExternalId: contact->set_external_id(value); break;
      case kContactGivenName: contact->set_given_name(value); break;
      case kContactFamilyName: contact->set_family_name(value); break;
      case kContactDisplayName: contact->set_display_name(value); break;
      case kContactRegion: contact->set_region(value); break;
      case kContactCity: contact->set_city(value); break;
      case kContactAddress: contact->set_address(value); break;
      case kContactAccount: contact->set_account(value); break;
      case kContactOwner: contact->set_owner(value); break;
      case kContactStoreId: contact->set_store_id(value); break;
      case kContactSource: contact->set_source(value); break;
      case kContactEmails:
        for (std::string& email : SplitListText(value)) contact->add_emails(std::move(email));
        break;
      case kContactPhones:
        for (std::string& phone : SplitListText(value)) contact->add_phones(std::move(phone));
        break;
      case kContactTags:
        for (std::string& tag : SplitListText(value)) contact->add_tags(std::move(tag));
        break;
      case kContactBirthday: {
        absl::StatusOr<v1::Date> birthday = ParseDateText(value);
        if (!birthday.ok()) return RejectRow(problem, column, std::string(birthday.status().message()));
        *contact->mutable_birthday() = *birthday;
        break;
      }
      case kContactGender: {
        absl::StatusOr<int> gender = ParseEnumText(v1::Contact::Gender_descriptor(), value);
        if (!gender.ok()) return RejectRow(problem, column, std::string(gender.status().message()));
        contact->set_gender(static_cast<v1::Contact::Gender>(*gender));
        break;
      }
      case kContactAttribute:
        (*contact->mutable_attributes())[layout_.key(i)] = value;
        break;
      default: {
        bool is_time = false;
        const int consent = consent_index(id, &is_time);
        if (consent < 0) break;
        if (is_time) {
          absl::StatusOr<google::protobuf::Timestamp> time = ParseTimestampText(value);
          if (!time.ok()) return RejectRow(problem, column, std::string(time.status().message()));
          consents[consent].time = *time;
        } else {
          absl::StatusOr<v1::ConsentState> state = ParseConsentState(value);
          if (!state.ok()) return RejectRow(problem, column, std::string(state.status().message()));
          consents[consent].state = *state;
        }
        break;
      }
    }
  }

  for (size_t c = 0; c < consents.size(); ++c) {
    const ConsentColumns& columns = ContactConsentColumns()[c];
    if (!consents[c].state.has_value()) {
      if (consents[c].time.has_value()) {
        return RejectRow(problem, layout_.NameOf(columns.time_column),
                      absl::StrCat("a consent time without a consent state (set ",
                                   ColumnName(columns.state_column), ")"));
      }
      continue;
    }
    v1::ChannelConsent* consent = contact->add_consents();
    consent->set_channel(columns.channel);
    consent->set_state(*consents[c].state);
    if (consents[c].time.has_value()) *consent->mutable_update_time() = *consents[c].time;
  }
  return true;
}

std::string ContactRowMapper::ColumnForField(absl::string_view field_path) const {
  if (absl::StartsWith(field_path, "attributes.")) {
    return absl::StrCat(kAttributeColumnPrefix, field_path.substr(11));
  }
  const absl::string_view head = field_path.substr(0, field_path.find_first_of("[."));
  for (const ColumnSpec& column : ContactColumns()) {
    if (column.name == head) return std::string(head);
  }
  return std::string(field_path);
}

}  // namespace crm::crmctl
