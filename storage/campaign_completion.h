#ifndef CRM_STORAGE_CAMPAIGN_COMPLETION_H_
#define CRM_STORAGE_CAMPAIGN_COMPLETION_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/transaction.h"

namespace crm::storage {

// A RUNNING campaign becomes COMPLETED (end_time = now) once its snapshot is done and
// none of its runs is PENDING or IN_PROGRESS. Call with the campaign row locked.
void CompleteCampaignIfFinished(Transaction& tx, absl::string_view campaign_id, absl::Time now);

}  // namespace crm::storage

#endif  // CRM_STORAGE_CAMPAIGN_COMPLETION_H_
