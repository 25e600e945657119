#ifndef CRM_STORAGE_CAMPAIGN_RESULTS_SOURCE_H_
#define CRM_STORAGE_CAMPAIGN_RESULTS_SOURCE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/connection_pool.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// Frozen audience members of one cell, arm and delivery state.
struct RecipientTally {
  int cell_index = 0;
  bool control = false;
  int delivery_state = 0;
  int64_t count = 0;
};

// An audience member with qualifying purchases in their window: a sent test
// recipient from its sent time, a control member from the campaign start.
struct PurchaseResponder {
  std::string contact_id;
  int cell_index = 0;
  bool control = false;
  int64_t revenue_micros = 0;
  int64_t margin_micros = 0;
};

// An explicit response with where its contact sits in the audience.
struct RecordedResponse {
  std::string contact_id;
  int cell_index = 0;
  bool control = false;
  bool sent = false;
  std::optional<absl::Time> sent_time;
  int kind = 0;
  absl::Time response_time;
};

// A purchase as the daily series and the event comparison need it.
struct PurchasePoint {
  std::string contact_id;
  absl::Time time;
  int64_t amount_micros = 0;
};

// The reads behind CampaignService.GetCampaignResults, for one tenant and campaign.
// `categories` empty means any purchase.
class CampaignResultsSource {
 public:
  explicit CampaignResultsSource(ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::vector<RecipientTally>> Tallies(const TenantId& tenant, absl::string_view campaign_id,
                                                      absl::Time deadline);
  absl::StatusOr<std::vector<PurchaseResponder>> PurchaseResponders(
      const TenantId& tenant, absl::string_view campaign_id, absl::Time campaign_start, int window_days,
      const std::vector<std::string>& categories, absl::Time deadline);
  absl::StatusOr<std::vector<RecordedResponse>> Responses(const TenantId& tenant, absl::string_view campaign_id,
                                                          absl::Time deadline);
  // Sum of qualifying purchases in [start, end) over the whole tenant.
  absl::StatusOr<int64_t> SalesTotal(const TenantId& tenant, absl::Time start, absl::Time end,
                                     const std::vector<std::string>& categories, absl::Time deadline);
  // Qualifying purchases in [start, end) over the whole tenant, in time order.
  absl::Status ForEachPurchase(const TenantId& tenant, absl::Time start, absl::Time end,
                               const std::vector<std::string>& categories,
                               const std::function<void(const PurchasePoint&)>& visit, absl::Time deadline);
  // Test recipients that were sent (SENT, DELIVERED, BOUNCED).
  absl::StatusOr<std::vector<std::string>> SentTestMembers(const TenantId& tenant, absl::string_view campaign_id,
                                                           absl::Time deadline);
  // All purchases in [start, end) of the campaign's sent test recipients.
  absl::StatusOr<std::vector<PurchasePoint>> SentMemberPurchases(const TenantId& tenant,
                                                                 absl::string_view campaign_id, absl::Time start,
                                                                 absl::Time end, absl::Time deadline);

 private:
  ConnectionPool& pool_;
};

}  // namespace crm::storage

#endif  // CRM_STORAGE_CAMPAIGN_RESULTS_SOURCE_H_
