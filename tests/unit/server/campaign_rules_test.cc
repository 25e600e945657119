// The pure campaign rules: state moves, the control draw, audience placement, the
// hand-out decision and the contact policy's quiet hours.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "server/analysis/campaign_measurement.h"
#include "server/campaign_audience.h"
#include "server/validation/campaign_rules.h"
#include "server/validation/contact_policy_rules.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

using v1::Campaign;

Campaign TwoCells(double control_percent) {
  Campaign campaign;
  campaign.set_display_name("c");
  campaign.set_objective(Campaign::OBJECTIVE_PROMOTION);
  v1::CampaignCell* sms = campaign.add_cells();
  sms->set_display_name("sms");
  sms->set_channel(v1::CAMPAIGN_CHANNEL_SMS);
  v1::CampaignCell* web = campaign.add_cells();
  web->set_display_name("web");
  web->set_channel(v1::CAMPAIGN_CHANNEL_MEMBER_WEB);
  campaign.set_control_percent(control_percent);
  storage::ToProtoTimestamp(absl::FromUnixSeconds(1'800'000'000), campaign.mutable_schedule()->mutable_start_time());
  storage::ToProtoTimestamp(absl::FromUnixSeconds(1'800'000'000) + absl::Hours(48),
                            campaign.mutable_schedule()->mutable_end_time());
  return campaign;
}

storage::AudienceCandidate Candidate(const std::string& id, bool sms_cell, bool web_cell,
                                     v1::ConsentState sms_consent, const std::string& phone) {
  storage::AudienceCandidate candidate;
  candidate.contact_id = id;
  candidate.in_audience = true;
  candidate.cell_matches = {sms_cell, web_cell};
  candidate.consent[v1::CHANNEL_SMS] = sms_consent;
  candidate.first_phone = phone;
  return candidate;
}

TEST(CampaignTransitionTest, OnlyTheDocumentedMovesAreAllowed) {
  const std::vector<std::pair<Campaign::State, Campaign::State>> allowed = {
      {Campaign::STATE_DRAFT, Campaign::STATE_SCHEDULED},     {Campaign::STATE_SCHEDULED, Campaign::STATE_RUNNING},
      {Campaign::STATE_RUNNING, Campaign::STATE_COMPLETED},   {Campaign::STATE_SCHEDULED, Campaign::STATE_PAUSED},
      {Campaign::STATE_RUNNING, Campaign::STATE_PAUSED},      {Campaign::STATE_PAUSED, Campaign::STATE_RUNNING},
      {Campaign::STATE_DRAFT, Campaign::STATE_CANCELLED},
      {Campaign::STATE_SCHEDULED, Campaign::STATE_CANCELLED}, {Campaign::STATE_RUNNING, Campaign::STATE_CANCELLED},
      {Campaign::STATE_PAUSED, Campaign::STATE_CANCELLED},
  };
  for (int from = Campaign::STATE_DRAFT; from <= Campaign::STATE_CANCELLED; ++from) {
    for (int to = Campaign::STATE_DRAFT; to <= Campaign::STATE_CANCELLED; ++to) {
      const auto move = std::make_pair(static_cast<Campaign::State>(from), static_cast<Campaign::State>(to));
      const bool expected = std::find(allowed.begin(), allowed.end(), move) != allowed.end();
      const absl::Status status = CheckCampaignTransition(move.first, move.second);
      EXPECT_EQ(status.ok(), expected) << from << " -> " << to;
      if (!expected) {
        EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
      }
    }
  }
}

TEST(ControlDrawTest, ReproducibleUniformAndPerCampaign) {
  EXPECT_EQ(ControlDraw("c1", "k1"), ControlDraw("c1", "k1"));
  EXPECT_NE(ControlDraw("c1", "k1"), ControlDraw("c2", "k1"));
  int below = 0;
  constexpr int kContacts = 100'000;
  for (int i = 0; i < kContacts; ++i) {
    const double draw = ControlDraw("campaign", absl::StrCat("contact-", i));
    ASSERT_GE(draw, 0.0);
    ASSERT_LT(draw, 1.0);
    below += draw < 0.1;
  }
  // 10% ± 4 standard deviations of a binomial(100000, 0.1).
  EXPECT_NEAR(below, kContacts / 10, 4 * 95);
}

TEST(AssignAudienceMemberTest, FirstCellWinsAndExclusionsAreCountedByReason) {
  const Campaign campaign = TwoCells(0);
  v1::AudiencePreview tally;
  EXPECT_TRUE(AssignAudienceMember(campaign, "c", Candidate("a", true, true, v1::CONSENT_STATE_OPTED_IN, "+49"),
                                   tally));
  EXPECT_FALSE(AssignAudienceMember(campaign, "c", Candidate("b", true, false, v1::CONSENT_STATE_OPTED_OUT, "+49"),
                                    tally));
  EXPECT_FALSE(AssignAudienceMember(campaign, "c", Candidate("c", true, false, v1::CONSENT_STATE_UNKNOWN, "+49"),
                                    tally));
  EXPECT_FALSE(AssignAudienceMember(campaign, "c", Candidate("d", true, false, v1::CONSENT_STATE_OPTED_IN, ""),
                                    tally));
  EXPECT_FALSE(AssignAudienceMember(campaign, "c", Candidate("e", false, false, v1::CONSENT_STATE_OPTED_IN, "+49"),
                                    tally));
  // MEMBER_WEB needs no consent and is addressed by the contact.
  std::optional<storage::SnapshotMember> web =
      AssignAudienceMember(campaign, "c", Candidate("f", false, true, v1::CONSENT_STATE_UNKNOWN, ""), tally);
  ASSERT_TRUE(web);
  EXPECT_EQ(web->cell_index, 1);
  storage::AudienceCandidate outside = Candidate("g", true, true, v1::CONSENT_STATE_OPTED_IN, "+49");
  outside.in_audience = false;
  EXPECT_FALSE(AssignAudienceMember(campaign, "c", outside, tally));
  EXPECT_EQ(tally.matched(), 6);
  EXPECT_EQ(tally.audience(), 2);
  EXPECT_EQ(tally.cells(0).audience(), 1);
  EXPECT_EQ(tally.cells(1).audience(), 1);
  EXPECT_EQ(tally.exclusions().already_in_another_cell(), 1);
  EXPECT_EQ(tally.exclusions().opted_out(), 1);
  EXPECT_EQ(tally.exclusions().no_consent(), 1);
  EXPECT_EQ(tally.exclusions().no_address(), 1);
  EXPECT_EQ(tally.exclusions().no_matching_cell(), 1);
  EXPECT_EQ(ChannelAddress(v1::CAMPAIGN_CHANNEL_MEMBER_WEB, "f", "", "", ""), "contacts/f");
}

TEST(AssignAudienceMemberTest, ControlShareIsTheSameInEveryCell) {
  const Campaign campaign = TwoCells(20);
  v1::AudiencePreview tally;
  for (int i = 0; i < 20'000; ++i) {
    AssignAudienceMember(campaign, "camp", Candidate(absl::StrCat("k", i), i % 2 == 0, true,
                                                     v1::CONSENT_STATE_OPTED_IN, "+49"),
                         tally);
  }
  for (const v1::CellAudience& cell : tally.cells()) {
    EXPECT_EQ(cell.audience(), 10'000);
    EXPECT_NEAR(static_cast<double>(cell.control()) / cell.audience(), 0.2, 0.02) << cell.cell();
    EXPECT_EQ(cell.control() + cell.test(), cell.audience());
  }
}

TEST(DecideHandOutTest, ConsentAgainThenTheCapButNotForRetries) {
  const Campaign campaign = TwoCells(0);
  EffectiveContactPolicy policy;
  policy.max_touches = 2;
  policy.max_touches_per_channel = 1;
  storage::RecipientCandidate candidate;
  candidate.contact_id = "a";
  candidate.cell_index = 0;
  candidate.contact_exists = true;
  candidate.consent[v1::CHANNEL_SMS] = v1::CONSENT_STATE_OPTED_IN;
  candidate.first_phone = "+4915112345678";
  EXPECT_EQ(DecideHandOut(campaign, policy, candidate).action, storage::HandOutDecision::Action::kHandOut);
  EXPECT_EQ(DecideHandOut(campaign, policy, candidate).address, "+4915112345678");
  candidate.touches[v1::CAMPAIGN_CHANNEL_SMS] = 1;
  candidate.touches[0] = 1;
  EXPECT_EQ(DecideHandOut(campaign, policy, candidate).action, storage::HandOutDecision::Action::kSkipPolicy);
  candidate.attempts = 1;  // handed out before a takeover: its touch is already counted
  EXPECT_EQ(DecideHandOut(campaign, policy, candidate).action, storage::HandOutDecision::Action::kHandOut);
  candidate.consent[v1::CHANNEL_SMS] = v1::CONSENT_STATE_OPTED_OUT;
  EXPECT_EQ(DecideHandOut(campaign, policy, candidate).action, storage::HandOutDecision::Action::kSkipNoConsent);
  candidate.consent[v1::CHANNEL_SMS] = v1::CONSENT_STATE_OPTED_IN;
  candidate.contact_exists = false;  // erased since the snapshot
  EXPECT_EQ(DecideHandOut(campaign, policy, candidate).action, storage::HandOutDecision::Action::kSkipNoConsent);
}

TEST(ContactPolicyTest, DefaultsRangesAndQuietHoursAcrossMidnight) {
  v1::ContactPolicy policy;
  ASSERT_TRUE(NormalizeContactPolicy(&policy).ok());
  EXPECT_EQ(policy.max_touches(), 4);
  EXPECT_EQ(policy.max_touches_per_channel(), 2);
  EXPECT_EQ(policy.period_days(), 30);
  v1::ContactPolicy bad;
  bad.set_max_touches(2);
  bad.set_max_touches_per_channel(3);
  EXPECT_EQ(NormalizeContactPolicy(&bad).code(), absl::StatusCode::kInvalidArgument);
  bad = {};
  bad.set_quiet_start_hour(5);
  bad.set_quiet_end_hour(5);
  EXPECT_EQ(NormalizeContactPolicy(&bad).code(), absl::StatusCode::kInvalidArgument);

  policy.set_quiet_start_hour(21);
  policy.set_quiet_end_hour(8);
  const EffectiveContactPolicy effective = EffectivePolicy(policy);
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  const auto at = [&](int day, int hour) { return absl::FromCivil(absl::CivilHour(2026, 11, day, hour), berlin); };
  EXPECT_EQ(QuietHoursEnd(effective, berlin, at(23, 12)), std::nullopt);
  EXPECT_EQ(QuietHoursEnd(effective, berlin, at(23, 22)), at(24, 8));
  EXPECT_EQ(QuietHoursEnd(effective, berlin, at(24, 3)), at(24, 8));
  EXPECT_EQ(QuietHoursEnd(effective, berlin, at(24, 8)), std::nullopt);
  EXPECT_TRUE(TouchAllowed(effective, 3, 1));
  EXPECT_FALSE(TouchAllowed(effective, 4, 0));
  EXPECT_FALSE(TouchAllowed(effective, 1, 2));
}

TEST(GroupPeriodTest, PooledIntervalsAndSpendPerMember) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const absl::Duration day = absl::Hours(24);
  const analysis::GroupPeriodSummary summary = analysis::SummarizeGroupPeriod(
      4, {{{t0 + 10 * day, 30}, {t0, 10}, {t0 + 4 * day, 20}}, {{t0, 40}}, {}});
  EXPECT_EQ(summary.members, 4);
  EXPECT_EQ(summary.buyers, 2);
  EXPECT_DOUBLE_EQ(summary.mean_purchase_interval_days, 5.0);  // gaps 4 and 6
  EXPECT_DOUBLE_EQ(summary.spend_per_member, 25.0);             // 100 / 4
}

}  // namespace
}  // namespace crm::server
