// Bulk import throughput: ImportPurchases over gRPC (127.0.0.1, one client stream,
// batches of 1000) against MariaDB's own LOAD DATA LOCAL INFILE of the same rows into
// the same table, on the same embedded server, in the same run. Also prints the
// EXPLAIN of a one-contact ListPurchases at that size. Not part of CTest; see
// BENCHMARKS.md for how to run it and the figures.
//
//   build/bin/import_bench [--rows N] [--contacts N] [--dir /tmp/crm-bench]
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/v1/purchase.grpc.pb.h"
#include "crm/v1/tenant_admin.grpc.pb.h"
#include "server/bootstrap.h"
#include "server/crm_server.h"
#include "storage/contact_repository.h"
#include "storage/embedded_mariadb.h"
#include "storage/ids.h"
#include "storage/migrations.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace {

using crm::storage::Transaction;

struct Options {
  int64_t rows = 1'000'000;
  int contacts = 10'000;
  std::string dir = "/tmp/crm-bench";
};

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--rows") (void)absl::SimpleAtoi(argv[i + 1], &options.rows);
    if (flag == "--contacts") (void)absl::SimpleAtoi(argv[i + 1], &options.contacts);
    if (flag == "--dir") options.dir = argv[i + 1];
  }
  return options;
}

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

// The i-th synthetic purchase: the same row content for both loaders.
struct Row {
  std::string contact_id;
  absl::Time time;
  int64_t amount_micros;
  int64_t margin_micros;
  int64_t quantity;
  std::string category;
  std::string product;
  int channel;
  std::string store;
  std::string external_id;
};

Row MakeRow(int64_t i, const std::vector<std::string>& contacts) {
  Row row;
  row.contact_id = contacts[static_cast<size_t>(i * 7919) % contacts.size()];
  row.time = absl::FromUnixSeconds(1700000000 - i * 13);
  row.amount_micros = (100 + i % 900) * 1'000'000;
  row.margin_micros = row.amount_micros / 3;
  row.quantity = 1 + i % 3;
  row.category = absl::StrCat("category-", i % 40);
  row.product = absl::StrCat("sku-", i % 2000);
  row.channel = 1 + static_cast<int>(i % 3);
  row.store = absl::StrCat("store-", i % 50);
  row.external_id = absl::StrCat("r-", i);
  return row;
}

std::unique_ptr<grpc::ClientContext> WithKey(const std::string& key) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", key));
  return context;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  spdlog::set_level(spdlog::level::err);
  std::filesystem::remove_all(options.dir);
  auto db = crm::storage::EmbeddedMariaDb::Start({.base_dir = options.dir + "/db"});
  Check(db.status(), "start mariadbd");
  crm::storage::ConnectionPool pool((*db)->endpoint(),
                                    crm::storage::PoolOptions::WithMaxConnections(4));
  Check(crm::storage::ApplyMigrations(pool, crm::storage::KnownMigrations()).status(), "migrate");
  const std::string key_file = options.dir + "/admin.key";
  Check(crm::server::EnsureBootstrapAdminKey(pool, key_file).status(), "admin key");
  std::string admin_key;
  std::ifstream(key_file) >> admin_key;
  crm::server::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = crm::server::CrmServer::Start((*db)->endpoint(), server_options);
  Check(server.status(), "start server");
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                                     grpc::InsecureChannelCredentials());
  auto admin = crm::v1::TenantAdminService::NewStub(channel);
  auto purchases = crm::v1::PurchaseService::NewStub(channel);

  // Two tenants with the same contact ids: one loaded through gRPC, one by LOAD DATA.
  std::string keys[2];
  const char* tenant_ids[2] = {"bench-grpc", "bench-load"};
  for (int t = 0; t < 2; ++t) {
    crm::v1::CreateTenantRequest create;
    create.set_tenant_id(tenant_ids[t]);
    create.mutable_tenant()->set_display_name(tenant_ids[t]);
    crm::v1::Tenant tenant;
    Check(admin->CreateTenant(WithKey(admin_key).get(), create, &tenant), "create tenant");
    crm::v1::CreateApiKeyRequest key_request;
    key_request.set_parent(tenant.name());
    key_request.mutable_api_key()->set_role(crm::v1::ROLE_INTEGRATION);
    crm::v1::CreateApiKeyResponse key;
    Check(admin->CreateApiKey(WithKey(admin_key).get(), key_request, &key), "create key");
    keys[t] = key.key();
  }
  std::vector<std::string> contacts;
  for (int i = 0; i < options.contacts; ++i) contacts.push_back(crm::storage::NewResourceId());
  for (const char* tenant : tenant_ids) {
    Check(crm::storage::RunGlobalTransaction(pool, absl::Now() + absl::Minutes(5), [&](Transaction& tx) {
            for (const std::string& id : contacts) {
              tx.Execute(
                  "INSERT INTO contacts (tenant_id, contact_id, given_name, family_name, "
                  "display_name, emails, phones, gender, region, city, address, owner, store_id, "
                  "source, tags, attributes, consent_email, consent_sms, consent_phone, "
                  "consent_direct_mail, lifecycle_stage, revision, create_time, update_time) VALUES "
                  "(?, ?, '', '', 'bench', '[]', '[]', 0, '', '', '', '', '', '', '[]', '{}', 1, 1, "
                  "1, 1, 1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
                  {std::string(tenant), id});
            }
            return absl::OkStatus();
          }),
          "seed contacts");
  }

  // 1. gRPC import.
  const absl::Time grpc_start = absl::Now();
  {
    auto context = WithKey(keys[0]);
    crm::v1::ImportPurchasesResponse response;
    auto writer = purchases->ImportPurchases(context.get(), &response);
    crm::v1::ImportPurchasesRequest batch;
    for (int64_t i = 0; i < options.rows; ++i) {
      const Row row = MakeRow(i, contacts);
      crm::v1::Purchase* p = batch.add_purchases();
      p->set_contact(absl::StrCat("contacts/", row.contact_id));
      crm::storage::ToProtoTimestamp(row.time, p->mutable_purchase_time());
      p->mutable_amount()->set_units(row.amount_micros / 1'000'000);
      p->mutable_gross_margin()->set_units(row.margin_micros / 1'000'000);
      p->mutable_gross_margin()->set_nanos(static_cast<int32_t>(row.margin_micros % 1'000'000) * 1000);
      p->set_quantity(row.quantity);
      p->set_product_category(row.category);
      p->set_product(row.product);
      p->set_channel(static_cast<crm::v1::Purchase::Channel>(row.channel));
      p->set_store_id(row.store);
      p->set_external_id(row.external_id);
      if (batch.purchases_size() == 1000 || i + 1 == options.rows) {
        if (!writer->Write(batch)) break;
        batch.Clear();
      }
    }
    writer->WritesDone();
    Check(writer->Finish(), "import");
    if (response.imported_count() != options.rows) {
      std::cerr << "imported " << response.imported_count() << " of " << options.rows << "\n";
      return 1;
    }
  }
  const absl::Duration grpc_time = absl::Now() - grpc_start;

  // 2. LOAD DATA LOCAL INFILE of the same rows (ids made here, as the server would).
  const std::string tsv = options.dir + "/purchases.tsv";
  {
    std::ofstream out(tsv);
    const std::string now = crm::storage::ToSqlDatetime(absl::Now());
    for (int64_t i = 0; i < options.rows; ++i) {
      const Row row = MakeRow(i, contacts);
      out << "bench-load\t" << crm::storage::NewResourceId() << '\t' << row.contact_id << '\t'
          << crm::storage::ToSqlDatetime(row.time) << '\t' << row.amount_micros << '\t'
          << row.margin_micros << '\t' << row.quantity << '\t' << row.category << '\t'
          << row.product << '\t' << row.channel << '\t' << row.store << "\t1\t" << row.external_id
          << "\t1\t" << now << '\n';
    }
  }
  const std::string load_sql = absl::StrCat(
      "LOAD DATA LOCAL INFILE '", tsv,
      "' INTO TABLE purchases FIELDS TERMINATED BY '\\t' (tenant_id, purchase_id, contact_id, "
      "purchase_time, amount_micros, gross_margin_micros, quantity, product_category, product, "
      "channel, store_id, purchase_type, external_id, revision, create_time)");
  const std::string command = absl::StrCat("mariadb --local-infile=1 -uroot -S ",
                                           (*db)->endpoint().unix_socket, " crm -e \"", load_sql,
                                           "\"");
  const absl::Time load_start = absl::Now();
  const int rc = std::system(command.c_str());
  const absl::Duration load_time = absl::Now() - load_start;
  if (rc != 0) {
    std::cerr << "LOAD DATA failed (" << rc << ")\n";
    return 1;
  }

  // 3. The plan of one contact's ListPurchases at this size.
  std::string plan;
  Check(crm::storage::RunGlobalTransaction(pool, absl::Now() + absl::Minutes(1), [&](Transaction& tx) {
          auto rows = tx.Query(
              "EXPLAIN SELECT purchase_id FROM purchases WHERE tenant_id = ? AND (contact_id = ?) "
              "ORDER BY purchase_time DESC, purchase_id DESC LIMIT 51",
              {std::string("bench-grpc"), contacts[0]});
          while (rows->next()) {
            plan = absl::StrCat("type=", std::string(rows->getString("type")),
                                " key=", std::string(rows->getString("key")),
                                " rows=", std::string(rows->getString("rows")),
                                " extra=", std::string(rows->getString("Extra")));
          }
          return absl::OkStatus();
        }),
        "explain");

  const double grpc_rate = static_cast<double>(options.rows) / absl::ToDoubleSeconds(grpc_time);
  const double load_rate = static_cast<double>(options.rows) / absl::ToDoubleSeconds(load_time);
  std::printf("rows=%lld contacts=%d\n", static_cast<long long>(options.rows), options.contacts);
  std::printf("| ImportPurchases (gRPC, 1 stream, 1000/batch) | %.1f s | %.0f rows/s |\n",
              absl::ToDoubleSeconds(grpc_time), grpc_rate);
  std::printf("| LOAD DATA LOCAL INFILE (same rows, same table) | %.1f s | %.0f rows/s |\n",
              absl::ToDoubleSeconds(load_time), load_rate);
  std::printf("ratio gRPC / LOAD DATA = %.2f\n", grpc_rate / load_rate);
  std::printf("EXPLAIN one-contact ListPurchases: %s\n", plan.c_str());
  (*server)->Shutdown(absl::Seconds(5));
  server->reset();
  Check((*db)->Stop(), "stop mariadbd");
  std::filesystem::remove_all(options.dir);
  return 0;
}
