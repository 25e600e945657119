// Bulk import throughput: ImportPurchases over gRPC (127.0.0.1, one client stream,
// batches of 1000) against MariaDB's own LOAD DATA LOCAL INFILE of the same rows into
// the same table, on the same embedded server, in the same run. Also prints the
// EXPLAIN of a one-contact ListPurchases and of each GetContactTimeline source at that
// size. Not part of CTest; see BENCHMARKS.md for how to run it and the figures.
//
//   build/bin/import_bench [--rows N] [--contacts N] [--dir /tmp/crm-bench]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/v1/purchase.grpc.pb.h"
#include "storage/complaint_repository.h"
#include "storage/ids.h"
#include "storage/interaction_repository.h"
#include "storage/lead_repository.h"
#include "storage/purchase_repository.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"
#include "tests/bench/bench_environment.h"

namespace {

using crm::bench::Check;
using crm::bench::WithKey;
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

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  crm::bench::BenchEnvironment env(options.dir);
  auto purchases = crm::v1::PurchaseService::NewStub(env.channel());

  // Two tenants with the same contact ids: one loaded through gRPC, one by LOAD DATA.
  const std::string grpc_key = env.CreateTenant("bench-grpc");
  env.CreateTenant("bench-load");
  std::vector<std::string> contacts;
  for (int i = 0; i < options.contacts; ++i) contacts.push_back(crm::storage::NewResourceId());
  for (const char* tenant : {"bench-grpc", "bench-load"}) {
    Check(crm::storage::RunGlobalTransaction(env.pool(), absl::Now() + absl::Minutes(5), [&](Transaction& tx) {
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
    auto context = WithKey(grpc_key);
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
  const absl::Duration load_time = env.LoadData(
      tsv, "purchases",
      "tenant_id, purchase_id, contact_id, purchase_time, amount_micros, gross_margin_micros, "
      "quantity, product_category, product, channel, store_id, purchase_type, external_id, "
      "revision, create_time");

  // 3. The plans of one contact's ListPurchases and of GetContactTimeline's reads (one
  // per source), with the repositories' own column lists: what the server runs.
  const std::vector<crm::storage::SqlValue> one_contact = {std::string("bench-grpc"), contacts[0]};
  const std::string list_plan = env.Explain(
      absl::StrCat("SELECT ", crm::storage::PurchaseRepository::Table().columns,
                   " FROM purchases WHERE tenant_id = ? AND (contact_id = ?) "
                   "ORDER BY purchase_time DESC, purchase_id DESC LIMIT 51"),
      one_contact);
  struct TimelineSource {
    const char* table;
    const char* time_column;
    const crm::storage::ListTable& list_table;
  };
  const TimelineSource timeline_sources[] = {
      {"purchases", "purchase_time", crm::storage::PurchaseRepository::Table()},
      {"interactions", "interaction_time", crm::storage::InteractionRepository::Table()},
      {"complaints", "create_time", crm::storage::ComplaintRepository::Table()},
      {"lead_follow_ups", "follow_up_time", crm::storage::LeadRepository::FollowUpTable()}};
  std::vector<std::string> timeline_plans;
  for (const TimelineSource& source : timeline_sources) {
    timeline_plans.push_back(absl::StrCat(
        source.table, ": ",
        env.Explain(absl::StrCat("SELECT ", source.list_table.columns, " FROM ", source.table,
                                 " WHERE tenant_id = ? AND contact_id = ? ORDER BY ", source.time_column,
                                 " DESC, ", source.list_table.id_column, " DESC LIMIT 51"),
                    one_contact)));
  }

  const double grpc_rate = static_cast<double>(options.rows) / absl::ToDoubleSeconds(grpc_time);
  const double load_rate = static_cast<double>(options.rows) / absl::ToDoubleSeconds(load_time);
  std::printf("rows=%lld contacts=%d\n", static_cast<long long>(options.rows), options.contacts);
  std::printf("| ImportPurchases (gRPC, 1 stream, 1000/batch) | %.1f s | %.0f rows/s |\n",
              absl::ToDoubleSeconds(grpc_time), grpc_rate);
  std::printf("| LOAD DATA LOCAL INFILE (same rows, same table) | %.1f s | %.0f rows/s |\n",
              absl::ToDoubleSeconds(load_time), load_rate);
  std::printf("ratio gRPC / LOAD DATA = %.2f\n", grpc_rate / load_rate);
  std::printf("EXPLAIN one-contact ListPurchases: %s\n", list_plan.c_str());
  for (const std::string& plan : timeline_plans) {
    std::printf("EXPLAIN GetContactTimeline %s\n", plan.c_str());
  }
  return 0;
}
