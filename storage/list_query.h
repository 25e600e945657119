#ifndef CRM_STORAGE_LIST_QUERY_H_
#define CRM_STORAGE_LIST_QUERY_H_

#include <optional>
#include <string>
#include <vector>

#include "storage/sql_fragment.h"

namespace crm::storage {

// Sort keys a List may use. Each is NOT NULL and indexed after tenant_id, and ties
// are broken by the resource id, so keyset pagination is exact.
// (kNextFollowUpTime is nullable: only offered where the filter excludes NULLs.)
enum class SortKey {
  kCreateTime,
  kUpdateTime,
  kDisplayName,
  kPurchaseTime,
  kInteractionTime,
  kNextFollowUpTime,
  kClv,            // customer_values only; nullable: the query must exclude NULLs
  kExpectedValue,  // customer_values only
};

// Where the previous page ended: the sort value and id of its last row.
struct ListCursor {
  std::string sort_value;  // empty for kCreateTime (the id is the creation order)
  std::string id;
};

struct ListQuery {
  SqlFragment filter;  // condition over the table's columns; empty = everything
  SortKey sort_key = SortKey::kCreateTime;
  bool descending = false;
  std::optional<ListCursor> after;
  int page_size = 50;
};

// Describes the table a List reads; names are trusted constants of a repository.
struct ListTable {
  const char* table;       // e.g. "contacts", or a join
  const char* id_column;   // e.g. "contact_id"
  const char* columns;     // the SELECT list
  // True when ids are time-ordered, so creation order is id order.
  bool id_is_time_ordered = true;
  // The tenant column of the WHERE clause (qualified when `table` is a join).
  const char* tenant_column = "tenant_id";
  // How many `?` in `table` (a join's condition) take the tenant id; they are bound
  // before the WHERE clause's parameters.
  int tenant_params_in_table = 0;
};

// One page of a List: the rows, and where the next page starts (none on the last).
template <typename Resource>
struct Page {
  std::vector<Resource> items;
  std::optional<ListCursor> next;
};

// Builds `SELECT columns FROM table WHERE tenant_id = ? AND (filter) AND (keyset)
// ORDER BY ... LIMIT page_size + 1` with its parameters; one row more than the page
// tells whether a next page exists.
SqlFragment BuildListStatement(const ListTable& table, const std::string& tenant_id,
                               const ListQuery& query);

// The same over a global table (tenants): no tenant condition.
SqlFragment BuildGlobalListStatement(const ListTable& table, const ListQuery& query);

// The sort column of `key` for `table`.
std::string SortColumn(SortKey key, const ListTable& table);

}  // namespace crm::storage

#endif  // CRM_STORAGE_LIST_QUERY_H_
