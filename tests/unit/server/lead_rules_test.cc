// The prospect pipeline's rules and the funnel arithmetic, without a database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/services/lead_funnel.h"
#include "server/validation/lead_rules.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

using v1::Lead;
using v1::LeadFollowUp;

const absl::Time kCreated = absl::FromUnixSeconds(1'790'000'000);

Lead ActiveLead() {
  Lead lead;
  lead.set_name("leads/01jbq0x4w2y5k3m8n9p7r6s5t4");
  lead.set_contact("contacts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  lead.set_source(Lead::SOURCE_REFERRAL);
  lead.set_intent(Lead::INTENT_WARM);
  lead.set_status(Lead::STATUS_ACTIVE);
  storage::ToProtoTimestamp(kCreated, lead.mutable_create_time());
  storage::ToProtoTimestamp(kCreated, lead.mutable_last_contact_time());
  return lead;
}

LeadFollowUp FollowUpAt(absl::Time when, LeadFollowUp::Outcome outcome) {
  LeadFollowUp follow_up;
  follow_up.set_method(LeadFollowUp::METHOD_PHONE);
  follow_up.set_outcome(outcome);
  storage::ToProtoTimestamp(when, follow_up.mutable_follow_up_time());
  return follow_up;
}

TEST(LeadPolicyTest, ZeroMeansDefaultAndRangeIsChecked) {
  v1::LeadPolicy policy;
  ASSERT_TRUE(NormalizeLeadPolicy(&policy).ok());
  EXPECT_EQ(policy.no_contact_days(), 30);
  EXPECT_EQ(policy.revisit_days(), 90);
  EXPECT_EQ(LeadNoContactPeriod(v1::LeadPolicy()), absl::Hours(24 * 30));
  policy.set_revisit_days(-1);
  EXPECT_EQ(NormalizeLeadPolicy(&policy).code(), absl::StatusCode::kInvalidArgument);
  policy.set_revisit_days(3651);
  EXPECT_THAT(std::string(NormalizeLeadPolicy(&policy).message()), ::testing::HasSubstr("revisit_days"));
}

TEST(NormalizeLeadTest, PlanNeedsMethodAndTimeNotBeforeCreation) {
  Lead lead = ActiveLead();
  lead.set_next_follow_up_method(LeadFollowUp::METHOD_SMS);
  ASSERT_TRUE(NormalizeLead(kCreated, &lead).ok());
  EXPECT_EQ(lead.next_follow_up_method(), LeadFollowUp::METHOD_UNSPECIFIED) << "no time: no plan";
  storage::ToProtoTimestamp(kCreated + absl::Hours(1), lead.mutable_next_follow_up_time());
  EXPECT_EQ(NormalizeLead(kCreated, &lead).code(), absl::StatusCode::kInvalidArgument);
  lead.set_next_follow_up_method(LeadFollowUp::METHOD_VISIT);
  EXPECT_TRUE(NormalizeLead(kCreated, &lead).ok());
  storage::ToProtoTimestamp(kCreated - absl::Hours(1), lead.mutable_next_follow_up_time());
  EXPECT_EQ(NormalizeLead(kCreated, &lead).code(), absl::StatusCode::kInvalidArgument);
  lead.mutable_next_follow_up_time()->set_nanos(-1);
  EXPECT_EQ(NormalizeLead(kCreated, &lead).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ApplyFollowUpTest, ReachSetsFirstAndLastButNotReachedDoesNot) {
  Lead lead = ActiveLead();
  v1::LeadPolicy policy;
  ASSERT_TRUE(ApplyFollowUp(FollowUpAt(kCreated + absl::Hours(1), LeadFollowUp::OUTCOME_NOT_REACHED),
                            {}, policy, &lead)
                  .ok());
  EXPECT_FALSE(lead.has_first_reach_time());
  EXPECT_EQ(storage::FromProtoTimestamp(lead.last_contact_time()), kCreated);
  const FollowUpPlan plan{kCreated + absl::Hours(48), LeadFollowUp::METHOD_EMAIL};
  ASSERT_TRUE(ApplyFollowUp(FollowUpAt(kCreated + absl::Hours(2), LeadFollowUp::OUTCOME_REACHED), plan,
                            policy, &lead)
                  .ok());
  EXPECT_EQ(storage::FromProtoTimestamp(lead.first_reach_time()), kCreated + absl::Hours(2));
  EXPECT_EQ(storage::FromProtoTimestamp(lead.last_contact_time()), kCreated + absl::Hours(2));
  EXPECT_EQ(storage::FromProtoTimestamp(lead.next_follow_up_time()), kCreated + absl::Hours(48));
  // A late-recorded earlier reach moves first_reach back but not last_contact.
  ASSERT_TRUE(ApplyFollowUp(FollowUpAt(kCreated + absl::Minutes(30), LeadFollowUp::OUTCOME_REACHED),
                            {}, policy, &lead)
                  .ok());
  EXPECT_EQ(storage::FromProtoTimestamp(lead.first_reach_time()), kCreated + absl::Minutes(30));
  EXPECT_EQ(storage::FromProtoTimestamp(lead.last_contact_time()), kCreated + absl::Hours(2));
  EXPECT_EQ(lead.follow_up_count(), 3);
}

TEST(ApplyFollowUpTest, DeclinedInvalidatesWithRevisitFromPolicy) {
  Lead lead = ActiveLead();
  v1::LeadPolicy policy;
  policy.set_revisit_days(10);
  const absl::Time when = kCreated + absl::Hours(3);
  ASSERT_TRUE(ApplyFollowUp(FollowUpAt(when, LeadFollowUp::OUTCOME_DECLINED),
                            {when + absl::Hours(1), LeadFollowUp::METHOD_PHONE}, policy, &lead)
                  .ok());
  EXPECT_EQ(lead.status(), Lead::STATUS_INVALID);
  EXPECT_EQ(lead.invalid_reason(), Lead::INVALID_REASON_DECLINED);
  EXPECT_EQ(storage::FromProtoTimestamp(lead.revisit_time()), when + absl::Hours(24 * 10));
  EXPECT_FALSE(lead.has_next_follow_up_time());
}

TEST(ApplyConversionTest, OnceOnlyAndNotBeforeCreation) {
  Lead lead = ActiveLead();
  EXPECT_EQ(ApplyConversion(kCreated - absl::Minutes(6), "purchases/x", &lead).code(),
            absl::StatusCode::kFailedPrecondition);
  // A purchase stamped by a partner clock a little behind ours still converts, and the
  // conversion is not recorded before the lead existed.
  Lead skewed = ActiveLead();
  ASSERT_TRUE(ApplyConversion(kCreated - absl::Seconds(1), "purchases/y", &skewed).ok());
  EXPECT_EQ(storage::FromProtoTimestamp(skewed.convert_time()), kCreated);
  ASSERT_TRUE(ApplyInvalidation(Lead::INVALID_REASON_NO_NEED, "", kCreated, v1::LeadPolicy(), &lead).ok());
  ASSERT_TRUE(ApplyConversion(kCreated + absl::Hours(24), "purchases/x", &lead).ok());
  EXPECT_EQ(lead.status(), Lead::STATUS_CONVERTED);
  EXPECT_FALSE(lead.has_invalid_time());
  EXPECT_FALSE(lead.has_revisit_time());
  EXPECT_EQ(lead.conversion_purchase(), "purchases/x");
  EXPECT_EQ(ApplyConversion(kCreated + absl::Hours(25), "", &lead).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ApplyFollowUp(FollowUpAt(kCreated, LeadFollowUp::OUTCOME_REACHED), {}, v1::LeadPolicy(), &lead)
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ApplyInvalidationTest, OnlyActiveWithAReason) {
  Lead lead = ActiveLead();
  EXPECT_EQ(ApplyInvalidation(Lead::INVALID_REASON_UNSPECIFIED, "", kCreated, {}, &lead).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyInvalidation(Lead::INVALID_REASON_OTHER, std::string(1001, 'n'), kCreated, {}, &lead).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(ApplyInvalidation(Lead::INVALID_REASON_OTHER, "moved abroad", kCreated, {}, &lead).ok());
  EXPECT_EQ(storage::FromProtoTimestamp(lead.revisit_time()), kCreated + absl::Hours(24 * 90));
  EXPECT_EQ(ApplyInvalidation(Lead::INVALID_REASON_OTHER, "", kCreated, {}, &lead).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CheckFollowUpPlanTest, MethodAndTimeTogetherAndLater) {
  EXPECT_TRUE(CheckFollowUpPlan({}, kCreated).ok());
  EXPECT_FALSE(CheckFollowUpPlan({std::nullopt, LeadFollowUp::METHOD_SMS}, kCreated).ok());
  EXPECT_FALSE(CheckFollowUpPlan({kCreated + absl::Hours(1), LeadFollowUp::METHOD_UNSPECIFIED}, kCreated).ok());
  EXPECT_FALSE(CheckFollowUpPlan({kCreated, LeadFollowUp::METHOD_SMS}, kCreated).ok());
  EXPECT_TRUE(CheckFollowUpPlan({kCreated + absl::Hours(1), LeadFollowUp::METHOD_SMS}, kCreated).ok());
}

TEST(LeadFunnelTest, MedianOfOddAndEvenCounts) {
  EXPECT_FALSE(MedianDays({}).has_value());
  EXPECT_DOUBLE_EQ(*MedianDays({absl::Hours(24 * 3), absl::Hours(24), absl::Hours(24 * 10)}), 3.0);
  EXPECT_DOUBLE_EQ(*MedianDays({absl::Hours(24 * 4), absl::Hours(24), absl::Hours(12), absl::Hours(24 * 10)}),
                   2.5);
}

TEST(LeadFunnelTest, EverySourceAndATotal) {
  storage::LeadSourceCounts event;
  event.source = Lead::SOURCE_EVENT;
  event.created = 4;
  event.contacted = 3;
  event.converted = 1;
  event.invalid = 2;
  event.invalid_reasons = {{Lead::INVALID_REASON_UNREACHABLE, 2}};
  event.times_to_convert = {absl::Hours(36)};
  storage::LeadSourceCounts referral;
  referral.source = Lead::SOURCE_REFERRAL;
  referral.created = 1;
  referral.converted = 1;
  referral.contacted = 1;
  referral.times_to_convert = {absl::Hours(12)};
  const v1::LeadFunnel funnel = BuildLeadFunnel({referral, event}, kCreated, kCreated + absl::Hours(1));
  ASSERT_EQ(funnel.sources_size(), 6);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(funnel.sources(i).source(), i + 1);
  EXPECT_DOUBLE_EQ(funnel.sources(Lead::SOURCE_EVENT - 1).conversion_rate(), 0.25);
  EXPECT_DOUBLE_EQ(funnel.sources(Lead::SOURCE_EVENT - 1).median_days_to_convert(), 1.5);
  EXPECT_EQ(funnel.sources(Lead::SOURCE_PHONE_INQUIRY - 1).created(), 0);
  EXPECT_DOUBLE_EQ(funnel.sources(Lead::SOURCE_PHONE_INQUIRY - 1).conversion_rate(), 0.0);
  EXPECT_EQ(funnel.total().created(), 5);
  EXPECT_EQ(funnel.total().converted(), 2);
  EXPECT_DOUBLE_EQ(funnel.total().conversion_rate(), 0.4);
  EXPECT_DOUBLE_EQ(funnel.total().median_days_to_convert(), 1.0);
  ASSERT_EQ(funnel.total().invalid_reasons_size(), 1);
  EXPECT_EQ(funnel.total().invalid_reasons(0).count(), 2);
}

}  // namespace
}  // namespace crm::server
