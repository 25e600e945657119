// Turns a syntax tree into SQL: resolves each field against the catalog, checks
// that operator and value suit the field's type, converts the value, and emits
// a `?` placeholder for it.
#ifndef CRM_SERVER_FILTER_SQL_COMPILER_H_
#define CRM_SERVER_FILTER_SQL_COMPILER_H_

#include "absl/status/statusor.h"
#include "server/filter/ast.h"
#include "server/filter/filter.h"
#include "storage/sql_fragment.h"

namespace crm::filter::internal {

// AND and OR nodes are emitted wrapped in parentheses and NOT as `NOT (...)`,
// so the result is always a single predicate that can be combined with other
// conditions without regard to precedence.
absl::StatusOr<crm::storage::SqlFragment> CompileToSql(
    const Node& root, const FieldCatalog& catalog);

}  // namespace crm::filter::internal

#endif  // CRM_SERVER_FILTER_SQL_COMPILER_H_
