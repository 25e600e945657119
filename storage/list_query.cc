#include "storage/list_query.h"

#include "absl/strings/str_cat.h"

namespace crm::storage {

std::string SortColumn(SortKey key, const ListTable& table) {
  switch (key) {
    case SortKey::kCreateTime:
      // Time-ordered ids are the creation order and need no second column.
      return table.id_is_time_ordered ? table.id_column : "create_time";
    case SortKey::kUpdateTime:
      return "update_time";
    case SortKey::kDisplayName:
      return "display_name";
    case SortKey::kPurchaseTime:
      return "purchase_time";
    case SortKey::kInteractionTime:
      return "interaction_time";
    case SortKey::kNextFollowUpTime:
      return "next_follow_up_time";
    case SortKey::kClv:
      return "clv_micros";
    case SortKey::kExpectedValue:
      return "expected_value_micros";
  }
  return table.id_column;
}

namespace {

SqlFragment BuildList(const ListTable& table, const std::string* tenant_id,
                      const ListQuery& query) {
  SqlFragment out;
  out.sql = absl::StrCat("SELECT ", table.columns, " FROM ", table.table, " WHERE ");
  if (tenant_id != nullptr) {
    for (int i = 0; i < table.tenant_params_in_table; ++i) out.params.push_back(*tenant_id);
    absl::StrAppend(&out.sql, table.tenant_column, " = ?");
    out.params.push_back(*tenant_id);
  } else {
    absl::StrAppend(&out.sql, "TRUE");
  }
  if (!query.filter.sql.empty()) {
    absl::StrAppend(&out.sql, " AND (", query.filter.sql, ")");
    out.params.insert(out.params.end(), query.filter.params.begin(), query.filter.params.end());
  }
  const std::string sort_column = SortColumn(query.sort_key, table);
  const bool by_id_only = sort_column == table.id_column;
  const char* cmp = query.descending ? "<" : ">";
  if (query.after) {
    if (by_id_only) {
      absl::StrAppend(&out.sql, " AND ", table.id_column, " ", cmp, " ?");
      out.params.push_back(query.after->id);
    } else {
      absl::StrAppend(&out.sql, " AND (", sort_column, " ", cmp, " ? OR (", sort_column, " = ? AND ",
                      table.id_column, " ", cmp, " ?))");
      out.params.push_back(query.after->sort_value);
      out.params.push_back(query.after->sort_value);
      out.params.push_back(query.after->id);
    }
  }
  const char* direction = query.descending ? " DESC" : "";
  absl::StrAppend(&out.sql, " ORDER BY ");
  if (!by_id_only) absl::StrAppend(&out.sql, sort_column, direction, ", ");
  absl::StrAppend(&out.sql, table.id_column, direction, " LIMIT ?");
  out.params.push_back(static_cast<int64_t>(query.page_size) + 1);
  return out;
}

}  // namespace

SqlFragment BuildListStatement(const ListTable& table, const std::string& tenant_id,
                               const ListQuery& query) {
  return BuildList(table, &tenant_id, query);
}

SqlFragment BuildGlobalListStatement(const ListTable& table, const ListQuery& query) {
  return BuildList(table, nullptr, query);
}

}  // namespace crm::storage
