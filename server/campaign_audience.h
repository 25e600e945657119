#ifndef CRM_SERVER_CAMPAIGN_AUDIENCE_H_
#define CRM_SERVER_CAMPAIGN_AUDIENCE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "crm/v1/campaign.pb.h"
#include "crm/v1/contact.pb.h"
#include "server/validation/contact_policy_rules.h"
#include "storage/campaign_repository.h"
#include "storage/campaign_run_repository.h"

// Who of a campaign's audience goes where (docs/campaigns.md "Audience"): the first
// matching cell, the channel's consent and address, and the control holdout. Pure
// functions, shared by PreviewAudience, the snapshot and the hand-out.
namespace crm::server {

// The contact consent a campaign channel needs; CHANNEL_UNSPECIFIED for MEMBER_WEB,
// which needs none.
v1::Channel ConsentChannel(v1::CampaignChannel channel);

// The control-group draw of a contact in a campaign, uniform in [0, 1): the top 53
// bits of SplitMix64(FNV-1a 64 of "<campaign id>/<contact id>"), divided by 2^53.
// A contact is control when the draw is below control_percent / 100: reproducible,
// and the same rate in every cell.
double ControlDraw(absl::string_view campaign_id, absl::string_view contact_id);

// Places one scanned contact and counts it in `tally` (matched, cells, exclusions).
std::optional<storage::SnapshotMember> AssignAudienceMember(const v1::Campaign& campaign,
                                                            absl::string_view campaign_id,
                                                            const storage::AudienceCandidate& candidate,
                                                            v1::AudiencePreview& tally);

// The address a channel uses: the first email, the first phone, the postal address,
// or the contact's resource name for MEMBER_WEB. Empty when the contact has none.
std::string ChannelAddress(v1::CampaignChannel channel, absl::string_view contact_id,
                           absl::string_view first_email, absl::string_view first_phone,
                           absl::string_view address);

// At hand-out: consent is checked again (it may have been withdrawn since the
// snapshot), then the contact policy. A recipient handed out before (a lease
// takeover) is handed out again without counting a new touch.
storage::HandOutDecision DecideHandOut(const v1::Campaign& campaign, const EffectiveContactPolicy& policy,
                                       const storage::RecipientCandidate& candidate);

}  // namespace crm::server

#endif  // CRM_SERVER_CAMPAIGN_AUDIENCE_H_
