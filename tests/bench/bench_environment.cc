#include "tests/bench/bench_environment.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/v1/tenant_admin.grpc.pb.h"
#include "server/bootstrap.h"
#include "storage/migrations.h"
#include "storage/transaction.h"

namespace crm::bench {

void Check(const absl::Status& status, const char* what) {
  if (!status.ok()) {
    std::cerr << what << ": " << status << "\n";
    std::exit(1);
  }
}

void Check(const grpc::Status& status, const char* what) {
  if (!status.ok()) {
    std::cerr << what << ": " << status.error_message() << "\n";
    std::exit(1);
  }
}

std::unique_ptr<grpc::ClientContext> WithKey(const std::string& key) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", key));
  return context;
}

BenchEnvironment::BenchEnvironment(const std::string& dir) : dir_(dir) {
  spdlog::set_level(spdlog::level::err);
  std::filesystem::remove_all(dir_);
  auto database = storage::EmbeddedMariaDb::Start({.base_dir = dir_ + "/db"});
  Check(database.status(), "start mariadbd");
  database_ = *std::move(database);
  pool_ = std::make_unique<storage::ConnectionPool>(database_->endpoint(),
                                                    storage::PoolOptions::WithMaxConnections(4));
  Check(storage::ApplyMigrations(*pool_, storage::KnownMigrations()).status(), "migrate");
  const std::string key_file = dir_ + "/admin.key";
  Check(server::EnsureBootstrapAdminKey(*pool_, key_file).status(), "admin key");
  std::ifstream(key_file) >> admin_key_;
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  auto started = server::CrmServer::Start(database_->endpoint(), options);
  Check(started.status(), "start server");
  server_ = *std::move(started);
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
}

BenchEnvironment::~BenchEnvironment() {
  channel_.reset();
  server_->Shutdown(absl::Seconds(5));
  server_.reset();
  pool_.reset();
  Check(database_->Stop(), "stop mariadbd");
  std::filesystem::remove_all(dir_);
}

std::string BenchEnvironment::CreateTenant(const std::string& tenant_id) {
  auto admin = v1::TenantAdminService::NewStub(channel_);
  v1::CreateTenantRequest create;
  create.set_tenant_id(tenant_id);
  create.mutable_tenant()->set_display_name(tenant_id);
  v1::Tenant tenant;
  Check(admin->CreateTenant(WithKey(admin_key_).get(), create, &tenant), "create tenant");
  v1::CreateApiKeyRequest key_request;
  key_request.set_parent(tenant.name());
  key_request.mutable_api_key()->set_role(v1::ROLE_INTEGRATION);
  v1::CreateApiKeyResponse key;
  Check(admin->CreateApiKey(WithKey(admin_key_).get(), key_request, &key), "create key");
  return key.key();
}

std::string BenchEnvironment::CreateKey(const std::string& tenant_id, v1::Role role) {
  auto admin = v1::TenantAdminService::NewStub(channel_);
  v1::CreateApiKeyRequest key_request;
  key_request.set_parent(absl::StrCat("tenants/", tenant_id));
  key_request.mutable_api_key()->set_role(role);
  v1::CreateApiKeyResponse key;
  Check(admin->CreateApiKey(WithKey(admin_key_).get(), key_request, &key), "create key");
  return key.key();
}

absl::Duration BenchEnvironment::LoadData(const std::string& file, const std::string& table,
                                          const std::string& columns) {
  const std::string sql = absl::StrCat("LOAD DATA LOCAL INFILE '", file, "' INTO TABLE ", table,
                                       " FIELDS TERMINATED BY '\\t' (", columns, ")");
  const std::string command = absl::StrCat("mariadb --local-infile=1 -uroot -S ",
                                           database_->endpoint().unix_socket, " crm -e \"", sql, "\"");
  const absl::Time start = absl::Now();
  if (std::system(command.c_str()) != 0) {
    std::cerr << "LOAD DATA into " << table << " failed\n";
    std::exit(1);
  }
  return absl::Now() - start;
}

absl::Duration BenchEnvironment::TimeSql(const std::string& sql) {
  const std::string command = absl::StrCat("mariadb -uroot -S ", database_->endpoint().unix_socket,
                                           " crm -e \"", sql, "\" > /dev/null");
  const absl::Time start = absl::Now();
  if (std::system(command.c_str()) != 0) {
    std::cerr << "statement failed: " << sql << "\n";
    std::exit(1);
  }
  return absl::Now() - start;
}

std::string BenchEnvironment::Explain(const std::string& sql,
                                      const std::vector<storage::SqlValue>& params) {
  std::string plan;
  Check(storage::RunGlobalTransaction(*pool_, absl::Now() + absl::Minutes(1),
                                      [&](storage::Transaction& tx) {
                                        auto rows = tx.Query(absl::StrCat("EXPLAIN ", sql), params);
                                        while (rows->next()) {
                                          plan = absl::StrCat(
                                              "type=", std::string(rows->getString("type")),
                                              " key=", std::string(rows->getString("key")),
                                              " rows=", std::string(rows->getString("rows")),
                                              " extra=", std::string(rows->getString("Extra")));
                                        }
                                        return absl::OkStatus();
                                      }),
        "explain");
  return plan;
}

}  // namespace crm::bench
