#include "server/campaign_audience.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace crm::server {
namespace {

uint64_t Fnv1a64(absl::string_view text, uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Why a contact cannot be reached on a channel, if it cannot.
enum class Reachability { kReachable, kOptedOut, kNoConsent, kNoAddress };

Reachability Reach(v1::CampaignChannel channel, const std::array<int, 5>& consent, absl::string_view address) {
  const v1::Channel needed = ConsentChannel(channel);
  if (needed != v1::CHANNEL_UNSPECIFIED) {
    const int state = consent[needed];
    if (state == v1::CONSENT_STATE_OPTED_OUT) return Reachability::kOptedOut;
    if (state != v1::CONSENT_STATE_OPTED_IN) return Reachability::kNoConsent;
  }
  if (address.empty()) return Reachability::kNoAddress;
  return Reachability::kReachable;
}

}  // namespace

v1::Channel ConsentChannel(v1::CampaignChannel channel) {
  switch (channel) {
    case v1::CAMPAIGN_CHANNEL_DIRECT_MAIL:
      return v1::CHANNEL_DIRECT_MAIL;
    case v1::CAMPAIGN_CHANNEL_EMAIL:
      return v1::CHANNEL_EMAIL;
    case v1::CAMPAIGN_CHANNEL_SMS:
      return v1::CHANNEL_SMS;
    case v1::CAMPAIGN_CHANNEL_CALL_CENTER:
      return v1::CHANNEL_PHONE;
    default:
      return v1::CHANNEL_UNSPECIFIED;
  }
}

double ControlDraw(absl::string_view campaign_id, absl::string_view contact_id) {
  const uint64_t hash = Fnv1a64(contact_id, Fnv1a64("/", Fnv1a64(campaign_id)));
  return static_cast<double>(SplitMix64(hash) >> 11) / static_cast<double>(uint64_t{1} << 53);
}

std::string ChannelAddress(v1::CampaignChannel channel, absl::string_view contact_id,
                           absl::string_view first_email, absl::string_view first_phone,
                           absl::string_view address) {
  switch (channel) {
    case v1::CAMPAIGN_CHANNEL_EMAIL:
      return std::string(first_email);
    case v1::CAMPAIGN_CHANNEL_SMS:
    case v1::CAMPAIGN_CHANNEL_CALL_CENTER:
      return std::string(first_phone);
    case v1::CAMPAIGN_CHANNEL_DIRECT_MAIL:
      return std::string(address);
    case v1::CAMPAIGN_CHANNEL_MEMBER_WEB:
      return absl::StrCat("contacts/", contact_id);
    default:
      return "";
  }
}

std::optional<storage::SnapshotMember> AssignAudienceMember(const v1::Campaign& campaign,
                                                            absl::string_view campaign_id,
                                                            const storage::AudienceCandidate& candidate,
                                                            v1::AudiencePreview& tally) {
  if (!candidate.in_audience) return std::nullopt;
  tally.set_matched(tally.matched() + 1);
  while (tally.cells_size() < campaign.cells_size()) {
    const int next = tally.cells_size();
    tally.add_cells()->set_cell(campaign.cells(next).display_name());
  }
  v1::AudienceExclusions& exclusions = *tally.mutable_exclusions();
  std::optional<int> cell_index;
  for (int i = 0; i < campaign.cells_size(); ++i) {
    if (!candidate.cell_matches[static_cast<size_t>(i)]) continue;
    if (cell_index) {
      exclusions.set_already_in_another_cell(exclusions.already_in_another_cell() + 1);
      continue;
    }
    cell_index = i;
  }
  if (!cell_index) {
    exclusions.set_no_matching_cell(exclusions.no_matching_cell() + 1);
    return std::nullopt;
  }
  const v1::CampaignChannel channel = campaign.cells(*cell_index).channel();
  const std::string address = ChannelAddress(channel, candidate.contact_id, candidate.first_email,
                                             candidate.first_phone, candidate.address);
  switch (Reach(channel, candidate.consent, address)) {
    case Reachability::kOptedOut:
      exclusions.set_opted_out(exclusions.opted_out() + 1);
      return std::nullopt;
    case Reachability::kNoConsent:
      exclusions.set_no_consent(exclusions.no_consent() + 1);
      return std::nullopt;
    case Reachability::kNoAddress:
      exclusions.set_no_address(exclusions.no_address() + 1);
      return std::nullopt;
    case Reachability::kReachable:
      break;
  }
  const bool control = ControlDraw(campaign_id, candidate.contact_id) * 100.0 < campaign.control_percent();
  v1::CellAudience& cell = *tally.mutable_cells(*cell_index);
  cell.set_audience(cell.audience() + 1);
  tally.set_audience(tally.audience() + 1);
  if (control) {
    cell.set_control(cell.control() + 1);
    tally.set_control(tally.control() + 1);
  } else {
    cell.set_test(cell.test() + 1);
  }
  return storage::SnapshotMember{*cell_index, control};
}

storage::HandOutDecision DecideHandOut(const v1::Campaign& campaign, const EffectiveContactPolicy& policy,
                                       const storage::RecipientCandidate& candidate) {
  storage::HandOutDecision decision;
  if (candidate.cell_index < 0 || candidate.cell_index >= campaign.cells_size() || !candidate.contact_exists) {
    decision.action = storage::HandOutDecision::Action::kSkipNoConsent;
    return decision;
  }
  const v1::CampaignChannel channel = campaign.cells(candidate.cell_index).channel();
  decision.channel = channel;
  decision.address = ChannelAddress(channel, candidate.contact_id, candidate.first_email, candidate.first_phone,
                                    candidate.address);
  if (Reach(channel, candidate.consent, decision.address) != Reachability::kReachable) {
    decision.action = storage::HandOutDecision::Action::kSkipNoConsent;
    return decision;
  }
  if (candidate.attempts == 0 &&
      !TouchAllowed(policy, candidate.touches[0], candidate.touches[static_cast<size_t>(channel)])) {
    decision.action = storage::HandOutDecision::Action::kSkipPolicy;
  }
  return decision;
}

}  // namespace crm::server
