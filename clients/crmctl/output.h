// How crmctl shows results: aligned tables for people, JSON for scripts.
#ifndef CRM_CLIENTS_CRMCTL_OUTPUT_H_
#define CRM_CLIENTS_CRMCTL_OUTPUT_H_

#include <ostream>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include <google/protobuf/message.h>

namespace crm::crmctl {

class CliContext;

// A plain text table: a header row and left-aligned columns separated by two spaces.
// Cells are single-line (newlines become spaces) and cut at `max_cell_width`.
class Table {
 public:
  explicit Table(std::vector<std::string> headers, size_t max_cell_width = 48);
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  size_t max_cell_width_;
};

// The value at `path` ("display_name", "consent.email.state", "quotas.max_contacts")
// as text: enums by their name without the type prefix (STATE_ACTIVE → ACTIVE),
// Timestamps in RFC 3339 UTC, crm.v1.Money as "123.45", repeated fields joined with
// ", ", other messages as compact JSON, unset messages as "". Unknown path: "?".
std::string FieldText(const google::protobuf::Message& message, absl::string_view path);

// A measure for people: 33840, 804.90, 0.833 (no exponents, sensible decimals).
std::string HumanNumber(double value);

// The message as JSON (proto3 JSON mapping, field names as in the .proto), one line
// when `compact`, indented otherwise.
std::string ToJson(const google::protobuf::Message& message, bool compact = false);

// JSON output: the message; table output: one "field  value" row per set top-level
// field (nested messages as compact JSON).
void PrintMessage(CliContext& context, const google::protobuf::Message& message);

// Table output of `items` with one column per path; JSON output: `response` as is.
void PrintList(CliContext& context, const google::protobuf::Message& response,
               const std::vector<const google::protobuf::Message*>& items,
               const std::vector<std::string>& paths, const std::string& next_page_token);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_OUTPUT_H_
