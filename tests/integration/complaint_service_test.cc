// ComplaintService against a real MariaDB: due times from the tenant's policy, the
// status machine, the overdue list, bad input and tenant isolation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;
using v1::Complaint;

class ComplaintServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = CreateTestTenant("cp");
    v1::CreateContactRequest request;
    request.mutable_contact()->set_display_name("Mei");
    v1::Contact contact;
    ASSERT_TRUE(Contacts()->CreateContact(WithKey(tenant_.integration_key).get(), request, &contact).ok());
    contact_ = contact.name();
  }

  grpc::Status Create(const Complaint& complaint, Complaint* out, const std::string& key = "") {
    v1::CreateComplaintRequest request;
    *request.mutable_complaint() = complaint;
    return stub_->CreateComplaint(WithKey(key.empty() ? tenant_.integration_key : key).get(), request, out);
  }

  Complaint New(Complaint::Severity severity) {
    Complaint complaint;
    complaint.set_contact(contact_);
    complaint.set_category("product quality");
    complaint.set_severity(severity);
    complaint.set_description("the serum caused a rash");
    return complaint;
  }

  grpc::Status MoveTo(Complaint* complaint, Complaint::Status status) {
    v1::UpdateComplaintRequest update;
    *update.mutable_complaint() = *complaint;
    update.mutable_complaint()->set_status(status);
    update.mutable_update_mask()->add_paths("status");
    Complaint out;
    grpc::Status result = stub_->UpdateComplaint(WithKey(tenant_.integration_key).get(), update, &out);
    if (result.ok()) *complaint = out;
    return result;
  }

  TestTenant tenant_;
  std::string contact_;
  std::unique_ptr<v1::ComplaintService::Stub> stub_ = Complaints();
};

absl::Duration DueIn(const Complaint& complaint) {
  return storage::FromProtoTimestamp(complaint.due_time()) -
         storage::FromProtoTimestamp(complaint.create_time());
}

TEST_F(ComplaintServiceTest, DueTimeFollowsSeverityAndTheTenantPolicy) {
  Complaint low, critical;
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_LOW), &low).ok());
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_CRITICAL), &critical).ok());
  EXPECT_EQ(low.status(), Complaint::STATUS_OPEN);
  EXPECT_EQ(DueIn(low), absl::Hours(72));
  EXPECT_EQ(DueIn(critical), absl::Hours(2));

  // The tenant tightens its policy; new complaints follow it.
  auto admin = TenantAdmin();
  v1::GetTenantRequest get;
  get.set_name(absl::StrCat("tenants/", tenant_.id));
  v1::Tenant tenant;
  ASSERT_TRUE(admin->GetTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), get, &tenant).ok());
  EXPECT_EQ(tenant.complaint_policy().critical_hours(), 2);
  v1::UpdateTenantRequest update;
  *update.mutable_tenant() = tenant;
  update.mutable_tenant()->mutable_complaint_policy()->set_critical_hours(1);
  update.mutable_update_mask()->add_paths("complaint_policy.critical_hours");
  ASSERT_TRUE(admin->UpdateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), update, &tenant).ok());
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_CRITICAL), &critical).ok());
  EXPECT_EQ(DueIn(critical), absl::Hours(1));
  update.mutable_tenant()->set_etag(tenant.etag());
  update.mutable_tenant()->mutable_complaint_policy()->set_critical_hours(721);
  EXPECT_EQ(admin->UpdateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), update, &tenant).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Raising the severity of an open complaint moves its due time.
  v1::UpdateComplaintRequest raise;
  *raise.mutable_complaint() = low;
  raise.mutable_complaint()->set_severity(Complaint::SEVERITY_HIGH);
  raise.mutable_update_mask()->add_paths("severity");
  Complaint raised;
  ASSERT_TRUE(stub_->UpdateComplaint(WithKey(tenant_.integration_key).get(), raise, &raised).ok());
  EXPECT_EQ(DueIn(raised), absl::Hours(8));
}

TEST_F(ComplaintServiceTest, StatusMachineAllowsOnlyTheDocumentedMoves) {
  Complaint complaint;
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_MEDIUM), &complaint).ok());
  grpc::Status status = MoveTo(&complaint, Complaint::STATUS_RESOLVED);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("STATUS_OPEN to STATUS_RESOLVED"));
  EXPECT_EQ(MoveTo(&complaint, Complaint::STATUS_CLOSED).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(MoveTo(&complaint, Complaint::STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(MoveTo(&complaint, Complaint::STATUS_RESOLVED).ok());
  EXPECT_TRUE(complaint.has_resolve_time());
  ASSERT_TRUE(MoveTo(&complaint, Complaint::STATUS_IN_PROGRESS).ok());  // reopen
  EXPECT_FALSE(complaint.has_resolve_time());
  ASSERT_TRUE(MoveTo(&complaint, Complaint::STATUS_RESOLVED).ok());
  ASSERT_TRUE(MoveTo(&complaint, Complaint::STATUS_CLOSED).ok());
  EXPECT_TRUE(complaint.has_close_time());
  EXPECT_EQ(MoveTo(&complaint, Complaint::STATUS_OPEN).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(MoveTo(&complaint, Complaint::STATUS_IN_PROGRESS).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The follow-up score, and a stale etag.
  v1::UpdateComplaintRequest follow_up;
  *follow_up.mutable_complaint() = complaint;
  follow_up.mutable_complaint()->set_satisfaction_score(8);
  follow_up.mutable_update_mask()->add_paths("satisfaction_score");
  Complaint scored;
  ASSERT_TRUE(stub_->UpdateComplaint(WithKey(tenant_.integration_key).get(), follow_up, &scored).ok());
  EXPECT_EQ(scored.satisfaction_score(), 8);
  EXPECT_EQ(stub_->UpdateComplaint(WithKey(tenant_.integration_key).get(), follow_up, &scored).error_code(),
            grpc::StatusCode::ABORTED);
  follow_up.mutable_complaint()->set_etag(scored.etag());
  follow_up.mutable_complaint()->set_satisfaction_score(11);
  EXPECT_EQ(stub_->UpdateComplaint(WithKey(tenant_.integration_key).get(), follow_up, &scored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ComplaintServiceTest, OverdueListHasOnlyOpenWorkPastItsDueTime) {
  Complaint late, on_time, late_but_resolved;
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_HIGH), &late).ok());
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_HIGH), &on_time).ok());
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_HIGH), &late_but_resolved).ok());
  ASSERT_TRUE(MoveTo(&late_but_resolved, Complaint::STATUS_IN_PROGRESS).ok());
  ASSERT_TRUE(MoveTo(&late_but_resolved, Complaint::STATUS_RESOLVED).ok());
  // Age two complaints past their due time, as the clock would.
  ASSERT_TRUE(storage::RunGlobalTransaction(
                  CrmTestEnvironment::Get().pool(), absl::Now() + absl::Seconds(10),
                  [&](storage::Transaction& tx) {
                    for (const Complaint* c : {&late, &late_but_resolved}) {
                      tx.Execute(
                          "UPDATE complaints SET due_time = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR "
                          "WHERE tenant_id = ? AND complaint_id = ?",
                          {tenant_.id, c->name().substr(11)});
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  v1::ListComplaintsRequest list;
  list.set_overdue_only(true);
  v1::ListComplaintsResponse page;
  ASSERT_TRUE(stub_->ListComplaints(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  ASSERT_EQ(page.complaints_size(), 1);
  EXPECT_EQ(page.complaints(0).name(), late.name());
  list.set_filter("severity = SEVERITY_LOW");
  ASSERT_TRUE(stub_->ListComplaints(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  EXPECT_EQ(page.complaints_size(), 0);
  list.Clear();
  list.set_filter("status = STATUS_OPEN");
  ASSERT_TRUE(stub_->ListComplaints(WithKey(tenant_.analyst_key).get(), list, &page).ok());
  EXPECT_EQ(page.complaints_size(), 2);
}

TEST_F(ComplaintServiceTest, BadInputAndOtherTenants) {
  Complaint out;
  Complaint c = New(Complaint::SEVERITY_UNSPECIFIED);
  EXPECT_EQ(Create(c, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  c = New(Complaint::SEVERITY_LOW);
  c.set_category("");
  EXPECT_EQ(Create(c, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  c = New(Complaint::SEVERITY_LOW);
  c.set_description(std::string(4001, 'd'));
  EXPECT_EQ(Create(c, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  c = New(Complaint::SEVERITY_LOW);
  c.set_satisfaction_score(-1);
  EXPECT_EQ(Create(c, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Create(New(Complaint::SEVERITY_LOW), &out, tenant_.analyst_key).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountRows("complaints", tenant_.id), 0);

  Complaint mine;
  ASSERT_TRUE(Create(New(Complaint::SEVERITY_LOW), &mine).ok());
  TestTenant other = CreateTestTenant("cp-o");
  EXPECT_EQ(Create(New(Complaint::SEVERITY_LOW), &out, other.integration_key).error_code(),
            grpc::StatusCode::NOT_FOUND);  // our contact is not theirs
  v1::GetComplaintRequest get;
  get.set_name(mine.name());
  EXPECT_EQ(stub_->GetComplaint(WithKey(other.analyst_key).get(), get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::UpdateComplaintRequest update;
  *update.mutable_complaint() = mine;
  update.mutable_complaint()->set_status(Complaint::STATUS_IN_PROGRESS);
  update.mutable_update_mask()->add_paths("status");
  EXPECT_EQ(stub_->UpdateComplaint(WithKey(other.integration_key).get(), update, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListComplaintsRequest list;
  v1::ListComplaintsResponse page;
  ASSERT_TRUE(stub_->ListComplaints(WithKey(other.analyst_key).get(), list, &page).ok());
  EXPECT_EQ(page.complaints_size(), 0);
  EXPECT_EQ(CountRows("complaints", other.id), 0);

  // Deleting the contact erases its complaints.
  v1::DeleteContactRequest del;
  del.set_name(contact_);
  google::protobuf::Empty empty;
  ASSERT_TRUE(Contacts()->DeleteContact(WithKey(tenant_.integration_key).get(), del, &empty).ok());
  EXPECT_EQ(CountRows("complaints", tenant_.id), 0);
}

}  // namespace
}  // namespace crm::testing
