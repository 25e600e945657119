#include "storage/multi_row_insert.h"

#include "absl/strings/str_cat.h"

namespace crm::storage {

std::vector<InsertChunk> InsertChunks(size_t row_count) {
  constexpr int kChunkSizes[] = {1000, 250, 50, 10, 1};
  std::vector<InsertChunk> chunks;
  for (size_t begin = 0; begin < row_count;) {
    int size = 1;
    for (int candidate : kChunkSizes) {
      if (static_cast<size_t>(candidate) <= row_count - begin) {
        size = candidate;
        break;
      }
    }
    chunks.push_back({begin, size});
    begin += static_cast<size_t>(size);
  }
  return chunks;
}

std::string MultiRowInsertSql(absl::string_view prefix, absl::string_view row_placeholders, int rows,
                              absl::string_view suffix) {
  std::string sql(prefix);
  sql.reserve(prefix.size() + static_cast<size_t>(rows) * (row_placeholders.size() + 2) + suffix.size());
  for (int i = 0; i < rows; ++i) absl::StrAppend(&sql, i == 0 ? "" : ", ", row_placeholders);
  absl::StrAppend(&sql, suffix);
  return sql;
}

}  // namespace crm::storage
