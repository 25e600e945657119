// The header row of an import file: which known column each field is, checked before
// anything is sent (an unknown column is a usage error naming it, not a silently
// dropped field).
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_LAYOUT_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_LAYOUT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::crmctl {

// Why one row was not imported, as the error report shows it.
struct RowProblem {
  std::string column;  // the column's name, or its 1-based number past the header
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  std::string message;
};

// Fills `problem` (INVALID_ARGUMENT in `column`) and returns false: how a row mapper
// rejects a row.
bool RejectRow(RowProblem* problem, std::string column, std::string message);

// A column an import accepts. Several names may share an id (aliases).
struct ColumnSpec {
  absl::string_view name;  // lower case
  int id;
};

class ImportLayout {
 public:
  // Matches each header field (trimmed, any case) to `columns`, or to the family of
  // columns starting with `prefix` (e.g. "attr."; the rest of the name, as written,
  // is the column's key) when `prefix` is not empty. INVALID_ARGUMENT naming every
  // unknown, nameless or repeated column.
  static absl::StatusOr<ImportLayout> FromHeader(const std::vector<std::string>& header,
                                                 const std::vector<ColumnSpec>& columns,
                                                 absl::string_view prefix = "",
                                                 int prefix_id = -1);

  size_t size() const { return ids_.size(); }
  int id(size_t index) const { return ids_[index]; }
  // The column's canonical name (lower case), or prefix + key for a prefix column.
  const std::string& name(size_t index) const { return names_[index]; }
  // What follows the prefix, for prefix columns; "" otherwise.
  const std::string& key(size_t index) const { return keys_[index]; }
  bool Has(int id) const;
  // The canonical name of the first column with `id` in this header, or "".
  std::string NameOf(int id) const;

  // A problem when a record has another number of fields than the header.
  std::optional<RowProblem> CheckFieldCount(size_t field_count) const;

 private:
  std::vector<int> ids_;
  std::vector<std::string> names_;
  std::vector<std::string> keys_;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_LAYOUT_H_
