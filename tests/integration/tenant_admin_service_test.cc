// TenantAdminService: tenants, keys, roles, suspension and revocation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "storage/ids.h"
#include "storage/tenant_id.h"
#include "tests/integration/crm_test_environment.h"

namespace crm::testing {
namespace {

using ::testing::HasSubstr;

class TenantAdminServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<grpc::ClientContext> Admin() { return WithKey(CrmTestEnvironment::Get().admin_key()); }

  static std::string UniqueId(const std::string& prefix) {
    return absl::StrCat(prefix, "-", storage::RandomBase32(8));
  }

  grpc::Status CreateTenant(const std::string& id, const v1::Tenant& tenant, v1::Tenant* out,
                            const std::string& request_id = "") {
    v1::CreateTenantRequest request;
    request.set_tenant_id(id);
    *request.mutable_tenant() = tenant;
    request.set_request_id(request_id);
    return stub_->CreateTenant(Admin().get(), request, out);
  }

  static v1::Tenant Named(const std::string& display_name) {
    v1::Tenant tenant;
    tenant.set_display_name(display_name);
    return tenant;
  }

  std::unique_ptr<v1::TenantAdminService::Stub> stub_ = TenantAdmin();
};

TEST_F(TenantAdminServiceTest, CreateAppliesDefaultsAndGetReturnsIt) {
  const std::string id = UniqueId("acme");
  v1::Tenant created;
  ASSERT_TRUE(CreateTenant(id, Named("Acme"), &created).ok());
  EXPECT_EQ(created.name(), absl::StrCat("tenants/", id));
  EXPECT_EQ(created.state(), v1::Tenant::STATE_ACTIVE);
  EXPECT_EQ(created.currency_code(), "EUR");
  EXPECT_EQ(created.time_zone(), "UTC");
  EXPECT_EQ(created.quotas().requests_per_second(), 200);
  EXPECT_EQ(created.quotas().max_contacts(), 1000000);
  v1::GetTenantRequest get;
  get.set_name(created.name());
  v1::Tenant fetched;
  ASSERT_TRUE(stub_->GetTenant(Admin().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.etag(), created.etag());

  // A generated id when none is given.
  v1::Tenant generated;
  ASSERT_TRUE(CreateTenant("", Named("No id"), &generated).ok());
  EXPECT_THAT(generated.name(), ::testing::StartsWith("tenants/t-"));
}

TEST_F(TenantAdminServiceTest, DuplicateIdIsAlreadyExistsButRequestIdReplayReturnsFirst) {
  const std::string id = UniqueId("dup");
  v1::Tenant first, again;
  ASSERT_TRUE(CreateTenant(id, Named("First"), &first, "8d3c1c0e-5b1f-4f57-9a1e-7e0c2d9b1a11").ok());
  ASSERT_TRUE(CreateTenant(id, Named("Second"), &again, "8d3c1c0e-5b1f-4f57-9a1e-7e0c2d9b1a11").ok());
  EXPECT_EQ(again.display_name(), "First");
  grpc::Status status = CreateTenant(id, Named("Second"), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(TenantAdminServiceTest, BadTenantInputIsInvalidArgument) {
  v1::Tenant out;
  struct Case {
    std::string id;
    v1::Tenant tenant;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"Upper-Case", Named("x"), "tenant_id"});
  cases.push_back({"ab", Named("x"), "tenant_id"});
  cases.push_back({std::string(41, 'a'), Named("x"), "tenant_id"});
  cases.push_back({"x'; drop", Named("x"), "tenant_id"});
  cases.push_back({UniqueId("ok"), Named(""), "display_name"});
  cases.push_back({UniqueId("ok"), Named(std::string(201, 'n')), "display_name"});
  v1::Tenant currency = Named("x");
  currency.set_currency_code("euro");
  cases.push_back({UniqueId("ok"), currency, "currency_code"});
  v1::Tenant zone = Named("x");
  zone.set_time_zone("Mars/Olympus");
  cases.push_back({UniqueId("ok"), zone, "time_zone"});
  v1::Tenant state = Named("x");
  state.set_state(static_cast<v1::Tenant::State>(7));
  cases.push_back({UniqueId("ok"), state, "state"});
  v1::Tenant quota = Named("x");
  quota.mutable_quotas()->set_requests_per_second(-5);
  cases.push_back({UniqueId("ok"), quota, "quotas.requests_per_second"});
  for (const Case& c : cases) {
    grpc::Status status = CreateTenant(c.id, c.tenant, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(status.error_message(), HasSubstr(c.field));
    if (storage::TenantId::IsValid(c.id)) {
      v1::GetTenantRequest get;
      get.set_name(absl::StrCat("tenants/", c.id));
      v1::Tenant missing;
      EXPECT_EQ(stub_->GetTenant(Admin().get(), get, &missing).error_code(),
                grpc::StatusCode::NOT_FOUND);
    }
  }
}

TEST_F(TenantAdminServiceTest, UpdateWithMaskAndEtag) {
  v1::Tenant created;
  ASSERT_TRUE(CreateTenant(UniqueId("upd"), Named("Before"), &created).ok());
  v1::UpdateTenantRequest update;
  *update.mutable_tenant() = created;
  update.mutable_tenant()->set_display_name("After");
  update.mutable_tenant()->set_time_zone("Asia/Shanghai");
  update.mutable_tenant()->mutable_quotas()->set_max_contacts(5000);
  update.mutable_update_mask()->add_paths("display_name");
  update.mutable_update_mask()->add_paths("quotas.max_contacts");
  v1::Tenant updated;
  ASSERT_TRUE(stub_->UpdateTenant(Admin().get(), update, &updated).ok());
  EXPECT_EQ(updated.display_name(), "After");
  EXPECT_EQ(updated.time_zone(), "UTC");  // not in the mask
  EXPECT_EQ(updated.quotas().max_contacts(), 5000);
  EXPECT_EQ(updated.quotas().requests_per_second(), 200);

  EXPECT_EQ(stub_->UpdateTenant(Admin().get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);  // stale etag
  update.mutable_tenant()->set_etag(updated.etag());
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("create_time");
  EXPECT_EQ(stub_->UpdateTenant(Admin().get(), update, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  update.mutable_tenant()->set_name("tenants/does-not-exist-1");
  update.mutable_update_mask()->Clear();
  EXPECT_EQ(stub_->UpdateTenant(Admin().get(), update, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(TenantAdminServiceTest, ListPaginatesWithFilter) {
  const std::string marker = storage::RandomBase32(6);
  for (int i = 0; i < 5; ++i) {
    v1::Tenant out;
    ASSERT_TRUE(CreateTenant(UniqueId("ls"), Named(absl::StrCat("List ", marker, " ", i)), &out).ok());
  }
  v1::ListTenantsRequest list;
  list.set_page_size(2);
  list.set_filter(absl::StrCat("display_name:\"", marker, "\""));
  list.set_order_by("display_name desc");
  std::vector<std::string> names;
  do {
    v1::ListTenantsResponse page;
    grpc::Status status = stub_->ListTenants(Admin().get(), list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& t : page.tenants()) names.push_back(t.display_name());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names.front(), absl::StrCat("List ", marker, " 4"));
  EXPECT_EQ(names.back(), absl::StrCat("List ", marker, " 0"));
}

TEST_F(TenantAdminServiceTest, KeysAreShownOnceStoredHashedAndRevocable) {
  TestTenant tenant = CreateTestTenant("keys");
  // The full key never appears in a list.
  v1::ListApiKeysRequest list;
  list.set_parent(absl::StrCat("tenants/", tenant.id));
  v1::ListApiKeysResponse keys;
  ASSERT_TRUE(stub_->ListApiKeys(Admin().get(), list, &keys).ok());
  ASSERT_EQ(keys.api_keys_size(), 4);
  // crm_<16-char key id>_<secret>: the secret starts at offset 21.
  const std::string secret = tenant.integration_key.substr(21);
  for (const auto& key : keys.api_keys()) {
    EXPECT_EQ(key.DebugString().find(secret), std::string::npos);
  }

  // Revoke the integration key: it stops working at once, listing hides it.
  std::string integration_name;
  for (const auto& key : keys.api_keys()) {
    if (key.role() == v1::ROLE_INTEGRATION) integration_name = key.name();
  }
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(integration_name);
  v1::ApiKey revoked;
  ASSERT_TRUE(stub_->RevokeApiKey(WithKey(tenant.tenant_admin_key).get(), revoke, &revoked).ok());
  EXPECT_EQ(revoked.state(), v1::ApiKey::STATE_REVOKED);
  EXPECT_TRUE(revoked.has_revoke_time());
  ASSERT_TRUE(stub_->RevokeApiKey(WithKey(tenant.tenant_admin_key).get(), revoke, &revoked).ok());

  v1::ListContactsRequest contacts;
  v1::ListContactsResponse page;
  EXPECT_EQ(Contacts()->ListContacts(WithKey(tenant.integration_key).get(), contacts, &page).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(stub_->ListApiKeys(Admin().get(), list, &keys).ok());
  EXPECT_EQ(keys.api_keys_size(), 3);
  list.set_show_revoked(true);
  ASSERT_TRUE(stub_->ListApiKeys(Admin().get(), list, &keys).ok());
  EXPECT_EQ(keys.api_keys_size(), 4);
}

TEST_F(TenantAdminServiceTest, TenantAdminReachesOnlyItsOwnTenant) {
  TestTenant mine = CreateTestTenant("mine");
  TestTenant other = CreateTestTenant("other");
  auto as_me = [&] { return WithKey(mine.tenant_admin_key); };

  v1::GetTenantRequest get;
  v1::Tenant tenant;
  get.set_name(absl::StrCat("tenants/", mine.id));
  EXPECT_TRUE(stub_->GetTenant(as_me().get(), get, &tenant).ok());
  get.set_name(absl::StrCat("tenants/", other.id));
  EXPECT_EQ(stub_->GetTenant(as_me().get(), get, &tenant).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::CreateApiKeyRequest create;
  create.set_parent(absl::StrCat("tenants/", other.id));
  create.mutable_api_key()->set_role(v1::ROLE_ANALYST);
  v1::CreateApiKeyResponse created;
  EXPECT_EQ(stub_->CreateApiKey(as_me().get(), create, &created).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListApiKeysRequest list;
  list.set_parent(absl::StrCat("tenants/", other.id));
  v1::ListApiKeysResponse keys;
  EXPECT_EQ(stub_->ListApiKeys(as_me().get(), list, &keys).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub_->ListApiKeys(Admin().get(), list, &keys).ok());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(keys.api_keys(0).name());
  v1::ApiKey revoked;
  EXPECT_EQ(stub_->RevokeApiKey(as_me().get(), revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Another tenant's key name under my own tenant is just as missing.
  revoke.set_name(absl::StrCat("tenants/", mine.id, "/apiKeys/",
                               keys.api_keys(0).name().substr(keys.api_keys(0).name().rfind('/') + 1)));
  EXPECT_EQ(stub_->RevokeApiKey(as_me().get(), revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Tenant admins cannot create or list tenants, nor mint platform keys.
  v1::CreateTenantRequest create_tenant;
  create_tenant.mutable_tenant()->set_display_name("Nope");
  EXPECT_EQ(stub_->CreateTenant(as_me().get(), create_tenant, &tenant).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListTenantsRequest list_tenants;
  v1::ListTenantsResponse tenants;
  EXPECT_EQ(stub_->ListTenants(as_me().get(), list_tenants, &tenants).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  create.set_parent(absl::StrCat("tenants/", mine.id));
  create.mutable_api_key()->set_role(v1::ROLE_PLATFORM_ADMIN);
  EXPECT_EQ(stub_->CreateApiKey(as_me().get(), create, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  create.mutable_api_key()->set_role(v1::ROLE_UNSPECIFIED);
  EXPECT_EQ(stub_->CreateApiKey(as_me().get(), create, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Other roles cannot manage keys at all.
  create.mutable_api_key()->set_role(v1::ROLE_ANALYST);
  EXPECT_EQ(stub_->CreateApiKey(WithKey(mine.integration_key).get(), create, &created).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->CreateApiKey(as_me().get(), create, &created).ok());
  EXPECT_THAT(created.key(), ::testing::StartsWith("crm_"));
}

TEST_F(TenantAdminServiceTest, SuspendedTenantKeysArePermissionDenied) {
  TestTenant tenant = CreateTestTenant("susp");
  v1::GetTenantRequest get;
  get.set_name(absl::StrCat("tenants/", tenant.id));
  v1::Tenant current;
  ASSERT_TRUE(stub_->GetTenant(Admin().get(), get, &current).ok());
  v1::UpdateTenantRequest update;
  *update.mutable_tenant() = current;
  update.mutable_tenant()->set_state(v1::Tenant::STATE_SUSPENDED);
  update.mutable_update_mask()->add_paths("state");
  v1::Tenant suspended;
  ASSERT_TRUE(stub_->UpdateTenant(Admin().get(), update, &suspended).ok());

  v1::ListContactsRequest list;
  v1::ListContactsResponse page;
  EXPECT_EQ(Contacts()->ListContacts(WithKey(tenant.integration_key).get(), list, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::Tenant self;
  EXPECT_EQ(stub_->GetTenant(WithKey(tenant.tenant_admin_key).get(), get, &self).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  *update.mutable_tenant() = suspended;
  update.mutable_tenant()->set_state(v1::Tenant::STATE_ACTIVE);
  ASSERT_TRUE(stub_->UpdateTenant(Admin().get(), update, &current).ok());
  EXPECT_TRUE(Contacts()->ListContacts(WithKey(tenant.integration_key).get(), list, &page).ok());
}

TEST_F(TenantAdminServiceTest, MalformedNamesAreInvalidArgument) {
  v1::GetTenantRequest get;
  v1::Tenant tenant;
  for (const char* name : {"", "tenants/", "tenant/abc", "tenants/ABC", "tenants/abc/extra"}) {
    get.set_name(name);
    EXPECT_EQ(stub_->GetTenant(Admin().get(), get, &tenant).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << name;
  }
  v1::RevokeApiKeyRequest revoke;
  v1::ApiKey key;
  revoke.set_name("tenants/abc/apiKeys/");
  EXPECT_EQ(stub_->RevokeApiKey(Admin().get(), revoke, &key).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace crm::testing
