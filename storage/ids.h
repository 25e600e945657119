#ifndef CRM_STORAGE_IDS_H_
#define CRM_STORAGE_IDS_H_

#include <string>
#include "absl/strings/string_view.h"

namespace crm::storage {

// A new resource id: 26 characters of lower-case Crockford base32 encoding 48 bits of
// Unix milliseconds followed by 80 random bits (a lower-case ULID). Ids sort by
// creation time, which keeps InnoDB inserts append-mostly and keyset pages stable,
// and they need no AUTO_INCREMENT (Vitess-ready). Within one process ids are strictly
// increasing (same-millisecond ids count up), so creation order is id order.
std::string NewResourceId();

// True for strings NewResourceId could have produced.
bool IsResourceId(absl::string_view id);

// `n` random bytes from the OpenSSL CSPRNG, encoded as lower-case base32 (no padding).
std::string RandomBase32(int n_bytes);

}  // namespace crm::storage

#endif  // CRM_STORAGE_IDS_H_
