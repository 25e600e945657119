// LeadService against a real MariaDB: registration, follow-ups and the due list,
// conversion (by hand and by the first purchase), invalidation and the no-contact
// sweep, the funnel, merge/erase/timeline, bad input and tenant isolation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/lead_sweeper.h"
#include "storage/row_codec.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;
using v1::Lead;
using v1::LeadFollowUp;

absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return storage::FromProtoTimestamp(timestamp);
}

class LeadServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = CreateTestTenant("ld");
    contact_ = NewContact("Zhang Wei");
  }

  std::string NewContact(const std::string& name, const TestTenant* tenant = nullptr) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name(name);
    v1::Contact contact;
    grpc::Status status = Contacts()->CreateContact(
        WithKey((tenant ? *tenant : tenant_).integration_key).get(), request, &contact);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return contact.name();
  }

  Lead New(Lead::Source source = Lead::SOURCE_EVENT, const std::string& contact = "") {
    Lead lead;
    lead.set_contact(contact.empty() ? contact_ : contact);
    lead.set_source(source);
    lead.set_source_detail("Shanghai auto show 2026");
    lead.set_needs("family SUV, 7 seats");
    lead.set_intended_product("X7");
    lead.mutable_intended_purchase_date()->set_year(2027);
    lead.mutable_intended_purchase_date()->set_month(3);
    lead.mutable_intended_purchase_date()->set_day(1);
    lead.set_intent(Lead::INTENT_HOT);
    lead.set_owner("li.na");
    return lead;
  }

  grpc::Status Create(const Lead& lead, Lead* out, const std::string& request_id = "",
                      const std::string& key = "") {
    v1::CreateLeadRequest request;
    *request.mutable_lead() = lead;
    request.set_request_id(request_id);
    return stub_->CreateLead(WithKey(key.empty() ? tenant_.integration_key : key).get(), request, out);
  }

  Lead MustCreate(const Lead& lead, const TestTenant* tenant = nullptr) {
    Lead out;
    grpc::Status status = Create(lead, &out, "", tenant ? tenant->integration_key : "");
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  grpc::Status FollowUp(const std::string& lead, LeadFollowUp::Outcome outcome,
                        v1::RecordFollowUpResponse* out, std::optional<absl::Time> next = std::nullopt,
                        std::optional<absl::Time> when = std::nullopt, const std::string& request_id = "",
                        const std::string& key = "") {
    v1::RecordFollowUpRequest request;
    request.set_lead(lead);
    request.mutable_follow_up()->set_method(LeadFollowUp::METHOD_PHONE);
    request.mutable_follow_up()->set_outcome(outcome);
    request.mutable_follow_up()->set_performed_by("li.na");
    request.mutable_follow_up()->set_notes("asked about financing");
    if (when) storage::ToProtoTimestamp(*when, request.mutable_follow_up()->mutable_follow_up_time());
    if (next) {
      storage::ToProtoTimestamp(*next, request.mutable_next_follow_up_time());
      request.set_next_follow_up_method(LeadFollowUp::METHOD_VISIT);
    }
    request.set_request_id(request_id);
    return stub_->RecordFollowUp(WithKey(key.empty() ? tenant_.integration_key : key).get(), request, out);
  }

  grpc::Status Convert(const std::string& lead, Lead* out, const std::string& purchase = "",
                       const std::string& etag = "") {
    v1::ConvertLeadRequest request;
    request.set_name(lead);
    request.set_purchase(purchase);
    request.set_etag(etag);
    return stub_->ConvertLead(WithKey(tenant_.integration_key).get(), request, out);
  }

  grpc::Status Invalidate(const std::string& lead, Lead::InvalidReason reason, Lead* out) {
    v1::InvalidateLeadRequest request;
    request.set_name(lead);
    request.set_reason(reason);
    request.set_note("bought a competitor's car");
    return stub_->InvalidateLead(WithKey(tenant_.integration_key).get(), request, out);
  }

  v1::Purchase RecordPurchase(const std::string& contact, absl::Time when,
                              v1::Purchase::Type type = v1::Purchase::TYPE_PURCHASE) {
    v1::RecordPurchaseRequest request;
    v1::Purchase* purchase = request.mutable_purchase();
    purchase->set_contact(contact);
    storage::ToProtoTimestamp(when, purchase->mutable_purchase_time());
    purchase->mutable_amount()->set_units(30000);
    purchase->set_product_category("cars");
    purchase->set_type(type);
    v1::Purchase out;
    grpc::Status status = Purchases()->RecordPurchase(WithKey(tenant_.integration_key).get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  Lead Get(const std::string& name) {
    v1::GetLeadRequest request;
    request.set_name(name);
    Lead out;
    grpc::Status status = stub_->GetLead(WithKey(tenant_.integration_key).get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  std::vector<std::string> Due(const std::string& filter = "", int page_size = 0,
                               std::optional<absl::Time> due_before = std::nullopt) {
    std::vector<std::string> names;
    v1::ListDueFollowUpsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    if (due_before) storage::ToProtoTimestamp(*due_before, request.mutable_due_before());
    do {
      v1::ListDueFollowUpsResponse response;
      grpc::Status status = stub_->ListDueFollowUps(WithKey(tenant_.analyst_key).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const Lead& lead : response.leads()) names.push_back(lead.name());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  TestTenant tenant_;
  std::string contact_;
  std::unique_ptr<v1::LeadService::Stub> stub_ = Leads();
};

TEST_F(LeadServiceTest, CreateGetListAndReplay) {
  Lead created;
  ASSERT_TRUE(Create(New(), &created, "3f0c2a9e-lead-create").ok());
  EXPECT_THAT(created.name(), ::testing::StartsWith("leads/"));
  EXPECT_EQ(created.status(), Lead::STATUS_ACTIVE);
  EXPECT_EQ(created.contact(), contact_);
  EXPECT_EQ(created.source(), Lead::SOURCE_EVENT);
  EXPECT_EQ(created.intended_purchase_date().year(), 2027);
  EXPECT_EQ(created.intent(), Lead::INTENT_HOT);
  EXPECT_EQ(created.follow_up_count(), 0);
  EXPECT_FALSE(created.has_first_reach_time());
  EXPECT_FALSE(created.has_next_follow_up_time());
  EXPECT_EQ(created.last_contact_time().seconds(), created.create_time().seconds());
  EXPECT_FALSE(created.etag().empty());

  Lead replayed;
  ASSERT_TRUE(Create(New(Lead::SOURCE_REFERRAL), &replayed, "3f0c2a9e-lead-create").ok());
  EXPECT_EQ(replayed.name(), created.name());
  EXPECT_EQ(CountRows("leads", tenant_.id), 1);

  EXPECT_EQ(Get(created.name()).SerializeAsString(), created.SerializeAsString());

  MustCreate(New(Lead::SOURCE_REFERRAL));
  v1::ListLeadsRequest list;
  list.set_filter("source = SOURCE_REFERRAL AND intent = INTENT_HOT");
  v1::ListLeadsResponse page;
  ASSERT_TRUE(stub_->ListLeads(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  ASSERT_EQ(page.leads_size(), 1);
  EXPECT_EQ(page.leads(0).source(), Lead::SOURCE_REFERRAL);
}

TEST_F(LeadServiceTest, CreateRejectsBadInput) {
  const auto expect = [&](Lead lead, grpc::StatusCode code, const std::string& field) {
    Lead out;
    grpc::Status status = Create(lead, &out);
    EXPECT_EQ(status.error_code(), code) << field << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
  };
  Lead lead = New();
  lead.clear_contact();
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.contact");
  lead = New();
  lead.set_contact("contacts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  expect(lead, grpc::StatusCode::NOT_FOUND, "lead.contact");
  lead = New();
  lead.set_source(Lead::SOURCE_UNSPECIFIED);
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.source");
  lead = New();
  lead.set_source(static_cast<Lead::Source>(42));
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.source");
  lead = New();
  lead.set_intent(Lead::INTENT_UNSPECIFIED);
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.intent");
  lead = New();
  lead.mutable_intended_purchase_date()->set_month(2);
  lead.mutable_intended_purchase_date()->set_day(30);
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.intended_purchase_date");
  lead = New();
  lead.set_owner(std::string(101, 'x'));
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.owner");
  lead = New();
  storage::ToProtoTimestamp(absl::Now() + absl::Hours(24), lead.mutable_next_follow_up_time());
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.next_follow_up_method");
  lead.set_next_follow_up_method(LeadFollowUp::METHOD_PHONE);
  lead.mutable_next_follow_up_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(24)));
  expect(lead, grpc::StatusCode::INVALID_ARGUMENT, "lead.next_follow_up_time");
  Lead out;
  EXPECT_EQ(Create(New(), &out, "", tenant_.analyst_key).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountRows("leads", tenant_.id), 0);
}

TEST_F(LeadServiceTest, FollowUpsTrackReachAndPlanAndReplay) {
  const Lead lead = MustCreate(New());
  const absl::Time tomorrow = absl::Now() + absl::Hours(24);
  v1::RecordFollowUpResponse first;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_NOT_REACHED, &first, tomorrow).ok());
  EXPECT_THAT(first.follow_up().name(), ::testing::StartsWith("leadFollowUps/"));
  EXPECT_EQ(first.follow_up().lead(), lead.name());
  EXPECT_EQ(first.follow_up().contact(), contact_);
  EXPECT_EQ(first.lead().follow_up_count(), 1);
  EXPECT_FALSE(first.lead().has_first_reach_time());
  EXPECT_NEAR(absl::ToDoubleSeconds(TimeOf(first.lead().next_follow_up_time()) - tomorrow), 0, 0.001);
  EXPECT_EQ(first.lead().next_follow_up_method(), LeadFollowUp::METHOD_VISIT);

  v1::RecordFollowUpResponse reached;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_APPOINTMENT_SET, &reached, std::nullopt,
                       std::nullopt, "follow-up-7c1e")
                  .ok());
  EXPECT_EQ(reached.lead().follow_up_count(), 2);
  EXPECT_TRUE(reached.lead().has_first_reach_time());
  EXPECT_EQ(reached.lead().last_contact_time().seconds(), reached.follow_up().follow_up_time().seconds());
  EXPECT_FALSE(reached.lead().has_next_follow_up_time()) << "no next follow-up asked: plan cleared";

  v1::RecordFollowUpResponse replay;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_DECLINED, &replay, std::nullopt, std::nullopt,
                       "follow-up-7c1e")
                  .ok());
  EXPECT_EQ(replay.follow_up().name(), reached.follow_up().name());
  EXPECT_EQ(replay.lead().follow_up_count(), 2);
  EXPECT_EQ(replay.lead().status(), Lead::STATUS_ACTIVE);
  EXPECT_EQ(CountRows("lead_follow_ups", tenant_.id), 2);

  // DECLINED invalidates, with a revisit due after the default 90 days.
  v1::RecordFollowUpResponse declined;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_DECLINED, &declined).ok());
  EXPECT_EQ(declined.lead().status(), Lead::STATUS_INVALID);
  EXPECT_EQ(declined.lead().invalid_reason(), Lead::INVALID_REASON_DECLINED);
  EXPECT_EQ(TimeOf(declined.lead().revisit_time()) - TimeOf(declined.lead().invalid_time()),
            absl::Hours(24 * 90));

  // A revisit that does not reach them keeps it INVALID; one that does reactivates it.
  v1::RecordFollowUpResponse unanswered;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_NOT_REACHED, &unanswered, tomorrow).ok());
  EXPECT_EQ(unanswered.lead().status(), Lead::STATUS_INVALID);
  EXPECT_FALSE(unanswered.lead().has_next_follow_up_time());
  v1::RecordFollowUpResponse revived;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_REACHED, &revived, tomorrow).ok());
  EXPECT_EQ(revived.lead().status(), Lead::STATUS_ACTIVE);
  EXPECT_EQ(revived.lead().invalid_reason(), Lead::INVALID_REASON_UNSPECIFIED);
  EXPECT_FALSE(revived.lead().has_revisit_time());
  EXPECT_TRUE(revived.lead().has_next_follow_up_time());
}

TEST_F(LeadServiceTest, FollowUpRejectsBadInput) {
  const Lead lead = MustCreate(New());
  v1::RecordFollowUpResponse out;
  grpc::Status status = FollowUp(lead.name(), LeadFollowUp::OUTCOME_UNSPECIFIED, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("follow_up.outcome"));
  status = FollowUp(lead.name(), LeadFollowUp::OUTCOME_REACHED, &out, std::nullopt,
                    absl::Now() + absl::Hours(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("follow_up.follow_up_time"));
  status = FollowUp(lead.name(), LeadFollowUp::OUTCOME_REACHED, &out, absl::Now() - absl::Hours(1));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("next_follow_up_time"));
  status = FollowUp("leads/01jbq0x4w2y5k3m8n9p7r6s5t4", LeadFollowUp::OUTCOME_REACHED, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = FollowUp("contacts/x", LeadFollowUp::OUTCOME_REACHED, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = FollowUp(lead.name(), LeadFollowUp::OUTCOME_REACHED, &out, std::nullopt, std::nullopt, "",
                    tenant_.analyst_key);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountRows("lead_follow_ups", tenant_.id), 0);

  Lead converted;
  ASSERT_TRUE(Convert(lead.name(), &converted).ok());
  status = FollowUp(lead.name(), LeadFollowUp::OUTCOME_REACHED, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(CountRows("lead_follow_ups", tenant_.id), 0);
}

TEST_F(LeadServiceTest, DueFollowUpsAreActiveLeadsEarliestFirst) {
  const absl::Time now = absl::Now();
  Lead a = New(), b = New(), c = New(), d = New();
  for (Lead* lead : {&a, &b, &c, &d}) lead->set_next_follow_up_method(LeadFollowUp::METHOD_PHONE);
  // Due times may lie a little in the past only within the clock skew at creation;
  // make them due by recording follow-ups that plan them.
  c.set_owner("wang.fang");
  a = MustCreate(a);
  b = MustCreate(b);
  c = MustCreate(c);
  d = MustCreate(d);
  v1::RecordFollowUpResponse out;
  ASSERT_TRUE(FollowUp(a.name(), LeadFollowUp::OUTCOME_REACHED, &out, now + absl::Minutes(2),
                       now - absl::Hours(2)).ok());
  ASSERT_TRUE(FollowUp(b.name(), LeadFollowUp::OUTCOME_REACHED, &out, now + absl::Minutes(1),
                       now - absl::Hours(2)).ok());
  ASSERT_TRUE(FollowUp(c.name(), LeadFollowUp::OUTCOME_REACHED, &out, now + absl::Hours(48)).ok());
  ASSERT_TRUE(FollowUp(d.name(), LeadFollowUp::OUTCOME_REACHED, &out, now + absl::Minutes(3),
                       now - absl::Hours(2)).ok());
  Lead invalid;
  ASSERT_TRUE(Invalidate(d.name(), Lead::INVALID_REASON_NO_NEED, &invalid).ok());

  const absl::Time later = now + absl::Minutes(10);
  EXPECT_THAT(Due("", 0, later), ::testing::ElementsAre(b.name(), a.name()));
  EXPECT_THAT(Due("", 1, later), ::testing::ElementsAre(b.name(), a.name())) << "paged one by one";
  EXPECT_THAT(Due("", 0, now + absl::Hours(72)), ::testing::ElementsAre(b.name(), a.name(), c.name()));
  EXPECT_THAT(Due("owner = \"li.na\"", 0, now + absl::Hours(72)),
              ::testing::ElementsAre(b.name(), a.name()));
  EXPECT_THAT(Due(), ::testing::IsEmpty()) << "nothing is due yet at the real now";

  v1::ListDueFollowUpsRequest bad;
  bad.set_filter("needs = \"x\"");
  v1::ListDueFollowUpsResponse response;
  EXPECT_EQ(stub_->ListDueFollowUps(WithKey(tenant_.analyst_key).get(), bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LeadServiceTest, UpdateChangesRegistrationAndPlan) {
  const Lead lead = MustCreate(New());
  v1::UpdateLeadRequest request;
  *request.mutable_lead() = lead;
  request.mutable_lead()->set_intent(Lead::INTENT_COLD);
  request.mutable_lead()->set_status(Lead::STATUS_CONVERTED);  // not writable: ignored by the mask
  storage::ToProtoTimestamp(absl::Now() + absl::Hours(5), request.mutable_lead()->mutable_next_follow_up_time());
  request.mutable_lead()->set_next_follow_up_method(LeadFollowUp::METHOD_SMS);
  request.mutable_update_mask()->add_paths("intent");
  request.mutable_update_mask()->add_paths("next_follow_up_time");
  request.mutable_update_mask()->add_paths("next_follow_up_method");
  Lead updated;
  ASSERT_TRUE(stub_->UpdateLead(WithKey(tenant_.integration_key).get(), request, &updated).ok());
  EXPECT_EQ(updated.intent(), Lead::INTENT_COLD);
  EXPECT_EQ(updated.status(), Lead::STATUS_ACTIVE);
  EXPECT_EQ(updated.next_follow_up_method(), LeadFollowUp::METHOD_SMS);
  EXPECT_NE(updated.etag(), lead.etag());

  Lead stale_out;
  EXPECT_EQ(stub_->UpdateLead(WithKey(tenant_.integration_key).get(), request, &stale_out).error_code(),
            grpc::StatusCode::ABORTED);
  request.mutable_lead()->set_etag(updated.etag());
  request.mutable_update_mask()->clear_paths();
  request.mutable_update_mask()->add_paths("status");
  EXPECT_EQ(stub_->UpdateLead(WithKey(tenant_.integration_key).get(), request, &stale_out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LeadServiceTest, ConvertByHandAndRejectsWhatCannotConvert) {
  const Lead lead = MustCreate(New());
  Lead out;
  EXPECT_EQ(Convert(lead.name(), &out, "", "\"999\"").error_code(), grpc::StatusCode::ABORTED);

  const std::string other_contact = NewContact("Someone else");
  const v1::Purchase others = RecordPurchase(other_contact, absl::Now());
  grpc::Status status = Convert(lead.name(), &out, others.name());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("purchase"));
  EXPECT_EQ(Convert(lead.name(), &out, "purchases/01jbq0x4w2y5k3m8n9p7r6s5t4").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Convert(lead.name(), &out, "leads/x").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // A purchase before the lead existed did not convert it (and did not auto-convert).
  const v1::Purchase earlier = RecordPurchase(contact_, absl::Now() - absl::Hours(24 * 30));
  EXPECT_EQ(Get(lead.name()).status(), Lead::STATUS_ACTIVE);
  EXPECT_EQ(Convert(lead.name(), &out, earlier.name()).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  ASSERT_TRUE(Convert(lead.name(), &out, "", lead.etag()).ok());
  EXPECT_EQ(out.status(), Lead::STATUS_CONVERTED);
  EXPECT_TRUE(out.has_convert_time());
  EXPECT_TRUE(out.conversion_purchase().empty());
  EXPECT_EQ(Convert(lead.name(), &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  Lead invalid;
  EXPECT_EQ(Invalidate(lead.name(), Lead::INVALID_REASON_OTHER, &invalid).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(LeadServiceTest, FirstPurchaseConvertsOpenLeadsOfTheContact) {
  const Lead active = MustCreate(New(Lead::SOURCE_PHONE_INQUIRY));
  Lead invalid = MustCreate(New(Lead::SOURCE_ONLINE_INQUIRY));
  ASSERT_TRUE(Invalidate(invalid.name(), Lead::INVALID_REASON_UNREACHABLE, &invalid).ok());
  const std::string bystander_contact = NewContact("Bystander");
  const Lead bystander = MustCreate(New(Lead::SOURCE_EVENT, bystander_contact));

  RecordPurchase(contact_, absl::Now(), v1::Purchase::TYPE_REFUND);
  EXPECT_EQ(Get(active.name()).status(), Lead::STATUS_ACTIVE) << "a refund converts nothing";

  const v1::Purchase purchase = RecordPurchase(contact_, absl::Now());
  for (const Lead& lead : {active, invalid}) {
    const Lead now = Get(lead.name());
    EXPECT_EQ(now.status(), Lead::STATUS_CONVERTED) << lead.name();
    EXPECT_EQ(now.conversion_purchase(), purchase.name());
    EXPECT_EQ(TimeOf(now.convert_time()), TimeOf(purchase.purchase_time()));
    EXPECT_EQ(now.invalid_reason(), Lead::INVALID_REASON_UNSPECIFIED);
  }
  EXPECT_EQ(Get(bystander.name()).status(), Lead::STATUS_ACTIVE);

  // The same through ImportPurchases: the earliest purchase at or after creation wins.
  const absl::Time base = absl::Now();
  v1::ImportPurchasesRequest batch;
  for (int minutes : {3, 1, 2}) {
    v1::Purchase* row = batch.add_purchases();
    row->set_contact(bystander_contact);
    storage::ToProtoTimestamp(base - absl::Minutes(minutes) + absl::Minutes(4), row->mutable_purchase_time());
    row->mutable_amount()->set_units(100);
    row->set_external_id(absl::StrCat("pos-", minutes));
  }
  auto context = WithKey(tenant_.integration_key);
  v1::ImportPurchasesResponse response;
  auto writer = Purchases()->ImportPurchases(context.get(), &response);
  ASSERT_TRUE(writer->Write(batch));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.imported_count(), 3);
  const Lead converted = Get(bystander.name());
  EXPECT_EQ(converted.status(), Lead::STATUS_CONVERTED);
  EXPECT_EQ(TimeOf(converted.convert_time()), storage::FromSqlDatetime(storage::ToSqlDatetime(
                                                  base - absl::Minutes(3) + absl::Minutes(4))));
}

TEST_F(LeadServiceTest, APurchaseStampedByASlightlySlowPartnerClockStillConverts) {
  const Lead lead = MustCreate(New());
  // Whole seconds, a minute behind our clock: before the lead's creation, within skew.
  const absl::Time stamped = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now() - absl::Minutes(1)));
  const v1::Purchase purchase = RecordPurchase(contact_, stamped);
  const Lead converted = Get(lead.name());
  EXPECT_EQ(converted.status(), Lead::STATUS_CONVERTED);
  EXPECT_EQ(converted.conversion_purchase(), purchase.name());
  EXPECT_EQ(TimeOf(converted.convert_time()), TimeOf(lead.create_time())) << "never before creation";
}

TEST_F(LeadServiceTest, InvalidateAndRejects) {
  const Lead lead = MustCreate(New());
  Lead out;
  grpc::Status status = Invalidate(lead.name(), Lead::INVALID_REASON_UNSPECIFIED, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("reason"));
  ASSERT_TRUE(Invalidate(lead.name(), Lead::INVALID_REASON_BOUGHT_ELSEWHERE, &out).ok());
  EXPECT_EQ(out.status(), Lead::STATUS_INVALID);
  EXPECT_EQ(out.invalid_note(), "bought a competitor's car");
  EXPECT_EQ(TimeOf(out.revisit_time()) - TimeOf(out.invalid_time()), absl::Hours(24 * 90));
  EXPECT_EQ(Invalidate(lead.name(), Lead::INVALID_REASON_OTHER, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::ListLeadsRequest revisit;
  revisit.set_filter(absl::StrCat("status = STATUS_INVALID AND revisit_time < \"",
                                  absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24 * 91),
                                                   absl::UTCTimeZone()),
                                  "\""));
  v1::ListLeadsResponse page;
  ASSERT_TRUE(stub_->ListLeads(WithKey(tenant_.analyst_key).get(), revisit, &page).ok());
  ASSERT_EQ(page.leads_size(), 1);
}

TEST_F(LeadServiceTest, SweepInvalidatesLeadsNobodyReachedForThePolicyPeriod) {
  // A second tenant with a longer no-contact period keeps its lead on the same sweep.
  TestTenant patient = CreateTestTenant("ldp");
  v1::GetTenantRequest get;
  get.set_name(absl::StrCat("tenants/", patient.id));
  v1::Tenant settings;
  ASSERT_TRUE(TenantAdmin()->GetTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), get, &settings).ok());
  EXPECT_EQ(settings.lead_policy().no_contact_days(), 30);
  EXPECT_EQ(settings.lead_policy().revisit_days(), 90);
  v1::UpdateTenantRequest update;
  *update.mutable_tenant() = settings;
  update.mutable_tenant()->mutable_lead_policy()->set_no_contact_days(3651);
  update.mutable_update_mask()->add_paths("lead_policy.no_contact_days");
  v1::Tenant updated;
  grpc::Status status = TenantAdmin()->UpdateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(),
                                                    update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("lead_policy.no_contact_days"));
  update.mutable_tenant()->mutable_lead_policy()->set_no_contact_days(60);
  ASSERT_TRUE(TenantAdmin()->UpdateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), update,
                                          &updated).ok());
  EXPECT_EQ(updated.lead_policy().no_contact_days(), 60);

  const Lead mine = MustCreate(New());
  const Lead theirs = MustCreate(New(Lead::SOURCE_EVENT, NewContact("Patient", &patient)), &patient);
  absl::StatusOr<int64_t> swept =
      CrmTestEnvironment::Get().server().lead_sweeper().SweepOnce(absl::Now() + absl::Hours(24 * 29));
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_EQ(Get(mine.name()).status(), Lead::STATUS_ACTIVE) << "29 days is within the default 30";

  swept = CrmTestEnvironment::Get().server().lead_sweeper().SweepOnce(absl::Now() + absl::Hours(24 * 31));
  ASSERT_TRUE(swept.ok()) << swept.status();
  EXPECT_GE(*swept, 1);
  const Lead swept_lead = Get(mine.name());
  EXPECT_EQ(swept_lead.status(), Lead::STATUS_INVALID);
  EXPECT_EQ(swept_lead.invalid_reason(), Lead::INVALID_REASON_UNREACHABLE);
  EXPECT_THAT(swept_lead.invalid_note(), HasSubstr("30 days"));
  EXPECT_NE(swept_lead.etag(), mine.etag());

  v1::GetLeadRequest theirs_get;
  theirs_get.set_name(theirs.name());
  Lead theirs_now;
  ASSERT_TRUE(stub_->GetLead(WithKey(patient.integration_key).get(), theirs_get, &theirs_now).ok());
  EXPECT_EQ(theirs_now.status(), Lead::STATUS_ACTIVE) << "60-day tenant untouched at 31 days";
}

TEST_F(LeadServiceTest, FunnelPerSourceOverARange) {
  const absl::Time start = absl::Now() - absl::Seconds(1);
  std::vector<Lead> events;
  for (int i = 0; i < 3; ++i) events.push_back(MustCreate(New(Lead::SOURCE_EVENT, NewContact("E"))));
  const Lead referral = MustCreate(New(Lead::SOURCE_REFERRAL, NewContact("R")));
  v1::RecordFollowUpResponse out;
  ASSERT_TRUE(FollowUp(events[0].name(), LeadFollowUp::OUTCOME_REACHED, &out).ok());
  ASSERT_TRUE(FollowUp(events[1].name(), LeadFollowUp::OUTCOME_NOT_REACHED, &out).ok());
  ASSERT_TRUE(FollowUp(events[2].name(), LeadFollowUp::OUTCOME_DECLINED, &out).ok());
  Lead converted;
  ASSERT_TRUE(Convert(events[0].name(), &converted).ok());
  ASSERT_TRUE(Convert(referral.name(), &converted).ok());

  v1::GetLeadFunnelRequest request;
  storage::ToProtoTimestamp(start, request.mutable_start_time());
  storage::ToProtoTimestamp(absl::Now() + absl::Seconds(1), request.mutable_end_time());
  v1::LeadFunnel funnel;
  ASSERT_TRUE(stub_->GetLeadFunnel(WithKey(tenant_.analyst_key).get(), request, &funnel).ok());
  ASSERT_EQ(funnel.sources_size(), 6);
  const v1::LeadSourceFunnel& event = funnel.sources(Lead::SOURCE_EVENT - 1);
  EXPECT_EQ(event.source(), Lead::SOURCE_EVENT);
  EXPECT_EQ(event.created(), 3);
  EXPECT_EQ(event.contacted(), 2) << "REACHED and DECLINED reached them; NOT_REACHED did not";
  EXPECT_EQ(event.converted(), 1);
  EXPECT_EQ(event.invalid(), 1);
  EXPECT_DOUBLE_EQ(event.conversion_rate(), 1.0 / 3.0);
  ASSERT_TRUE(event.has_median_days_to_convert());
  EXPECT_LT(event.median_days_to_convert(), 0.01);
  ASSERT_EQ(event.invalid_reasons_size(), 1);
  EXPECT_EQ(event.invalid_reasons(0).reason(), Lead::INVALID_REASON_DECLINED);
  EXPECT_EQ(funnel.sources(Lead::SOURCE_REFERRAL - 1).converted(), 1);
  EXPECT_EQ(funnel.sources(Lead::SOURCE_OTHER - 1).created(), 0);
  EXPECT_FALSE(funnel.sources(Lead::SOURCE_OTHER - 1).has_median_days_to_convert());
  EXPECT_EQ(funnel.total().created(), 4);
  EXPECT_EQ(funnel.total().converted(), 2);
  EXPECT_DOUBLE_EQ(funnel.total().conversion_rate(), 0.5);

  // A range before the leads existed counts none of them.
  v1::GetLeadFunnelRequest earlier;
  storage::ToProtoTimestamp(start - absl::Hours(48), earlier.mutable_start_time());
  storage::ToProtoTimestamp(start - absl::Hours(24), earlier.mutable_end_time());
  ASSERT_TRUE(stub_->GetLeadFunnel(WithKey(tenant_.analyst_key).get(), earlier, &funnel).ok());
  EXPECT_EQ(funnel.total().created(), 0);

  v1::GetLeadFunnelRequest backwards;
  storage::ToProtoTimestamp(absl::Now(), backwards.mutable_start_time());
  storage::ToProtoTimestamp(absl::Now() - absl::Hours(1), backwards.mutable_end_time());
  EXPECT_EQ(stub_->GetLeadFunnel(WithKey(tenant_.analyst_key).get(), backwards, &funnel).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetLeadFunnelRequest too_long;
  storage::ToProtoTimestamp(absl::Now() - absl::Hours(24 * 365 * 11), too_long.mutable_start_time());
  EXPECT_EQ(stub_->GetLeadFunnel(WithKey(tenant_.analyst_key).get(), too_long, &funnel).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(LeadServiceTest, MergeMovesLeadsDeleteErasesThemTimelineShowsFollowUps) {
  const std::string merged = NewContact("Zhang W.");
  const Lead lead = MustCreate(New(Lead::SOURCE_EVENT, merged));
  v1::RecordFollowUpResponse follow_up;
  ASSERT_TRUE(FollowUp(lead.name(), LeadFollowUp::OUTCOME_REACHED, &follow_up).ok());

  v1::MergeContactsRequest merge;
  merge.set_survivor(contact_);
  merge.set_merged(merged);
  v1::Contact survivor;
  ASSERT_TRUE(Contacts()->MergeContacts(WithKey(tenant_.integration_key).get(), merge, &survivor).ok());
  EXPECT_EQ(Get(lead.name()).contact(), contact_);

  v1::GetContactTimelineRequest timeline;
  timeline.set_contact(contact_);
  v1::GetContactTimelineResponse entries;
  ASSERT_TRUE(Interactions()->GetContactTimeline(WithKey(tenant_.integration_key).get(), timeline, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 1);
  ASSERT_TRUE(entries.entries(0).has_follow_up());
  EXPECT_EQ(entries.entries(0).follow_up().name(), follow_up.follow_up().name());
  EXPECT_EQ(entries.entries(0).follow_up().contact(), contact_);

  v1::DeleteContactRequest erase;
  erase.set_name(contact_);
  google::protobuf::Empty empty;
  ASSERT_TRUE(Contacts()->DeleteContact(WithKey(tenant_.integration_key).get(), erase, &empty).ok());
  EXPECT_EQ(CountRows("leads", tenant_.id), 0);
  EXPECT_EQ(CountRows("lead_follow_ups", tenant_.id), 0);
}

TEST_F(LeadServiceTest, EveryRpcStaysInsideTheCallersTenant) {
  const Lead mine = MustCreate(New());
  v1::RecordFollowUpResponse out;
  ASSERT_TRUE(FollowUp(mine.name(), LeadFollowUp::OUTCOME_REACHED, &out, absl::Now() + absl::Hours(1)).ok());
  const TestTenant other = CreateTestTenant("ldx");
  const std::string key = other.integration_key;
  const auto not_found = [](const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  };

  Lead lead;
  not_found(Create(New(), &lead, "", key));  // my contact, their key
  v1::GetLeadRequest get;
  get.set_name(mine.name());
  not_found(stub_->GetLead(WithKey(key).get(), get, &lead));
  v1::UpdateLeadRequest update;
  *update.mutable_lead() = mine;
  update.mutable_update_mask()->add_paths("owner");
  not_found(stub_->UpdateLead(WithKey(key).get(), update, &lead));
  not_found(FollowUp(mine.name(), LeadFollowUp::OUTCOME_REACHED, &out, std::nullopt, std::nullopt, "", key));
  v1::ConvertLeadRequest convert;
  convert.set_name(mine.name());
  not_found(stub_->ConvertLead(WithKey(key).get(), convert, &lead));
  v1::InvalidateLeadRequest invalidate;
  invalidate.set_name(mine.name());
  invalidate.set_reason(Lead::INVALID_REASON_OTHER);
  not_found(stub_->InvalidateLead(WithKey(key).get(), invalidate, &lead));

  // Their own lead may not convert through my purchase.
  const Lead theirs = MustCreate(New(Lead::SOURCE_EVENT, NewContact("Theirs", &other)), &other);
  const v1::Purchase my_purchase = RecordPurchase(contact_, absl::Now());
  convert.set_name(theirs.name());
  convert.set_purchase(my_purchase.name());
  not_found(stub_->ConvertLead(WithKey(key).get(), convert, &lead));

  v1::ListLeadsRequest list;
  v1::ListLeadsResponse listed;
  ASSERT_TRUE(stub_->ListLeads(WithKey(key).get(), list, &listed).ok());
  ASSERT_EQ(listed.leads_size(), 1);
  EXPECT_EQ(listed.leads(0).name(), theirs.name());
  v1::ListDueFollowUpsRequest due;
  storage::ToProtoTimestamp(absl::Now() + absl::Hours(2), due.mutable_due_before());
  v1::ListDueFollowUpsResponse due_page;
  ASSERT_TRUE(stub_->ListDueFollowUps(WithKey(key).get(), due, &due_page).ok());
  EXPECT_EQ(due_page.leads_size(), 0);
  v1::GetLeadFunnelRequest funnel_request;
  v1::LeadFunnel funnel;
  ASSERT_TRUE(stub_->GetLeadFunnel(WithKey(key).get(), funnel_request, &funnel).ok());
  EXPECT_EQ(funnel.total().created(), 1);
  EXPECT_EQ(Get(mine.name()).follow_up_count(), 1) << "nothing of theirs changed my lead";
  EXPECT_EQ(Get(mine.name()).status(), Lead::STATUS_CONVERTED) << "my purchase converted my lead";
  get.set_name(theirs.name());
  ASSERT_TRUE(stub_->GetLead(WithKey(key).get(), get, &lead).ok());
  EXPECT_EQ(lead.status(), Lead::STATUS_ACTIVE) << "and not theirs";
}

}  // namespace
}  // namespace crm::testing
