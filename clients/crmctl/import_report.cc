#include "clients/crmctl/import_report.h"

#include "absl/strings/str_cat.h"
#include "clients/crmctl/csv_writer.h"

namespace crm::crmctl {

absl::Status WriteImportReport(const std::vector<ImportFailure>& failures, std::istream& source,
                               std::ostream& out) {
  out << kImportReportHeader << "\n";
  CsvWriter writer(out);
  std::string row;
  for (const ImportFailure& failure : failures) {
    row.assign(static_cast<size_t>(failure.length), '\0');
    source.clear();
    source.seekg(failure.offset);
    source.read(row.data(), failure.length);
    row.resize(static_cast<size_t>(source.gcount()));
    writer.WriteRecord({absl::StrCat(failure.line), failure.column, failure.code, failure.message,
                        row});
  }
  out.flush();
  if (!out) return absl::DataLossError("writing the error report failed");
  return absl::OkStatus();
}

}  // namespace crm::crmctl
