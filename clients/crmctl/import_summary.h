// The line `crmctl import` ends with: what was read, written and rejected, how long
// it took; as text for people or as one JSON object for scripts (-o json).
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_SUMMARY_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_SUMMARY_H_

#include <string>

#include "absl/time/time.h"
#include "clients/crmctl/import_driver.h"

namespace crm::crmctl {

enum class ImportKind { kContacts, kPurchases };

struct ImportSummary {
  ImportKind kind = ImportKind::kContacts;
  std::string file;
  std::string error_report;  // path, "" when no row failed
  absl::Duration elapsed;
};

// "contacts.csv: 10 rows read, 7 imported (5 created, 2 updated), 3 failed; 0.4 s,
// 25 rows/s" and, when rows failed, a second line naming the report.
std::string FormatImportSummary(const ImportSummary& summary, const ImportResult& result);

// {"file": ..., "rows_read": 10, "created": 5, ..., "failed": 3, "error_report": ...}
std::string ImportSummaryJson(const ImportSummary& summary, const ImportResult& result);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_SUMMARY_H_
