// InteractionService against a real MariaDB: logging, listing, the merged contact
// timeline, bad input and tenant isolation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/row_codec.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;

class InteractionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = CreateTestTenant("in");
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name("Mei");
    v1::Contact contact;
    ASSERT_TRUE(Contacts()->CreateContact(WithKey(tenant_.integration_key).get(), request, &contact).ok());
    contact_ = contact.name();
  }

  v1::Interaction Touch(v1::Interaction::Type type, absl::Time when) {
    v1::Interaction interaction;
    interaction.set_contact(contact_);
    interaction.set_type(type);
    interaction.set_direction(v1::Interaction::DIRECTION_OUTBOUND);
    interaction.set_channel("call-centre");
    interaction.set_outcome("reached");
    storage::ToProtoTimestamp(when, interaction.mutable_interaction_time());
    interaction.set_performed_by("rep-7");
    interaction.set_notes("asked about the new serum\nwill visit");
    return interaction;
  }

  grpc::Status Log(const v1::Interaction& interaction, v1::Interaction* out,
                   const std::string& key = "", const std::string& request_id = "") {
    v1::LogInteractionRequest request;
    *request.mutable_interaction() = interaction;
    request.set_request_id(request_id);
    return stub_->LogInteraction(WithKey(key.empty() ? tenant_.integration_key : key).get(), request, out);
  }

  void ExpectRejected(const v1::Interaction& interaction, grpc::StatusCode code, const std::string& field) {
    v1::Interaction out;
    grpc::Status status = Log(interaction, &out);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(CountRows("interactions", tenant_.id), 0);
  }

  TestTenant tenant_;
  std::string contact_;
  std::unique_ptr<v1::InteractionService::Stub> stub_ = Interactions();
  const absl::Time base_ = absl::Now() - absl::Hours(48);
};

TEST_F(InteractionServiceTest, LogGetListAndReplay) {
  v1::Interaction survey = Touch(v1::Interaction::TYPE_SURVEY, base_);
  survey.set_satisfaction_score(9);
  v1::Interaction logged, replayed;
  ASSERT_TRUE(Log(survey, &logged, "", "a1b2c3d4-0000-4000-8000-000000000001").ok());
  ASSERT_TRUE(Log(survey, &replayed, "", "a1b2c3d4-0000-4000-8000-000000000001").ok());
  EXPECT_EQ(logged.name(), replayed.name());
  EXPECT_EQ(CountRows("interactions", tenant_.id), 1);
  EXPECT_TRUE(logged.has_satisfaction_score());
  EXPECT_EQ(logged.satisfaction_score(), 9);
  EXPECT_EQ(logged.notes(), "asked about the new serum\nwill visit");

  // A scheduler reports the touches it sends.
  v1::Interaction sms;
  ASSERT_TRUE(Log(Touch(v1::Interaction::TYPE_SMS, base_ + absl::Hours(1)), &sms, tenant_.scheduler_key).ok());
  EXPECT_FALSE(sms.has_satisfaction_score());

  v1::GetInteractionRequest get;
  get.set_name(logged.name());
  v1::Interaction fetched;
  ASSERT_TRUE(stub_->GetInteraction(WithKey(tenant_.analyst_key).get(), get, &fetched).ok());
  EXPECT_EQ(fetched.DebugString(), logged.DebugString());

  v1::ListInteractionsRequest list;
  list.set_filter(absl::StrCat("contact = \"", contact_, "\" AND type = TYPE_SURVEY AND satisfaction_score >= 8"));
  v1::ListInteractionsResponse page;
  ASSERT_TRUE(stub_->ListInteractions(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  ASSERT_EQ(page.interactions_size(), 1);
  EXPECT_EQ(page.interactions(0).name(), logged.name());
  list.Clear();
  ASSERT_TRUE(stub_->ListInteractions(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  ASSERT_EQ(page.interactions_size(), 2);
  EXPECT_EQ(page.interactions(0).name(), sms.name());  // newest first
}

TEST_F(InteractionServiceTest, BadInputIsRejectedAndWritesNothing) {
  v1::Interaction i = Touch(v1::Interaction::TYPE_CALL, base_);
  i.set_satisfaction_score(5);
  ExpectRejected(i, grpc::StatusCode::INVALID_ARGUMENT, "satisfaction_score");
  i = Touch(v1::Interaction::TYPE_SURVEY, base_);
  i.set_satisfaction_score(11);
  ExpectRejected(i, grpc::StatusCode::INVALID_ARGUMENT, "satisfaction_score");
  i = Touch(v1::Interaction::TYPE_SURVEY, base_);
  i.set_satisfaction_score(-1);
  ExpectRejected(i, grpc::StatusCode::INVALID_ARGUMENT, "satisfaction_score");
  ExpectRejected(Touch(v1::Interaction::TYPE_UNSPECIFIED, base_), grpc::StatusCode::INVALID_ARGUMENT, "type");
  ExpectRejected(Touch(v1::Interaction::TYPE_CALL, absl::Now() + absl::Hours(2)),
                 grpc::StatusCode::INVALID_ARGUMENT, "interaction_time");
  i = Touch(v1::Interaction::TYPE_NOTE, base_);
  i.set_notes(std::string(4001, 'n'));
  ExpectRejected(i, grpc::StatusCode::INVALID_ARGUMENT, "notes");
  i = Touch(v1::Interaction::TYPE_NOTE, base_);
  i.set_contact("contacts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  ExpectRejected(i, grpc::StatusCode::NOT_FOUND, "contact");
  i = Touch(v1::Interaction::TYPE_NOTE, base_);
  v1::Interaction out;
  EXPECT_EQ(Log(i, &out, tenant_.analyst_key).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountRows("interactions", tenant_.id), 0);
}

TEST_F(InteractionServiceTest, TimelineMergesPurchasesAndInteractionsAcrossPages) {
  // Alternate purchases and interactions an hour apart, plus two at the same instant.
  std::vector<std::string> expected;  // newest first
  for (int i = 0; i < 6; ++i) {
    const absl::Time when = base_ + absl::Hours(i);
    if (i % 2 == 0) {
      v1::RecordPurchaseRequest record;
      record.mutable_purchase()->set_contact(contact_);
      storage::ToProtoTimestamp(when, record.mutable_purchase()->mutable_purchase_time());
      record.mutable_purchase()->mutable_amount()->set_units(10 + i);
      v1::Purchase purchase;
      ASSERT_TRUE(Purchases()->RecordPurchase(WithKey(tenant_.integration_key).get(), record, &purchase).ok());
      expected.insert(expected.begin(), purchase.name());
    } else {
      v1::Interaction interaction;
      ASSERT_TRUE(Log(Touch(v1::Interaction::TYPE_CALL, when), &interaction).ok());
      expected.insert(expected.begin(), interaction.name());
    }
  }
  const absl::Time tie = base_ + absl::Hours(10);
  v1::RecordPurchaseRequest record;
  record.mutable_purchase()->set_contact(contact_);
  storage::ToProtoTimestamp(tie, record.mutable_purchase()->mutable_purchase_time());
  record.mutable_purchase()->mutable_amount()->set_units(1);
  v1::Purchase tied_purchase;
  ASSERT_TRUE(Purchases()->RecordPurchase(WithKey(tenant_.integration_key).get(), record, &tied_purchase).ok());
  v1::Interaction tied_interaction;
  ASSERT_TRUE(Log(Touch(v1::Interaction::TYPE_STORE_VISIT, tie), &tied_interaction).ok());
  // Same time: resource names descending, so "purchases/..." before "interactions/...".
  expected.insert(expected.begin(), tied_interaction.name());
  expected.insert(expected.begin(), tied_purchase.name());
  // A complaint made now is the newest entry (placed at its create_time).
  v1::CreateComplaintRequest complain;
  complain.mutable_complaint()->set_contact(contact_);
  complain.mutable_complaint()->set_category("service");
  complain.mutable_complaint()->set_severity(v1::Complaint::SEVERITY_LOW);
  v1::Complaint complaint;
  ASSERT_TRUE(Complaints()->CreateComplaint(WithKey(tenant_.integration_key).get(), complain, &complaint).ok());
  expected.insert(expected.begin(), complaint.name());

  for (int page_size : {1, 2, 3, 50}) {
    v1::GetContactTimelineRequest request;
    request.set_contact(contact_);
    request.set_page_size(page_size);
    std::vector<std::string> seen;
    do {
      v1::GetContactTimelineResponse page;
      grpc::Status status = stub_->GetContactTimeline(WithKey(tenant_.analyst_key).get(), request, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_LE(page.entries_size(), page_size);
      for (const auto& entry : page.entries()) {
        seen.push_back(entry.has_purchase()    ? entry.purchase().name()
                       : entry.has_complaint() ? entry.complaint().name()
                                               : entry.interaction().name());
        if (entry.has_purchase()) {
          EXPECT_EQ(entry.purchase().amount().currency_code(), "EUR");
        }
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    EXPECT_EQ(seen, expected) << "page_size " << page_size;
  }
}

TEST_F(InteractionServiceTest, TimelineAndInteractionsAreTenantScoped) {
  v1::Interaction logged;
  ASSERT_TRUE(Log(Touch(v1::Interaction::TYPE_CALL, base_), &logged).ok());
  TestTenant other = CreateTestTenant("in-b");
  v1::GetInteractionRequest get;
  get.set_name(logged.name());
  v1::Interaction ignored;
  EXPECT_EQ(stub_->GetInteraction(WithKey(other.analyst_key).get(), get, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::GetContactTimelineRequest timeline;
  timeline.set_contact(contact_);
  v1::GetContactTimelineResponse entries;
  EXPECT_EQ(stub_->GetContactTimeline(WithKey(other.analyst_key).get(), timeline, &entries).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Log(Touch(v1::Interaction::TYPE_CALL, base_), &ignored, other.integration_key).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListInteractionsRequest list;
  v1::ListInteractionsResponse page;
  ASSERT_TRUE(stub_->ListInteractions(WithKey(other.analyst_key).get(), list, &page).ok());
  EXPECT_EQ(page.interactions_size(), 0);
  // A timeline token of one contact is no good for another contact or tenant.
  ASSERT_TRUE(Log(Touch(v1::Interaction::TYPE_SMS, base_ + absl::Hours(1)), &logged).ok());
  timeline.set_page_size(1);
  ASSERT_TRUE(stub_->GetContactTimeline(WithKey(tenant_.analyst_key).get(), timeline, &entries).ok());
  ASSERT_FALSE(entries.next_page_token().empty());
  timeline.set_page_token(entries.next_page_token());
  EXPECT_EQ(stub_->GetContactTimeline(WithKey(other.analyst_key).get(), timeline, &entries).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountRows("interactions", other.id), 0);
  // Deleting the contact erases its history.
  v1::DeleteContactRequest del;
  del.set_name(contact_);
  google::protobuf::Empty empty;
  ASSERT_TRUE(Contacts()->DeleteContact(WithKey(tenant_.integration_key).get(), del, &empty).ok());
  EXPECT_EQ(CountRows("interactions", tenant_.id), 0);
}

}  // namespace
}  // namespace crm::testing
