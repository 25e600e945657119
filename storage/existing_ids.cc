#include "storage/existing_ids.h"

#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"

namespace crm::storage {

void ForEachRowWithValueIn(Transaction& tx, const char* table, const char* column,
                           const std::string& select_list, const std::vector<std::string>& ids,
                           const char* suffix, const std::function<void(sql::ResultSet&)>& visit) {
  constexpr int kChunkSizes[] = {1000, 250, 50, 10, 1};
  for (size_t start = 0; start < ids.size();) {
    int chunk = 1;
    for (int size : kChunkSizes) {
      if (static_cast<size_t>(size) <= ids.size() - start) {
        chunk = size;
        break;
      }
    }
    std::string sql = absl::StrCat("SELECT ", select_list, " FROM ", table,
                                   " WHERE tenant_id = ? AND ", column, " IN (");
    std::vector<SqlValue> params = {tx.tenant().value()};
    for (int i = 0; i < chunk; ++i) {
      absl::StrAppend(&sql, i == 0 ? "?" : ", ?");
      params.push_back(ids[start + i]);
    }
    absl::StrAppend(&sql, ")", suffix);
    auto rows = tx.Query(sql, params);
    while (rows->next()) visit(*rows);
    start += chunk;
  }
}

absl::flat_hash_set<std::string> ExistingIds(Transaction& tx, const char* table, const char* column,
                                             const std::vector<std::string>& ids, const char* suffix) {
  absl::flat_hash_set<std::string> existing;
  ForEachRowWithValueIn(tx, table, column, column, ids, suffix, [&](sql::ResultSet& row) {
    existing.insert(std::string(row.getString(1)));
  });
  return existing;
}

}  // namespace crm::storage
