#include "clients/crmctl/import_layout.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace crm::crmctl {

bool RejectRow(RowProblem* problem, std::string column, std::string message) {
  problem->column = std::move(column);
  problem->code = absl::StatusCode::kInvalidArgument;
  problem->message = std::move(message);
  return false;
}

absl::StatusOr<ImportLayout> ImportLayout::FromHeader(const std::vector<std::string>& header,
                                                      const std::vector<ColumnSpec>& columns,
                                                      absl::string_view prefix, int prefix_id) {
  ImportLayout layout;
  std::vector<std::string> problems;
  absl::flat_hash_map<std::string, size_t> seen;  // canonical name (or id) → column number
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string written(absl::StripAsciiWhitespace(header[i]));
    const std::string lower = absl::AsciiStrToLower(written);
    const size_t number = i + 1;
    int id = -1;
    std::string name;
    std::string key;
    for (const ColumnSpec& column : columns) {
      if (lower == column.name) {
        id = column.id;
        name = std::string(column.name);
      }
    }
    if (id < 0 && !prefix.empty() && absl::StartsWithIgnoreCase(written, prefix) &&
        written.size() > prefix.size()) {
      id = prefix_id;
      key = written.substr(prefix.size());
      name = absl::StrCat(prefix, key);
    }
    if (id < 0) {
      problems.push_back(written.empty()
                             ? absl::StrCat("column ", number, " has no name")
                             : absl::StrCat("unknown column \"", written, "\" (column ", number, ")"));
      continue;
    }
    // Aliases of one field count as the same column; prefix columns by their key.
    const std::string identity = key.empty() ? absl::StrCat("#", id) : name;
    if (auto [it, inserted] = seen.emplace(identity, number); !inserted) {
      problems.push_back(absl::StrCat("column \"", written, "\" (column ", number,
                                      ") repeats column ", it->second));
      continue;
    }
    layout.ids_.push_back(id);
    layout.names_.push_back(std::move(name));
    layout.keys_.push_back(std::move(key));
  }
  if (!problems.empty()) {
    std::vector<std::string> known;
    for (const ColumnSpec& column : columns) known.emplace_back(column.name);
    if (!prefix.empty()) known.push_back(absl::StrCat(prefix, "<key>"));
    return absl::InvalidArgumentError(absl::StrCat(absl::StrJoin(problems, "; "),
                                                   ". The columns are: ",
                                                   absl::StrJoin(known, ", ")));
  }
  return layout;
}

bool ImportLayout::Has(int id) const {
  for (int column : ids_) {
    if (column == id) return true;
  }
  return false;
}

std::string ImportLayout::NameOf(int id) const {
  for (size_t i = 0; i < ids_.size(); ++i) {
    if (ids_[i] == id) return names_[i];
  }
  return "";
}

std::optional<RowProblem> ImportLayout::CheckFieldCount(size_t field_count) const {
  if (field_count == size()) return std::nullopt;
  RowProblem problem;
  problem.message = absl::StrCat("the row has ", field_count, " field", field_count == 1 ? "" : "s",
                                 ", the header ", size());
  if (field_count < size()) {
    problem.column = names_[field_count];
    absl::StrAppend(&problem.message, " (", names_[field_count], " and after are missing)");
  } else {
    problem.column = absl::StrCat(size() + 1);
    absl::StrAppend(&problem.message, " (a ',' too many, or a field that should be quoted?)");
  }
  return problem;
}

}  // namespace crm::crmctl
