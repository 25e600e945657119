#include "server/services/audience_preview.h"

#include <vector>

#include "server/campaign_audience.h"
#include "server/validation/campaign_rules.h"
#include "storage/row_codec.h"

namespace crm::server {

absl::StatusOr<v1::AudiencePreview> CountAudience(storage::CampaignRepository& campaigns,
                                                  const storage::TenantId& tenant, const v1::Campaign& campaign,
                                                  const std::string& campaign_id,
                                                  const EffectiveContactPolicy& policy, absl::Time deadline) {
  absl::StatusOr<storage::AudienceFilterSql> filters = CompileAudience(campaign);
  if (!filters.ok()) return filters.status();
  v1::AudiencePreview tally;
  for (const v1::CampaignCell& cell : campaign.cells()) tally.add_cells()->set_cell(cell.display_name());
  const absl::Time touches_since = storage::NowMicros() - policy.period;
  std::string after;
  while (true) {
    std::vector<std::string> test_members;
    std::vector<int> test_channels;
    absl::StatusOr<std::optional<std::string>> last = campaigns.ScanAudience(
        tenant, *filters, after, storage::CampaignRepository::kSnapshotChunk,
        [&](const storage::AudienceCandidate& candidate) {
          std::optional<storage::SnapshotMember> member =
              AssignAudienceMember(campaign, campaign_id, candidate, tally);
          if (member && !member->control) {
            test_members.push_back(candidate.contact_id);
            test_channels.push_back(campaign.cells(member->cell_index).channel());
          }
        },
        deadline);
    if (!last.ok()) return last.status();
    absl::StatusOr<std::vector<std::array<int, 6>>> touches =
        campaigns.TouchCounts(tenant, test_members, touches_since, deadline);
    if (!touches.ok()) return touches.status();
    int64_t capped = 0;
    for (size_t i = 0; i < test_members.size(); ++i) {
      const auto& counts = (*touches)[i];
      if (!TouchAllowed(policy, counts[0], counts[static_cast<size_t>(test_channels[i])])) ++capped;
    }
    v1::AudienceExclusions& exclusions = *tally.mutable_exclusions();
    exclusions.set_contact_policy_cap(exclusions.contact_policy_cap() + capped);
    if (!last->has_value()) break;
    after = **last;
  }
  return tally;
}

}  // namespace crm::server
