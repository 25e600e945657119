// The error report of an import: one CSV row per row that was not imported, with
// its file line, the column at fault, the status code, the reason and the row as it
// is in the file (so the rows can be fixed and imported again).
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_REPORT_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_REPORT_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/crmctl/import_driver.h"

namespace crm::crmctl {

// The report's columns.
inline constexpr char kImportReportHeader[] = "line,column,code,message,row";

// Writes the header and one record per failure. Each failure's row text is read
// from `source` (the imported file) at its offset. An I/O error is DATA_LOSS.
absl::Status WriteImportReport(const std::vector<ImportFailure>& failures, std::istream& source,
                               std::ostream& out);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_REPORT_H_
