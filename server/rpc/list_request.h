#ifndef CRM_SERVER_RPC_LIST_REQUEST_H_
#define CRM_SERVER_RPC_LIST_REQUEST_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "server/filter/filter.h"
#include "server/rpc/page_token.h"
#include "storage/list_query.h"

namespace crm::server {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// The `order_by` values a List accepts and its default order.
struct SortOptions {
  std::vector<std::pair<std::string, storage::SortKey>> fields;
  storage::SortKey default_key = storage::SortKey::kCreateTime;
  bool default_descending = false;
};

// display_name, create_time, update_time; default creation order.
const SortOptions& StandardSortOptions();

// The standard List fields of AIP-132.
struct ListRequestFields {
  int page_size = 0;
  absl::string_view page_token;
  absl::string_view filter;
  absl::string_view order_by;
};

// Turns a List request into a storage query and back into next-page tokens: checks
// page_size, compiles the filter against the resource's whitelist, parses order_by
// (one of the resource's sort fields, then optionally ` desc`/` asc`) and verifies
// the page token belongs to this scope and this query.
class ListRequest {
 public:
  static absl::StatusOr<ListRequest> Parse(absl::string_view method, absl::string_view scope,
                                           const ListRequestFields& fields,
                                           const filter::FieldCatalog& catalog,
                                           const PageTokenCodec& tokens,
                                           const SortOptions& sort = StandardSortOptions());

  const storage::ListQuery& query() const { return query_; }
  // The token for the page after this one; empty at the end.
  std::string NextPageToken(const std::optional<storage::ListCursor>& next) const;

 private:
  ListRequest(storage::ListQuery query, std::string scope, std::string fingerprint,
              const PageTokenCodec& tokens)
      : query_(std::move(query)),
        scope_(std::move(scope)),
        fingerprint_(std::move(fingerprint)),
        tokens_(&tokens) {}

  storage::ListQuery query_;
  std::string scope_;
  std::string fingerprint_;
  const PageTokenCodec* tokens_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_LIST_REQUEST_H_
