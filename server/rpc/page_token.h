#ifndef CRM_SERVER_RPC_PAGE_TOKEN_H_
#define CRM_SERVER_RPC_PAGE_TOKEN_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "storage/list_query.h"

namespace crm::server {

// Opaque, tamper-proof page tokens (AIP-158). A token carries the keyset cursor plus
// the scope it was issued for (the tenant) and a fingerprint of the query (method,
// filter, order_by); all of it is authenticated with HMAC-SHA256 under a platform
// secret shared by every replica. A token that was forged, edited, or issued for
// another tenant or another query is INVALID_ARGUMENT.
class PageTokenCodec {
 public:
  explicit PageTokenCodec(std::string mac_key) : mac_key_(std::move(mac_key)) {}

  std::string Encode(absl::string_view scope, absl::string_view query_fingerprint,
                     const storage::ListCursor& cursor) const;
  absl::StatusOr<storage::ListCursor> Decode(absl::string_view token, absl::string_view scope,
                                             absl::string_view query_fingerprint) const;

 private:
  std::string Mac(absl::string_view payload) const;
  const std::string mac_key_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_RPC_PAGE_TOKEN_H_
