#ifndef CRM_STORAGE_EXISTING_IDS_H_
#define CRM_STORAGE_EXISTING_IDS_H_

#include <cppconn/resultset.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "storage/transaction.h"

namespace crm::storage {

// Runs `SELECT select_list FROM table WHERE tenant_id = ? AND column IN (...) suffix`
// for `ids` in IN lists of a few fixed sizes (so each connection caches few statements)
// and calls `visit` for every row. `table`, `column`, `select_list` and `suffix` are
// trusted constants of the caller, never input; the ids are bound.
void ForEachRowWithValueIn(Transaction& tx, const char* table, const char* column,
                           const std::string& select_list, const std::vector<std::string>& ids,
                           const char* suffix, const std::function<void(sql::ResultSet&)>& visit);

// The subset of `ids` present in `table`.`column` for the transaction's tenant, queried
// in IN lists of a few fixed sizes (so each connection caches few statements). `suffix`
// is appended to each query (e.g. a locking clause). `table` and `column` are trusted
// constants of the caller, never input.
absl::flat_hash_set<std::string> ExistingIds(Transaction& tx, const char* table, const char* column,
                                             const std::vector<std::string>& ids, const char* suffix);

}  // namespace crm::storage

#endif  // CRM_STORAGE_EXISTING_IDS_H_
