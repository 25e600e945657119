#include "tests/integration/crm_test_environment.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "server/bootstrap.h"
#include "storage/ids.h"
#include "storage/migrations.h"
#include "storage/money.h"
#include "storage/transaction.h"

namespace crm::testing {

CrmTestEnvironment& CrmTestEnvironment::Get() {
  static CrmTestEnvironment* environment = [] {
    auto* created = new CrmTestEnvironment();
    ::testing::AddGlobalTestEnvironment(created);  // gtest owns it
    return created;
  }();
  return *environment;
}

void CrmTestEnvironment::SetUp() {
  char pattern[] = "/tmp/crm-it-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  temp_dir_ = pattern;
  absl::StatusOr<std::unique_ptr<storage::EmbeddedMariaDb>> database =
      storage::EmbeddedMariaDb::Start({.base_dir = temp_dir_ + "/db", .ephemeral = true});
  ASSERT_TRUE(database.ok()) << database.status();
  database_ = *std::move(database);
  pool_ = std::make_unique<storage::ConnectionPool>(database_->endpoint(),
                                                    storage::PoolOptions::WithMaxConnections(4));
  absl::StatusOr<storage::MigrationReport> migrated =
      storage::ApplyMigrations(*pool_, storage::KnownMigrations());
  ASSERT_TRUE(migrated.ok()) << migrated.status();

  const std::string key_file = temp_dir_ + "/admin.key";
  absl::StatusOr<bool> created = server::EnsureBootstrapAdminKey(*pool_, key_file);
  ASSERT_TRUE(created.ok()) << created.status();
  std::ifstream in(key_file);
  in >> admin_key_;

  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.max_threads = 32;
  options.db_pool_size = 8;
  options.auth_cache_ttl = absl::ZeroDuration();  // tests see revocations at once
  options.lead_sweep_interval = absl::ZeroDuration();  // tests run sweep passes themselves
  absl::StatusOr<std::unique_ptr<server::CrmServer>> server =
      server::CrmServer::Start(database_->endpoint(), options);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
}

void CrmTestEnvironment::TearDown() {
  channel_.reset();
  if (server_) server_->Shutdown(absl::Seconds(5));
  server_.reset();
  pool_.reset();
  if (database_) {
    EXPECT_TRUE(database_->Stop().ok());
  }
  database_.reset();
  std::error_code ignored;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ignored);
}

std::unique_ptr<grpc::ClientContext> WithKey(const std::string& key) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!key.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", key));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

std::unique_ptr<v1::TenantAdminService::Stub> TenantAdmin() {
  return v1::TenantAdminService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::AccountService::Stub> Accounts() {
  return v1::AccountService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::ContactService::Stub> Contacts() {
  return v1::ContactService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::InteractionService::Stub> Interactions() {
  return v1::InteractionService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::LeadService::Stub> Leads() {
  return v1::LeadService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::ValueAnalysisService::Stub> ValueAnalysis() {
  return v1::ValueAnalysisService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::CampaignService::Stub> Campaigns() {
  return v1::CampaignService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::SchedulerService::Stub> Scheduler() {
  return v1::SchedulerService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::ComplaintService::Stub> Complaints() {
  return v1::ComplaintService::NewStub(CrmTestEnvironment::Get().channel());
}
std::unique_ptr<v1::PurchaseService::Stub> Purchases() {
  return v1::PurchaseService::NewStub(CrmTestEnvironment::Get().channel());
}

TestTenant CreateTestTenant(const std::string& prefix, const std::string& currency) {
  TestTenant tenant;
  const std::string tenant_id = absl::StrCat(prefix, "-", storage::RandomBase32(8));
  auto admin = TenantAdmin();
  v1::CreateTenantRequest request;
  request.set_tenant_id(tenant_id);
  request.mutable_tenant()->set_display_name(absl::StrCat("Test tenant ", tenant_id));
  request.mutable_tenant()->set_currency_code(currency);
  v1::Tenant created;
  grpc::Status status =
      admin->CreateTenant(WithKey(CrmTestEnvironment::Get().admin_key()).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  tenant.id = tenant_id;
  auto make_key = [&](v1::Role role) {
    v1::CreateApiKeyRequest key_request;
    key_request.set_parent(created.name());
    key_request.mutable_api_key()->set_role(role);
    key_request.mutable_api_key()->set_display_name(v1::Role_Name(role));
    v1::CreateApiKeyResponse response;
    grpc::Status key_status = admin->CreateApiKey(
        WithKey(CrmTestEnvironment::Get().admin_key()).get(), key_request, &response);
    EXPECT_TRUE(key_status.ok()) << key_status.error_message();
    return response.key();
  };
  tenant.tenant_admin_key = make_key(v1::ROLE_TENANT_ADMIN);
  tenant.integration_key = make_key(v1::ROLE_INTEGRATION);
  tenant.analyst_key = make_key(v1::ROLE_ANALYST);
  tenant.scheduler_key = make_key(v1::ROLE_SCHEDULER);
  return tenant;
}

v1::Money Units(double units) {
  v1::Money money;
  storage::MoneyFromMicros(static_cast<int64_t>(std::llround(units * 1e6)), &money);
  return money;
}

double UnitsOf(const v1::Money& money) { return static_cast<double>(storage::MoneyToMicros(money)) / 1e6; }

void ImportPurchasesOrFail(const std::string& key, const std::vector<v1::Purchase>& purchases) {
  auto context = WithKey(key);
  v1::ImportPurchasesResponse imported;
  auto stream = Purchases()->ImportPurchases(context.get(), &imported);
  for (size_t begin = 0; begin < purchases.size(); begin += 1000) {
    v1::ImportPurchasesRequest batch;
    for (size_t i = begin; i < std::min(purchases.size(), begin + 1000); ++i) *batch.add_purchases() = purchases[i];
    ASSERT_TRUE(stream->Write(batch));
  }
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(imported.error_count(), 0);
  ASSERT_EQ(imported.imported_count(), static_cast<int64_t>(purchases.size()));
}

int64_t CountRows(const std::string& table, const std::string& tenant_id) {
  int64_t count = -1;
  absl::Status status = storage::RunGlobalTransaction(
      CrmTestEnvironment::Get().pool(), absl::Now() + absl::Seconds(10),
      [&](storage::Transaction& tx) -> absl::Status {
        // `table` comes from the test code itself, never from input.
        auto rows = tx.Query(absl::StrCat("SELECT COUNT(*) FROM ", table, " WHERE tenant_id = ?"),
                             {tenant_id});
        rows->next();
        count = rows->getInt64(1);
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status;
  return count;
}

}  // namespace crm::testing
