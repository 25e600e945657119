#include "clients/crmctl/csv_writer.h"

namespace crm::crmctl {

std::string CsvField(absl::string_view value) {
  // Leading or trailing spaces are quoted so that tools that trim unquoted fields
  // keep them; an empty value stays empty (not "").
  const bool needs_quotes = value.find_first_of(",\"\r\n") != absl::string_view::npos ||
                            (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs_quotes) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string CsvRecordText(const std::vector<std::string>& fields) {
  std::string text;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) text += ',';
    text += CsvField(fields[i]);
  }
  // A record of one empty field would read back as an empty line, which readers skip.
  if (fields.size() == 1 && fields[0].empty()) text = "\"\"";
  text += '\n';
  return text;
}

}  // namespace crm::crmctl
