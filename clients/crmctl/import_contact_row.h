// The columns of a contacts CSV file and how a row becomes a crm.v1.Contact. The
// export writes the same columns (export_contact_row.h), so an exported file imports
// back unchanged.
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_ROW_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_ROW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/crmctl/import_layout.h"
#include "crm/v1/contact.pb.h"

namespace crm::crmctl {

enum ContactColumnId : int {
  kContactExternalId,
  kContactGivenName,
  kContactFamilyName,
  kContactDisplayName,
  kContactEmails,
  kContactPhones,
  kContactBirthday,
  kContactGender,
  kContactRegion,
  kContactCity,
  kContactAddress,
  kContactAccount,
  kContactOwner,
  kContactStoreId,
  kContactSource,
  kContactTags,
  kContactConsentEmail,
  kContactConsentEmailTime,
  kContactConsentSms,
  kContactConsentSmsTime,
  kContactConsentPhone,
  kContactConsentPhoneTime,
  kContactConsentDirectMail,
  kContactConsentDirectMailTime,
  kContactAttribute,  // attr.<key>
};

// Custom attributes are columns named attr.<key>.
inline constexpr absl::string_view kAttributeColumnPrefix = "attr.";

// The fixed columns, in the order an export writes them (attr.<key> columns follow).
const std::vector<ColumnSpec>& ContactColumns();

// The consent columns of one channel.
struct ConsentColumns {
  v1::Channel channel;
  int state_column;  // consent_<channel>: OPTED_IN, OPTED_OUT, UNKNOWN
  int time_column;   // consent_<channel>_time: when it was given or refused
};
const std::vector<ConsentColumns>& ContactConsentColumns();

class ContactRowMapper {
 public:
  // The mapper for a header row. INVALID_ARGUMENT (a usage error) for unknown or
  // repeated columns, or when there is no external_id column (the upsert key).
  static absl::StatusOr<ContactRowMapper> FromHeader(const std::vector<std::string>& header);

  // The contact of one record, or false with what is wrong and in which column.
  // Empty cells leave the field unset.
  bool Map(const std::vector<std::string>& fields, v1::Contact* contact,
           RowProblem* problem) const;

  // The column a server error's field path refers to: "emails[2]" → "emails",
  // "attributes.tier" → "attr.tier"; the path itself when no column matches.
  std::string ColumnForField(absl::string_view field_path) const;

  const ImportLayout& layout() const { return layout_; }

 private:
  explicit ContactRowMapper(ImportLayout layout) : layout_(std::move(layout)) {}

  ImportLayout layout_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_CONTACT_ROW_H_
