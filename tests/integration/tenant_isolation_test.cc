// Two tenants, every RPC of the foundation called with tenant B's keys on tenant A's
// resources: each must behave exactly as if the resource did not exist, and A's rows
// must be unchanged afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

class TenantIsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = CreateTestTenant("iso-a");
    b_ = CreateTestTenant("iso-b");
    v1::CreateAccountRequest account;
    account.mutable_account()->set_display_name("A's account");
    account.mutable_account()->set_external_id("shared-ext");
    ASSERT_TRUE(Accounts()->CreateAccount(WithKey(a_.integration_key).get(), account, &account_).ok());
    v1::CreateContactRequest contact;
    contact.mutable_contact()->set_display_name("A's contact");
    contact.mutable_contact()->add_emails("same@example.com");
    contact.mutable_contact()->add_phones("+8613800000099");
    contact.mutable_contact()->set_external_id("shared-ext");
    contact.mutable_contact()->set_account(account_.name());
    ASSERT_TRUE(Contacts()->CreateContact(WithKey(a_.integration_key).get(), contact, &contact_).ok());
    for (int i = 0; i < 3; ++i) {
      v1::Contact extra;
      contact.mutable_contact()->clear_external_id();
      contact.mutable_contact()->clear_emails();
      contact.mutable_contact()->clear_phones();
      ASSERT_TRUE(Contacts()->CreateContact(WithKey(a_.integration_key).get(), contact, &extra).ok());
    }
  }

  TestTenant a_, b_;
  v1::Account account_;
  v1::Contact contact_;
};

TEST_F(TenantIsolationTest, AccountRpcsCannotReachAnotherTenant) {
  auto stub = Accounts();
  v1::GetAccountRequest get;
  get.set_name(account_.name());
  v1::Account account;
  grpc::Status status = stub->GetAccount(WithKey(b_.integration_key).get(), get, &account);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  // Same message as for an id that exists nowhere: existence does not leak.
  get.set_name("accounts/01jbq0x4w2y5k3m8n9p7r6s5t4");
  grpc::Status missing = stub->GetAccount(WithKey(b_.integration_key).get(), get, &account);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message().find("does not exist") != std::string::npos,
            missing.error_message().find("does not exist") != std::string::npos);

  v1::UpdateAccountRequest update;
  *update.mutable_account() = account_;
  update.mutable_account()->set_display_name("hijacked");
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(stub->UpdateAccount(WithKey(b_.integration_key).get(), update, &account).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::DeleteAccountRequest del;
  del.set_name(account_.name());
  google::protobuf::Empty empty;
  EXPECT_EQ(stub->DeleteAccount(WithKey(b_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListAccountsRequest list;
  v1::ListAccountsResponse page;
  ASSERT_TRUE(stub->ListAccounts(WithKey(b_.integration_key).get(), list, &page).ok());
  EXPECT_EQ(page.accounts_size(), 0);
  // B may use the same external id: uniqueness is per tenant.
  v1::CreateAccountRequest create;
  create.mutable_account()->set_display_name("B's account");
  create.mutable_account()->set_external_id("shared-ext");
  EXPECT_TRUE(stub->CreateAccount(WithKey(b_.integration_key).get(), create, &account).ok());

  get.set_name(account_.name());
  ASSERT_TRUE(stub->GetAccount(WithKey(a_.integration_key).get(), get, &account).ok());
  EXPECT_EQ(account.display_name(), "A's account");
  EXPECT_EQ(account.etag(), account_.etag());
}

TEST_F(TenantIsolationTest, ContactRpcsCannotReachAnotherTenant) {
  auto stub = Contacts();
  v1::GetContactRequest get;
  get.set_name(contact_.name());
  v1::Contact contact;
  EXPECT_EQ(stub->GetContact(WithKey(b_.integration_key).get(), get, &contact).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::UpdateContactRequest update;
  *update.mutable_contact() = contact_;
  update.mutable_contact()->set_display_name("hijacked");
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(stub->UpdateContact(WithKey(b_.integration_key).get(), update, &contact).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::DeleteContactRequest del;
  del.set_name(contact_.name());
  google::protobuf::Empty empty;
  EXPECT_EQ(stub->DeleteContact(WithKey(b_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::LookupContactRequest lookup;
  lookup.set_email("same@example.com");
  EXPECT_EQ(stub->LookupContact(WithKey(b_.analyst_key).get(), lookup, &contact).error_code(),
            grpc::StatusCode::NOT_FOUND);
  lookup.set_phone("+8613800000099");
  EXPECT_EQ(stub->LookupContact(WithKey(b_.analyst_key).get(), lookup, &contact).error_code(),
            grpc::StatusCode::NOT_FOUND);
  lookup.set_external_id("shared-ext");
  EXPECT_EQ(stub->LookupContact(WithKey(b_.analyst_key).get(), lookup, &contact).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // B lists nothing of A's, with or without a filter that matches A's rows.
  v1::ListContactsRequest list;
  v1::ListContactsResponse page;
  for (const char* filter : {"", "display_name:\"A's\"", "emails:\"same@example.com\""}) {
    list.set_filter(filter);
    ASSERT_TRUE(stub->ListContacts(WithKey(b_.integration_key).get(), list, &page).ok());
    EXPECT_EQ(page.contacts_size(), 0) << filter;
  }

  // A's page token is no good to B, not even for the same query.
  list.set_filter("");
  list.set_page_size(1);
  v1::ListContactsResponse a_page;
  ASSERT_TRUE(stub->ListContacts(WithKey(a_.integration_key).get(), list, &a_page).ok());
  ASSERT_FALSE(a_page.next_page_token().empty());
  list.set_page_token(a_page.next_page_token());
  grpc::Status status = stub->ListContacts(WithKey(b_.integration_key).get(), list, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("page_token"));

  // A contact of B cannot point to A's account.
  v1::CreateContactRequest create;
  create.mutable_contact()->set_display_name("B's contact");
  create.mutable_contact()->set_account(account_.name());
  EXPECT_EQ(stub->CreateContact(WithKey(b_.integration_key).get(), create, &contact).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountRows("contacts", b_.id), 0);

  ASSERT_TRUE(stub->GetContact(WithKey(a_.integration_key).get(), get, &contact).ok());
  EXPECT_EQ(contact.etag(), contact_.etag());
  EXPECT_EQ(CountRows("contacts", a_.id), 4);
}

TEST_F(TenantIsolationTest, PurchaseRpcsCannotReachAnotherTenant) {
  auto stub = Purchases();
  v1::RecordPurchaseRequest record;
  record.mutable_purchase()->set_contact(contact_.name());
  record.mutable_purchase()->mutable_purchase_time()->set_seconds(1700000000);
  record.mutable_purchase()->mutable_amount()->set_units(42);
  record.mutable_purchase()->set_external_id("shared-receipt");
  v1::Purchase purchase;
  ASSERT_TRUE(stub->RecordPurchase(WithKey(a_.integration_key).get(), record, &purchase).ok());

  // B cannot record against A's contact, directly or by import.
  v1::Purchase ignored;
  EXPECT_EQ(stub->RecordPurchase(WithKey(b_.integration_key).get(), record, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  {
    auto context = WithKey(b_.integration_key);
    v1::ImportPurchasesResponse response;
    auto writer = stub->ImportPurchases(context.get(), &response);
    v1::ImportPurchasesRequest batch;
    *batch.add_purchases() = record.purchase();
    ASSERT_TRUE(writer->Write(batch));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(response.imported_count(), 0);
    ASSERT_EQ(response.errors_size(), 1);
    EXPECT_EQ(response.errors(0).code(), grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(CountRows("purchases", b_.id), 0);

  v1::GetPurchaseRequest get;
  get.set_name(purchase.name());
  EXPECT_EQ(stub->GetPurchase(WithKey(b_.analyst_key).get(), get, &ignored).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::DeletePurchaseRequest del;
  del.set_name(purchase.name());
  google::protobuf::Empty empty;
  EXPECT_EQ(stub->DeletePurchase(WithKey(b_.integration_key).get(), del, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListPurchasesRequest list;
  list.set_filter(absl::StrCat("contact = \"", contact_.name(), "\""));
  v1::ListPurchasesResponse page;
  ASSERT_TRUE(stub->ListPurchases(WithKey(b_.analyst_key).get(), list, &page).ok());
  EXPECT_EQ(page.purchases_size(), 0);
  EXPECT_EQ(CountRows("purchases", a_.id), 1);
}

TEST_F(TenantIsolationTest, TenantAdminRpcsCannotReachAnotherTenant) {
  auto stub = TenantAdmin();
  const std::string a_name = absl::StrCat("tenants/", a_.id);
  v1::GetTenantRequest get;
  get.set_name(a_name);
  v1::Tenant tenant;
  EXPECT_EQ(stub->GetTenant(WithKey(b_.tenant_admin_key).get(), get, &tenant).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::UpdateTenantRequest update;
  update.mutable_tenant()->set_name(a_name);
  EXPECT_EQ(stub->UpdateTenant(WithKey(b_.tenant_admin_key).get(), update, &tenant).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreateTenantRequest create;
  create.mutable_tenant()->set_display_name("x");
  EXPECT_EQ(stub->CreateTenant(WithKey(b_.tenant_admin_key).get(), create, &tenant).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListTenantsRequest list;
  v1::ListTenantsResponse tenants;
  EXPECT_EQ(stub->ListTenants(WithKey(b_.tenant_admin_key).get(), list, &tenants).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreateApiKeyRequest create_key;
  create_key.set_parent(a_name);
  create_key.mutable_api_key()->set_role(v1::ROLE_INTEGRATION);
  v1::CreateApiKeyResponse created;
  EXPECT_EQ(stub->CreateApiKey(WithKey(b_.tenant_admin_key).get(), create_key, &created).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListApiKeysRequest list_keys;
  list_keys.set_parent(a_name);
  v1::ListApiKeysResponse keys;
  EXPECT_EQ(stub->ListApiKeys(WithKey(b_.tenant_admin_key).get(), list_keys, &keys).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub->ListApiKeys(WithKey(a_.tenant_admin_key).get(), list_keys, &keys).ok());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(keys.api_keys(0).name());
  v1::ApiKey key;
  EXPECT_EQ(stub->RevokeApiKey(WithKey(b_.tenant_admin_key).get(), revoke, &key).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub->ListApiKeys(WithKey(a_.tenant_admin_key).get(), list_keys, &keys).ok());
  EXPECT_EQ(keys.api_keys_size(), 4);  // nothing revoked
}

}  // namespace
}  // namespace crm::testing
