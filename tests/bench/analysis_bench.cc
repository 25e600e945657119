// Value-analysis throughput: a tenant with N customers and M purchases (loaded with
// LOAD DATA), then, in the same run, (1) MariaDB's plain per-contact aggregate
// `SELECT contact_id, COUNT(*), SUM(amount), MIN(time), MAX(time) ... GROUP BY contact_id`
// read to the end through the server's own driver, and (2) the analysis as crm-server
// runs it: a whole value-analysis run (AnalysisRunner::Execute: the chunked purchase
// scan into memory, AnalyzeCustomerValue with summaries, RFM, ABC, both fits,
// P(alive), CLV, tiers and lifecycle, then one result row per customer written and
// the report stored) on a worker thread of AnalysisRunner, while another tenant's
// GetContact latency is sampled (and sampled idle before, for comparison). Prints both
// times, the stage timings, the ratio, the neighbour's latencies and the peak resident
// memory. Not part of CTest; see BENCHMARKS.md.
//
//   build/bin/analysis_bench [--customers N] [--purchases M] [--dir /tmp/crm-analysis-bench]
#include <cppconn/resultset.h>
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <algorithm>
#include <functional>
#include <random>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/v1/contact.grpc.pb.h"
#include "server/analysis_runner.h"
#include "storage/analysis_repository.h"
#include "storage/analysis_sources.h"
#include "storage/ids.h"
#include "storage/purchase_repository.h"
#include "storage/row_codec.h"
#include "storage/tenant_id.h"
#include "storage/transaction.h"
#include "tests/bench/bench_environment.h"

namespace {

using crm::bench::Check;

struct Options {
  int64_t customers = 1'000'000;
  int64_t purchases = 10'000'000;
  std::string dir = "/tmp/crm-analysis-bench";
};

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--customers") (void)absl::SimpleAtoi(argv[i + 1], &options.customers);
    if (flag == "--purchases") (void)absl::SimpleAtoi(argv[i + 1], &options.purchases);
    if (flag == "--dir") options.dir = argv[i + 1];
  }
  return options;
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  crm::bench::BenchEnvironment env(options.dir);
  env.CreateTenant("bench-analysis");
  const absl::Time as_of = absl::FromCivil(absl::CivilDay(2026, 11, 1), absl::UTCTimeZone());

  // Purchases over two years: customers drawn with a skew (a few buy often), amounts
  // Gamma-distributed, a third as margin, 2 % refunds.
  std::vector<std::string> contacts;
  for (int64_t i = 0; i < options.customers; ++i) contacts.push_back(crm::storage::NewResourceId());
  const std::string tsv = options.dir + "/purchases.tsv";
  {
    std::ofstream out(tsv);
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<int64_t> customer(0, options.customers - 1);
    std::uniform_int_distribution<int64_t> seconds(1, 730 * 86400);
    std::gamma_distribution<double> amount(3.0, 30.0);
    std::bernoulli_distribution refund(0.02);
    const std::string now = crm::storage::ToSqlDatetime(absl::Now());
    for (int64_t i = 0; i < options.purchases; ++i) {
      // min of two draws skews purchases towards low customer numbers.
      const int64_t c = std::min(customer(rng), customer(rng));
      const auto micros = static_cast<int64_t>(amount(rng) * 1e6);
      out << "bench-analysis\t" << crm::storage::NewResourceId() << '\t' << contacts[c] << '\t'
          << crm::storage::ToSqlDatetime(as_of - absl::Seconds(seconds(rng))) << '\t' << micros << '\t'
          << micros / 3 << "\t1\tcat\tsku\t1\tstore\t" << (refund(rng) ? 2 : 1) << "\t\\N\t1\t" << now << '\n';
    }
  }
  // One contact row per customer: results are only written for contacts that exist.
  const std::string contacts_tsv = options.dir + "/contacts.tsv";
  {
    std::ofstream out(contacts_tsv);
    const std::string now = crm::storage::ToSqlDatetime(absl::Now());
    for (int64_t i = 0; i < options.customers; ++i) {
      out << "bench-analysis\t" << contacts[i] << "\tGiven\tFamily\tGiven Family\t[]\t[]\t\\N\t0\t\t\t\t\\N\t\t"
          << "store\tbench\t[]\t{}\t0\t\\N\t0\t\\N\t0\t\\N\t0\t\\N\t1\t\\N\t1\t" << now << '\t' << now << '\n';
    }
  }
  env.LoadData(contacts_tsv, "contacts",
               "tenant_id, contact_id, given_name, family_name, display_name, emails, phones, birthday, "
               "gender, region, city, address, account_id, owner, store_id, source, tags, attributes, "
               "consent_email, consent_email_time, consent_sms, consent_sms_time, consent_phone, "
               "consent_phone_time, consent_direct_mail, consent_direct_mail_time, lifecycle_stage, "
               "external_id, revision, create_time, update_time");
  const absl::Duration load = env.LoadData(
      tsv, "purchases",
      "tenant_id, purchase_id, contact_id, purchase_time, amount_micros, gross_margin_micros, "
      "quantity, product_category, product, channel, store_id, purchase_type, external_id, "
      "revision, create_time");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("loaded %lld purchases of %lld customers in %.1f s\n", static_cast<long long>(options.purchases),
              static_cast<long long>(options.customers), absl::ToDoubleSeconds(load));

  const auto tenant = crm::storage::TenantId::Make("bench-analysis");
  Check(tenant.status(), "tenant id");

  // 1. The plain aggregate, all rows sent to a client (the mariadb CLI, output
  // discarded): MariaDB's own time, without crm-server's 30 s statement cap.
  const absl::Duration sql_time = env.TimeSql(
      "SELECT contact_id, COUNT(*), SUM(amount_micros), MIN(purchase_time), MAX(purchase_time) "
      "FROM purchases WHERE tenant_id = 'bench-analysis' GROUP BY contact_id");

  // 2. A whole run as crm-server executes it (AnalysisRunner::Execute, the code a
  // worker thread runs): count and read the purchases, compute, write one result row
  // per customer, record the report.
  crm::storage::PurchaseRepository repository(env.pool());
  crm::storage::AnalysisRepository runs(env.pool());
  crm::storage::AnalysisSources sources(env.pool());
  crm::server::AnalysisRunner runner(runs, repository, sources, /*workers=*/1);
  crm::v1::AnalysisRun request;
  crm::storage::ToProtoTimestamp(as_of, request.mutable_as_of());
  request.mutable_window()->set_seconds(365 * 86400);
  bool created = false;
  absl::StatusOr<crm::v1::AnalysisRun> run = runs.Create(*tenant, request, "", crm::server::AnalysisRunner::kStaleAfter,
                                                         absl::Now() + absl::Minutes(1), &created);
  Check(run.status(), "create run");

  // Another tenant's GetContact latency while idle and during the run (the issue: runs
  // must not slow other tenants' calls noticeably).
  const std::string neighbour_key = env.CreateTenant("bench-neighbour");
  auto contact_stub = crm::v1::ContactService::NewStub(env.channel());
  crm::v1::CreateContactRequest create_contact;
  create_contact.mutable_contact()->set_display_name("Neighbour");
  crm::v1::Contact neighbour;
  Check(contact_stub->CreateContact(crm::bench::WithKey(neighbour_key).get(), create_contact, &neighbour), "contact");
  const auto probe = [&](const std::function<bool()>& go_on) {
    std::vector<double> millis;
    crm::v1::GetContactRequest get;
    get.set_name(neighbour.name());
    while (go_on()) {
      crm::v1::Contact out;
      const absl::Time start = absl::Now();
      Check(contact_stub->GetContact(crm::bench::WithKey(neighbour_key).get(), get, &out), "GetContact");
      millis.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      absl::SleepFor(absl::Milliseconds(5));
    }
    std::sort(millis.begin(), millis.end());
    return std::make_tuple(millis.size(), millis[millis.size() / 2], millis[millis.size() * 99 / 100]);
  };
  int idle_calls = 0;
  const auto [idle_n, idle_p50, idle_p99] = probe([&] { return idle_calls++ < 2000; });

  const std::string run_id = run->name().substr(run->name().rfind('/') + 1);
  const absl::Time run_start = absl::Now();
  Check(runner.Submit(*tenant, *run, "UTC", "EUR"), "submit");
  const auto run_finished = [&] {
    absl::StatusOr<crm::v1::AnalysisRun> now = runs.Get(*tenant, run_id, absl::Now() + absl::Minutes(1));
    Check(now.status(), "poll run");
    return now->state() == crm::v1::AnalysisRun::STATE_SUCCEEDED || now->state() == crm::v1::AnalysisRun::STATE_FAILED;
  };
  int polls = 0;
  const auto [busy_n, busy_p50, busy_p99] = probe([&] { return ++polls % 20 != 0 || !run_finished(); });
  const absl::Duration run_time = absl::Now() - run_start;
  absl::StatusOr<crm::v1::AnalysisRun> done = runs.Get(*tenant, run_id, absl::Now() + absl::Minutes(1));
  Check(done.status(), "read run");
  if (done->state() != crm::v1::AnalysisRun::STATE_SUCCEEDED) {
    std::fprintf(stderr, "run failed: %s %s\n", done->error_code().c_str(), done->error_message().c_str());
    return 1;
  }

  int64_t written = 0;
  Check(crm::storage::RunTransaction(env.pool(), *tenant, absl::Now() + absl::Minutes(5),
                                     [&](crm::storage::Transaction& tx) -> absl::Status {
                                       auto rows = tx.Query(
                                           "SELECT COUNT(*) FROM customer_values WHERE tenant_id = ? AND run_id = ?",
                                           {tenant->value(), run_id});
                                       written = rows->next() ? rows->getInt64(1) : 0;
                                       return absl::OkStatus();
                                     }),
        "count results");
  std::printf("result rows written: %lld\n", static_cast<long long>(written));
  std::printf("| GROUP BY contact_id (mariadb client) | %.1f s |\n", absl::ToDoubleSeconds(sql_time));
  for (const crm::v1::StageTiming& timing : done->timings()) {
    std::printf("| run: %s | %.1f s |\n", timing.stage().c_str(),
                static_cast<double>(timing.duration().seconds()) + timing.duration().nanos() / 1e9);
  }
  std::printf("| run: whole (%lld purchases, %lld customers, results written) | %.1f s |\n",
              static_cast<long long>(done->purchases()), static_cast<long long>(done->customers()),
              absl::ToDoubleSeconds(run_time));
  std::printf("ratio run / GROUP BY = %.2f\n", absl::ToDoubleSeconds(run_time) / absl::ToDoubleSeconds(sql_time));
  std::printf("neighbour GetContact idle: %zu calls, p50 %.2f ms, p99 %.2f ms\n", idle_n, idle_p50, idle_p99);
  std::printf("neighbour GetContact during the run: %zu calls, p50 %.2f ms, p99 %.2f ms\n", busy_n, busy_p50,
              busy_p99);
  for (const crm::v1::UnavailableResult& unavailable : done->unavailable()) {
    std::printf("unavailable: %s\n", unavailable.reason().c_str());
  }
  std::printf("peak RSS of the benchmark process: %.0f MiB\n", PeakRssMiB());
  return 0;
}
