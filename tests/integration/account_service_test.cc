// AccountService against a real MariaDB.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = CreateTestTenant("ac", "CNY"); }

  grpc::Status Create(const v1::Account& account, v1::Account* out, const std::string& request_id = "") {
    v1::CreateAccountRequest request;
    *request.mutable_account() = account;
    request.set_request_id(request_id);
    return stub_->CreateAccount(WithKey(tenant_.integration_key).get(), request, out);
  }

  v1::Account MustCreate(const v1::Account& account) {
    v1::Account out;
    grpc::Status status = Create(account, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  void ExpectRejected(const v1::Account& account, grpc::StatusCode code, const std::string& field) {
    v1::Account out;
    grpc::Status status = Create(account, &out);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(CountRows("accounts", tenant_.id), 0);
  }

  static v1::Account Company(const std::string& name = "Huaxia Trading") {
    v1::Account account;
    account.set_display_name(name);
    return account;
  }

  TestTenant tenant_;
  std::unique_ptr<v1::AccountService::Stub> stub_ = Accounts();
};

TEST_F(AccountServiceTest, CreateStoresEveryFieldAndMoneyExactly) {
  v1::Account account = Company();
  account.set_industry("chemicals");
  account.set_size(v1::Account::SIZE_MEDIUM);
  account.set_region("South China");
  account.set_owner("rep-7");
  account.mutable_annual_revenue()->set_units(12345678);
  account.mutable_annual_revenue()->set_nanos(990000000);
  account.set_credit_rating(v1::Account::CREDIT_RATING_BBB);
  account.set_payment_terms_days(45);
  account.set_key_account(true);
  account.set_tier(v1::Account::TIER_B);
  account.mutable_evaluation()->set_financial_score(80);
  account.mutable_evaluation()->set_credit_score(65);
  account.set_external_id("erp-1001");
  account.add_tags("distributor");
  (*account.mutable_attributes())["vat_id"] = "91310000";
  const v1::Account created = MustCreate(account);
  EXPECT_THAT(created.name(), ::testing::StartsWith("accounts/"));
  EXPECT_EQ(created.annual_revenue().currency_code(), "CNY");
  EXPECT_EQ(created.annual_revenue().units(), 12345678);
  EXPECT_EQ(created.annual_revenue().nanos(), 990000000);
  EXPECT_EQ(created.credit_rating(), v1::Account::CREDIT_RATING_BBB);
  EXPECT_EQ(created.evaluation().financial_score(), 80);
  EXPECT_TRUE(created.key_account());
  EXPECT_EQ(created.attributes().at("vat_id"), "91310000");

  v1::GetAccountRequest get;
  get.set_name(created.name());
  v1::Account fetched;
  ASSERT_TRUE(stub_->GetAccount(WithKey(tenant_.analyst_key).get(), get, &fetched).ok());
  EXPECT_EQ(fetched.DebugString(), created.DebugString());
}

TEST_F(AccountServiceTest, BadInputIsInvalidArgumentAndWritesNothing) {
  ExpectRejected(Company(""), grpc::StatusCode::INVALID_ARGUMENT, "display_name");
  ExpectRejected(Company("   "), grpc::StatusCode::INVALID_ARGUMENT, "display_name");
  ExpectRejected(Company(std::string(201, 'x')), grpc::StatusCode::INVALID_ARGUMENT, "display_name");
  v1::Account a = Company();
  a.mutable_annual_revenue()->set_currency_code("USD");
  a.mutable_annual_revenue()->set_units(5);
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "annual_revenue.currency_code");
  a = Company();
  a.mutable_annual_revenue()->set_units(-5);
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "annual_revenue");
  a = Company();
  a.mutable_annual_revenue()->set_nanos(1);
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "annual_revenue.nanos");
  a = Company();
  a.mutable_annual_revenue()->set_units(9'000'000'000'001);
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "annual_revenue.units");
  a = Company();
  a.set_payment_terms_days(366);
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "payment_terms_days");
  a = Company();
  a.set_tier(static_cast<v1::Account::Tier>(9));
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "tier");
  a = Company();
  a.set_size(static_cast<v1::Account::Size>(-1));
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "size");
  a = Company();
  a.mutable_evaluation()->set_credit_score(101);
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "evaluation.credit_score");
  a = Company();
  a.set_industry(std::string(101, 'i'));
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "industry");
  a = Company();
  for (int i = 0; i < 51; ++i) a.add_tags(absl::StrCat("t", i));
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "tags");
  a = Company();
  (*a.mutable_attributes())[""] = "empty key";
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "attributes");
  a = Company();
  a.set_external_id(" padded ");
  ExpectRejected(a, grpc::StatusCode::INVALID_ARGUMENT, "external_id");
}

TEST_F(AccountServiceTest, DuplicateExternalIdOnCreateAndUpdateIsAlreadyExists) {
  v1::Account first = Company("First");
  first.set_external_id("erp-1");
  MustCreate(first);
  v1::Account out;
  EXPECT_EQ(Create(first, &out).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  const v1::Account second = MustCreate(Company("Second"));
  v1::UpdateAccountRequest update;
  *update.mutable_account() = second;
  update.mutable_account()->set_external_id("erp-1");
  update.mutable_update_mask()->add_paths("external_id");
  grpc::Status status = stub_->UpdateAccount(WithKey(tenant_.integration_key).get(), update, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr("external_id"));
  EXPECT_EQ(CountRows("accounts", tenant_.id), 2);
  // Two accounts without an external id do not collide.
  MustCreate(Company("Third"));
}

TEST_F(AccountServiceTest, RequestIdReplayWritesOneRow) {
  v1::Account first, second;
  ASSERT_TRUE(Create(Company(), &first, "e3a5c9a4-2f51-4bd0-9a8d-6f5a0f2b7c10").ok());
  ASSERT_TRUE(Create(Company(), &second, "e3a5c9a4-2f51-4bd0-9a8d-6f5a0f2b7c10").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(CountRows("accounts", tenant_.id), 1);
  // The same request id on another method is a client bug.
  v1::CreateContactRequest contact;
  contact.mutable_contact()->set_display_name("x");
  contact.set_request_id("e3a5c9a4-2f51-4bd0-9a8d-6f5a0f2b7c10");
  v1::Contact created;
  grpc::Status status =
      Contacts()->CreateContact(WithKey(tenant_.integration_key).get(), contact, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountRows("contacts", tenant_.id), 0);
}

TEST_F(AccountServiceTest, UpdateWithFullReplacementAndNestedMask) {
  v1::Account account = Company();
  account.set_region("East");
  account.mutable_evaluation()->set_financial_score(10);
  const v1::Account created = MustCreate(account);

  v1::UpdateAccountRequest update;
  *update.mutable_account() = created;
  update.mutable_account()->mutable_evaluation()->set_financial_score(90);
  update.mutable_account()->mutable_evaluation()->set_credit_score(70);
  update.mutable_update_mask()->add_paths("evaluation.financial_score");
  v1::Account updated;
  ASSERT_TRUE(stub_->UpdateAccount(WithKey(tenant_.integration_key).get(), update, &updated).ok());
  EXPECT_EQ(updated.evaluation().financial_score(), 90);
  EXPECT_EQ(updated.evaluation().credit_score(), 0);

  // "*" replaces every writable field: region cleared.
  v1::Account replacement = Company("Renamed");
  replacement.set_name(created.name());
  replacement.set_etag(updated.etag());
  *update.mutable_account() = replacement;
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("*");
  ASSERT_TRUE(stub_->UpdateAccount(WithKey(tenant_.integration_key).get(), update, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Renamed");
  EXPECT_EQ(updated.region(), "");
  EXPECT_EQ(updated.evaluation().financial_score(), 0);
}

TEST_F(AccountServiceTest, ListFiltersOnMoneyEnumsAndBooleans) {
  for (int i = 0; i < 6; ++i) {
    v1::Account account = Company(absl::StrCat("Co ", i));
    account.mutable_annual_revenue()->set_units(i * 1000000);
    account.set_tier(i < 2 ? v1::Account::TIER_A : v1::Account::TIER_C);
    account.set_key_account(i % 2 == 0);
    MustCreate(account);
  }
  auto names = [&](const std::string& filter, const std::string& order_by = "") {
    v1::ListAccountsRequest list;
    list.set_filter(filter);
    list.set_order_by(order_by);
    v1::ListAccountsResponse page;
    grpc::Status status = stub_->ListAccounts(WithKey(tenant_.analyst_key).get(), list, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> out;
    for (const auto& a : page.accounts()) out.push_back(a.display_name());
    return out;
  };
  EXPECT_THAT(names("annual_revenue >= 3000000.5"), ::testing::ElementsAre("Co 4", "Co 5"));
  EXPECT_THAT(names("tier = TIER_A"), ::testing::ElementsAre("Co 0", "Co 1"));
  EXPECT_THAT(names("key_account = true AND NOT tier = TIER_A", "display_name desc"),
              ::testing::ElementsAre("Co 4", "Co 2"));
  v1::ListAccountsRequest list;
  list.set_filter("annual_revenue > \"lots\"");
  v1::ListAccountsResponse page;
  EXPECT_EQ(stub_->ListAccounts(WithKey(tenant_.analyst_key).get(), list, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AccountServiceTest, DeleteClearsContactReferencesAndChecksEtag) {
  const v1::Account account = MustCreate(Company());
  v1::CreateContactRequest contact_request;
  contact_request.mutable_contact()->set_display_name("Buyer");
  contact_request.mutable_contact()->set_account(account.name());
  v1::Contact contact;
  ASSERT_TRUE(Contacts()->CreateContact(WithKey(tenant_.integration_key).get(), contact_request,
                                        &contact).ok());

  v1::DeleteAccountRequest del;
  del.set_name(account.name());
  del.set_etag("\"999\"");
  google::protobuf::Empty empty;
  EXPECT_EQ(stub_->DeleteAccount(WithKey(tenant_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::ABORTED);
  del.set_etag(account.etag());
  ASSERT_TRUE(stub_->DeleteAccount(WithKey(tenant_.integration_key).get(), del, &empty).ok());
  EXPECT_EQ(CountRows("accounts", tenant_.id), 0);

  v1::GetContactRequest get;
  get.set_name(contact.name());
  v1::Contact after;
  ASSERT_TRUE(Contacts()->GetContact(WithKey(tenant_.integration_key).get(), get, &after).ok());
  EXPECT_EQ(after.account(), "");
  EXPECT_NE(after.etag(), contact.etag());
  EXPECT_EQ(stub_->DeleteAccount(WithKey(tenant_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Analysts cannot delete.
  EXPECT_EQ(stub_->DeleteAccount(WithKey(tenant_.analyst_key).get(), del, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace crm::testing
