#include "storage/campaign_completion.h"

#include <string>

#include "storage/row_codec.h"

namespace crm::storage {

void CompleteCampaignIfFinished(Transaction& tx, absl::string_view campaign_id, absl::Time now) {
  tx.Execute(
      "UPDATE campaigns SET state = 5, end_time = ?, revision = revision + 1, update_time = ? "
      "WHERE tenant_id = ? AND campaign_id = ? AND state = 3 AND snapshot_done = 1 AND NOT EXISTS "
      "(SELECT 1 FROM campaign_runs r WHERE r.tenant_id = ? AND r.campaign_id = ? AND r.state IN (1, 2))",
      {ToSqlDatetime(now), ToSqlDatetime(now), tx.tenant().value(), std::string(campaign_id),
       tx.tenant().value(), std::string(campaign_id)});
}

}  // namespace crm::storage
