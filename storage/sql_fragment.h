#ifndef CRM_STORAGE_SQL_FRAGMENT_H_
#define CRM_STORAGE_SQL_FRAGMENT_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace crm::storage {

// A value bound to a `?` placeholder of a prepared statement. Values never become
// part of SQL text: this is how filters and page tokens stay injection-proof.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, bool, std::string>;

// A piece of SQL (for example a WHERE condition) with its `?` placeholders and the
// values bound to them, in order.
struct SqlFragment {
  std::string sql;
  std::vector<SqlValue> params;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_SQL_FRAGMENT_H_
