#ifndef CRM_STORAGE_LEAD_CONVERSION_H_
#define CRM_STORAGE_LEAD_CONVERSION_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "storage/transaction.h"

namespace crm::storage {

// A purchase converts a lead if it was made no earlier than this before the lead's
// creation: purchase times come from the partner's clock, which may differ from ours
// by the same few minutes tolerated for times "in the future". The conversion time is
// then never before the creation.
inline constexpr absl::Duration kConversionClockSkew = absl::Minutes(5);

// A purchase (not a refund) just written, which may convert its contact's leads.
struct ConvertingPurchase {
  std::string contact_id;
  std::string purchase_id;
  absl::Time time;
};

// A prospect converts on its first purchase: every ACTIVE or INVALID lead of the
// purchases' contacts becomes CONVERTED by the earliest of its contact's purchases
// made at or after the lead was created, less kConversionClockSkew (earlier purchases
// predate the lead and do not convert it). Runs inside the transaction that writes the purchases, so a
// purchase and the conversion it causes commit together. One indexed IN-list read
// finds the open leads; nothing is written when there are none.
void ConvertLeadsOnPurchases(Transaction& tx, const std::vector<ConvertingPurchase>& purchases);

}  // namespace crm::storage

#endif  // CRM_STORAGE_LEAD_CONVERSION_H_
