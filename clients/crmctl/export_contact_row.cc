#include "clients/crmctl/export_contact_row.h"

#include "absl/strings/str_cat.h"
#include "clients/crmctl/csv_values.h"
#include "clients/crmctl/import_contact_row.h"

namespace crm::crmctl {
namespace {

const v1::ChannelConsent* ConsentFor(const v1::Contact& contact, v1::Channel channel) {
  for (const v1::ChannelConsent& consent : contact.consents()) {
    if (consent.channel() == channel) return &consent;
  }
  return nullptr;
}

std::string ConsentField(const v1::Contact& contact, int column) {
  for (const ConsentColumns& columns : ContactConsentColumns()) {
    if (column != columns.state_column && column != columns.time_column) continue;
    const v1::ChannelConsent* consent = ConsentFor(contact, columns.channel);
    if (consent == nullptr || consent->state() == v1::CONSENT_STATE_UNSPECIFIED) return "";
    if (column == columns.time_column) return TimestampText(consent->update_time());
    return EnumText(v1::ConsentState_descriptor(), consent->state());
  }
  return "";
}

std::string Field(const v1::Contact& contact, int column) {
  switch (column) {
    case kContactExternalId: return contact.external_id();
    case kContactGivenName: return contact.given_name();
    case kContactFamilyName: return contact.family_name();
    case kContactDisplayName: return contact.display_name();
    case kContactEmails: return ListText(contact.emails());
    case kContactPhones: return ListText(contact.phones());
    case kContactBirthday: return DateText(contact.birthday());
    case kContactGender:
      return EnumText(v1::Contact::Gender_descriptor(), contact.gender());
    case kContactRegion: return contact.region();
    case kContactCity: return contact.city();
    case kContactAddress: return contact.address();
    case kContactAccount: return contact.account();
    case kContactOwner: return contact.owner();
    case kContactStoreId: return contact.store_id();
    case kContactSource: return contact.source();
    case kContactTags: return ListText(contact.tags());
    default: return ConsentField(contact, column);
  }
}

}  // namespace

std::vector<std::string> ContactCsvHeader(const std::vector<std::string>& attribute_keys) {
  std::vector<std::string> header;
  for (const ColumnSpec& column : ContactColumns()) header.emplace_back(column.name);
  for (const std::string& key : attribute_keys) {
    header.push_back(absl::StrCat(kAttributeColumnPrefix, key));
  }
  return header;
}

std::vector<std::string> ContactCsvFields(const v1::Contact& contact,
                                          const std::vector<std::string>& attribute_keys) {
  std::vector<std::string> fields;
  fields.reserve(ContactColumns().size() + attribute_keys.size());
  for (const ColumnSpec& column : ContactColumns()) fields.push_back(Field(contact, column.id));
  for (const std::string& key : attribute_keys) {
    const auto it = contact.attributes().find(key);
    fields.push_back(it == contact.attributes().end() ? "" : it->second);
  }
  return fields;
}

}  // namespace crm::crmctl
