// A crm.v1.Contact as a row of the contacts CSV file, in the columns the contact
// import accepts (import_contact_row.h): an exported file imports back unchanged.
#ifndef CRM_CLIENTS_CRMCTL_EXPORT_CONTACT_ROW_H_
#define CRM_CLIENTS_CRMCTL_EXPORT_CONTACT_ROW_H_

#include <string>
#include <vector>

#include "crm/v1/contact.pb.h"

namespace crm::crmctl {

// The fixed columns, then attr.<key> for each of `attribute_keys`.
std::vector<std::string> ContactCsvHeader(const std::vector<std::string>& attribute_keys);

// The contact's values in the columns of ContactCsvHeader(attribute_keys).
std::vector<std::string> ContactCsvFields(const v1::Contact& contact,
                                          const std::vector<std::string>& attribute_keys);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_EXPORT_CONTACT_ROW_H_
