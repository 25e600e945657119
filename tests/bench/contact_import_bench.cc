// Bulk contact import throughput: ImportContacts over gRPC (127.0.0.1, one client
// stream, batches of 1000; the server validates and normalises every row, looks the
// batch's external ids up for the upsert and writes contacts and their email/phone
// lookup rows) against MariaDB's own LOAD DATA LOCAL INFILE of the same, already
// normalised rows into the same two tables, on the same embedded server, in the same
// run. Not part of CTest; see BENCHMARKS.md for how to run it and the figures.
//
//   build/bin/contact_import_bench [--rows N] [--dir /tmp/crm-contact-bench]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "crm/v1/contact.grpc.pb.h"
#include "storage/ids.h"
#include "storage/row_codec.h"
#include "tests/bench/bench_environment.h"

namespace {

using crm::bench::Check;
using crm::bench::WithKey;

struct Options {
  int64_t rows = 1'000'000;
  std::string dir = "/tmp/crm-contact-bench";
};

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--rows") (void)absl::SimpleAtoi(argv[i + 1], &options.rows);
    if (flag == "--dir") options.dir = argv[i + 1];
  }
  return options;
}

// The i-th synthetic contact, already in the form the server stores.
struct Row {
  std::string given_name;
  std::string family_name;
  std::string email;
  std::string phone;
  std::string region;
  std::string city;
  std::string store;
  std::string external_id;
};

Row MakeRow(int64_t i) {
  static const char* kGiven[] = {"Wei", "Fang", "Min", "Jun", "Li", "Anna", "Marco", "Sofia"};
  static const char* kFamily[] = {"Zhang", "Wang", "Chen", "Liu", "Huang", "Rossi", "Muller"};
  Row row;
  row.given_name = kGiven[i % 8];
  row.family_name = kFamily[i % 7];
  row.email = absl::StrCat("customer", i, "@example.com");
  row.phone = absl::StrFormat("+86139%08d", i);
  row.region = absl::StrCat("region-", i % 12);
  row.city = absl::StrCat("city-", i % 90);
  row.store = absl::StrCat("store-", i % 50);
  row.external_id = absl::StrCat("m-", i);
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  crm::bench::BenchEnvironment env(options.dir);
  auto contacts = crm::v1::ContactService::NewStub(env.channel());
  const std::string grpc_key = env.CreateTenant("bench-grpc");
  env.CreateTenant("bench-load");

  // 1. gRPC import.
  const absl::Time grpc_start = absl::Now();
  {
    auto context = WithKey(grpc_key);
    crm::v1::ImportContactsResponse response;
    auto writer = contacts->ImportContacts(context.get(), &response);
    crm::v1::ImportContactsRequest batch;
    for (int64_t i = 0; i < options.rows; ++i) {
      const Row row = MakeRow(i);
      crm::v1::Contact* c = batch.add_contacts();
      c->set_given_name(row.given_name);
      c->set_family_name(row.family_name);
      c->add_emails(row.email);
      c->add_phones(row.phone);
      c->set_region(row.region);
      c->set_city(row.city);
      c->set_store_id(row.store);
      c->set_source("bench");
      c->set_external_id(row.external_id);
      if (batch.contacts_size() == 1000 || i + 1 == options.rows) {
        if (!writer->Write(batch)) break;
        batch.Clear();
      }
    }
    writer->WritesDone();
    Check(writer->Finish(), "import");
    if (response.created_count() != options.rows) {
      std::cerr << "created " << response.created_count() << " of " << options.rows << " ("
                << response.error_count() << " errors)\n";
      return 1;
    }
  }
  const absl::Duration grpc_time = absl::Now() - grpc_start;

  // 2. LOAD DATA LOCAL INFILE of the same rows into contacts and contact_identities.
  const std::string contacts_tsv = options.dir + "/contacts.tsv";
  const std::string identities_tsv = options.dir + "/identities.tsv";
  {
    std::ofstream contacts_out(contacts_tsv);
    std::ofstream identities_out(identities_tsv);
    const std::string now = crm::storage::ToSqlDatetime(absl::Now());
    for (int64_t i = 0; i < options.rows; ++i) {
      const Row row = MakeRow(i);
      const std::string id = crm::storage::NewResourceId();
      contacts_out << "bench-load\t" << id << '\t' << row.given_name << '\t' << row.family_name
                   << '\t' << row.given_name << ' ' << row.family_name << "\t[\"" << row.email
                   << "\"]\t[\"" << row.phone << "\"]\t\\N\t0\t" << row.region << '\t' << row.city
                   << "\t\t\\N\t\t" << row.store << "\tbench\t[]\t{}\t1\t\\N\t1\t\\N\t1\t\\N\t1\t\\N\t1\t"
                   << row.external_id << "\t1\t" << now << '\t' << now << '\n';
      identities_out << "bench-load\t1\t" << row.email << '\t' << id << '\n'
                     << "bench-load\t2\t" << row.phone << '\t' << id << '\n';
    }
  }
  absl::Duration load_time = env.LoadData(
      contacts_tsv, "contacts",
      "tenant_id, contact_id, given_name, family_name, display_name, emails, phones, birthday, "
      "gender, region, city, address, account_id, owner, store_id, source, tags, attributes, "
      "consent_email, consent_email_time, consent_sms, consent_sms_time, consent_phone, "
      "consent_phone_time, consent_direct_mail, consent_direct_mail_time, lifecycle_stage, "
      "external_id, revision, create_time, update_time");
  load_time += env.LoadData(identities_tsv, "contact_identities",
                            "tenant_id, kind, identity_value, contact_id");

  const double grpc_rate = static_cast<double>(options.rows) / absl::ToDoubleSeconds(grpc_time);
  const double load_rate = static_cast<double>(options.rows) / absl::ToDoubleSeconds(load_time);
  std::printf("rows=%lld\n", static_cast<long long>(options.rows));
  std::printf("| ImportContacts (gRPC, 1 stream, 1000/batch) | %.1f s | %.0f rows/s |\n",
              absl::ToDoubleSeconds(grpc_time), grpc_rate);
  std::printf("| LOAD DATA LOCAL INFILE (same rows, contacts + contact_identities) | %.1f s | %.0f rows/s |\n",
              absl::ToDoubleSeconds(load_time), load_rate);
  std::printf("ratio gRPC / LOAD DATA = %.2f\n", grpc_rate / load_rate);
  std::printf("EXPLAIN LookupContact by email: %s\n",
              env.Explain("SELECT contact_id FROM contact_identities WHERE tenant_id = ? AND kind = ? "
                          "AND identity_value = ? ORDER BY contact_id LIMIT 1",
                          {std::string("bench-grpc"), int64_t{1}, std::string("customer7@example.com")})
                  .c_str());
  return 0;
}
