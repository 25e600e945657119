// FieldCatalog (the per-resource whitelist of fields) and FieldTypeName.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "server/filter/filter.h"

namespace crm::filter {
namespace {

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  const auto is_letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!is_letter(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) {
    return is_letter(c) || (c >= '0' && c <= '9');
  });
}

// A malformed catalog is a bug in server code, found by the first test that
// builds it; there is no caller that could handle it at run time.
[[noreturn]] void CatalogBug(std::string_view field, std::string_view problem) {
  std::fprintf(stderr, "FieldCatalog: field \"%.*s\": %.*s\n",
               static_cast<int>(field.size()), field.data(),
               static_cast<int>(problem.size()), problem.data());
  std::abort();
}

void ValidateSpec(const FieldSpec& spec) {
  // Keywords cannot be parsed as field names.
  if (!IsIdentifier(spec.name) || spec.name == "AND" || spec.name == "OR" ||
      spec.name == "NOT") {
    CatalogBug(spec.name, "name must be an identifier and not AND, OR or NOT");
  }
  if (spec.column.empty()) CatalogBug(spec.name, "column is empty");
  if (spec.type == FieldType::kEnum) {
    if (spec.enum_values.empty()) CatalogBug(spec.name, "enum has no values");
    std::set<std::string_view> seen;
    for (const auto& [name, stored] : spec.enum_values) {
      if (name.empty() || !seen.insert(name).second) {
        CatalogBug(spec.name, "enum value names must be non-empty and unique");
      }
    }
  } else if (!spec.enum_values.empty()) {
    CatalogBug(spec.name, "enum_values given for a field that is not kEnum");
  }
  if ((spec.type == FieldType::kResourceName) == spec.resource_prefix.empty()) {
    CatalogBug(spec.name, "resource_prefix is required for, and only for, kResourceName");
  }
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInt64:
      return "integer";
    case FieldType::kDouble:
      return "number";
    case FieldType::kBool:
      return "boolean";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kDate:
      return "date";
    case FieldType::kMoneyMicros:
      return "money";
    case FieldType::kStringList:
      return "list";
    case FieldType::kStringMap:
      return "map";
    case FieldType::kResourceName:
      return "resource name";
  }
  return "unknown";
}

FieldCatalog::FieldCatalog(std::vector<FieldSpec> fields)
    : fields_(std::move(fields)) {
  // absl::string_view: Debian's absl::StrJoin cannot format std::string_view.
  std::vector<absl::string_view> names;
  for (size_t i = 0; i < fields_.size(); ++i) {
    ValidateSpec(fields_[i]);
    if (!index_by_name_.emplace(fields_[i].name, i).second) {
      CatalogBug(fields_[i].name, "listed twice");
    }
    names.push_back(fields_[i].name);
  }
  std::sort(names.begin(), names.end());
  field_names_for_message_ = absl::StrJoin(names, ", ");
}

const FieldSpec* FieldCatalog::Find(std::string_view name) const {
  const auto it = index_by_name_.find(name);
  return it == index_by_name_.end() ? nullptr : &fields_[it->second];
}

}  // namespace crm::filter
