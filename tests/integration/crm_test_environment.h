#ifndef CRM_TESTS_INTEGRATION_CRM_TEST_ENVIRONMENT_H_
#define CRM_TESTS_INTEGRATION_CRM_TEST_ENVIRONMENT_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "crm/v1/account.grpc.pb.h"
#include "crm/v1/campaign.grpc.pb.h"
#include "crm/v1/complaint.grpc.pb.h"
#include "crm/v1/contact.grpc.pb.h"
#include "crm/v1/interaction.grpc.pb.h"
#include "crm/v1/lead.grpc.pb.h"
#include "crm/v1/purchase.grpc.pb.h"
#include "crm/v1/scheduler.grpc.pb.h"
#include "crm/v1/tenant_admin.grpc.pb.h"
#include "crm/v1/value_analysis.grpc.pb.h"
#include "server/crm_server.h"
#include "storage/connection_pool.h"
#include "storage/embedded_mariadb.h"

namespace crm::testing {

// One private MariaDB (ephemeral, Unix socket in a temp dir, no TCP port) and one
// in-process crm-server on 127.0.0.1:<free port> per test binary, both stopped when
// the binary exits. Every test makes its own tenant, which doubles as an isolation
// check: nothing a test sees may come from another test's tenant.
class CrmTestEnvironment : public ::testing::Environment {
 public:
  static CrmTestEnvironment& Get();

  void SetUp() override;
  void TearDown() override;

  const std::string& admin_key() const { return admin_key_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  storage::ConnectionPool& pool() { return *pool_; }
  // The in-process server (its background lead sweep is off; tests run passes).
  server::CrmServer& server() { return *server_; }
  const storage::MysqlEndpoint& database() const { return database_->endpoint(); }
  const std::string& temp_dir() const { return temp_dir_; }

 private:
  std::string temp_dir_;
  std::unique_ptr<storage::EmbeddedMariaDb> database_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<server::CrmServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string admin_key_;
};

// A fresh tenant with one key per role.
struct TestTenant {
  std::string id;  // tenants/{id}
  std::string tenant_admin_key;
  std::string integration_key;
  std::string analyst_key;
  std::string scheduler_key;
};

// Creates a tenant with a unique id (prefix + random) and its keys through the API.
TestTenant CreateTestTenant(const std::string& prefix = "t", const std::string& currency = "EUR");

// A client context carrying `authorization: Bearer <key>` and a 30 s deadline.
std::unique_ptr<grpc::ClientContext> WithKey(const std::string& key);

std::unique_ptr<v1::TenantAdminService::Stub> TenantAdmin();
std::unique_ptr<v1::AccountService::Stub> Accounts();
std::unique_ptr<v1::ContactService::Stub> Contacts();
std::unique_ptr<v1::PurchaseService::Stub> Purchases();
std::unique_ptr<v1::ComplaintService::Stub> Complaints();
std::unique_ptr<v1::InteractionService::Stub> Interactions();
std::unique_ptr<v1::LeadService::Stub> Leads();
std::unique_ptr<v1::ValueAnalysisService::Stub> ValueAnalysis();
std::unique_ptr<v1::CampaignService::Stub> Campaigns();
std::unique_ptr<v1::SchedulerService::Stub> Scheduler();

// Money of `units` whole currency units (fractions to the micro), and back.
v1::Money Units(double units);
double UnitsOf(const v1::Money& money);

// Streams `purchases` through ImportPurchases in batches of 1000 with `key`; fails the
// test unless every row lands.
void ImportPurchasesOrFail(const std::string& key, const std::vector<v1::Purchase>& purchases);

// Number of rows of `table` that belong to `tenant_id` (read straight from the
// database: proves that a rejected call wrote nothing).
int64_t CountRows(const std::string& table, const std::string& tenant_id);

}  // namespace crm::testing

#endif  // CRM_TESTS_INTEGRATION_CRM_TEST_ENVIRONMENT_H_
