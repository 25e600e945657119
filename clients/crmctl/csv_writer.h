// Writes RFC 4180 CSV: fields are quoted only when they must be (a delimiter, quote,
// line break or surrounding space), quotes doubled; records end with "\n".
#ifndef CRM_CLIENTS_CRMCTL_CSV_WRITER_H_
#define CRM_CLIENTS_CRMCTL_CSV_WRITER_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::crmctl {

// `value` as one CSV field.
std::string CsvField(absl::string_view value);

// The fields as one CSV record, with its line break.
std::string CsvRecordText(const std::vector<std::string>& fields);

class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  void WriteRecord(const std::vector<std::string>& fields) { out_ << CsvRecordText(fields); }

 private:
  std::ostream& out_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_CSV_WRITER_H_
