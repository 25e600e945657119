#ifndef CRM_STORAGE_MULTI_ROW_INSERT_H_
#define CRM_STORAGE_MULTI_ROW_INSERT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::storage {

// A run of consecutive rows written by one multi-row INSERT.
struct InsertChunk {
  size_t begin = 0;
  int size = 0;
};

// Splits `row_count` rows into runs of a few fixed sizes (1000, 250, 50, 10, 1), largest
// first, so a connection prepares and caches at most five INSERT statements per table
// whatever the batch sizes.
std::vector<InsertChunk> InsertChunks(size_t row_count);

// `prefix` followed by `rows` copies of `row_placeholders` separated by ", ", then
// `suffix`: the text of one multi-row INSERT.
std::string MultiRowInsertSql(absl::string_view prefix, absl::string_view row_placeholders, int rows,
                              absl::string_view suffix = "");

}  // namespace crm::storage

#endif  // CRM_STORAGE_MULTI_ROW_INSERT_H_
