// Value-analysis throughput: a tenant with N customers and M purchases (loaded with
// LOAD DATA), then, in the same run, (1) MariaDB's plain per-contact aggregate
// `SELECT contact_id, COUNT(*), SUM(amount), MIN(time), MAX(time) ... GROUP BY contact_id`
// read to the end through the server's own driver, and (2) the analysis as crm-server
// runs it: the chunked purchase scan into memory and AnalyzeCustomerValue (summaries,
// RFM, ABC, both fits, P(alive), CLV, tiers, lifecycle). Prints both times, the ratio
// and the peak resident memory. Writing results back is not measured yet (the run
// service is still to come). Not part of CTest; see BENCHMARKS.md.
//
//   build/bin/analysis_bench [--customers N] [--purchases M] [--dir /tmp/crm-analysis-bench]
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/analysis/value_analysis.h"
#include "server/analysis_input.h"
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

  // 2. The analysis as the server runs it.
  crm::storage::PurchaseRepository repository(env.pool());
  const absl::Time run_start = absl::Now();
  absl::StatusOr<crm::server::TenantPurchases> input =
      crm::server::LoadTenantPurchases(repository, *tenant, as_of, absl::Now() + absl::Hours(1));
  Check(input.status(), "load purchases");
  const absl::Duration read_time = absl::Now() - run_start;
  crm::analysis::ValueAnalysisSettings settings;
  settings.as_of = as_of;
  absl::StatusOr<crm::analysis::ValueAnalysis> analysis =
      crm::analysis::AnalyzeCustomerValue(input->records, input->contact_ids.size(), settings);
  Check(analysis.status(), "analysis");
  const absl::Duration run_time = absl::Now() - run_start;

  std::printf("| GROUP BY contact_id (mariadb client) | %.1f s |\n", absl::ToDoubleSeconds(sql_time));
  std::printf("| analysis: read %zu purchases | %.1f s |\n", input->records.size(), absl::ToDoubleSeconds(read_time));
  std::printf("| analysis: read + compute (%zu customers) | %.1f s |\n", input->contact_ids.size(),
              absl::ToDoubleSeconds(run_time));
  std::printf("ratio analysis / GROUP BY = %.2f\n", absl::ToDoubleSeconds(run_time) / absl::ToDoubleSeconds(sql_time));
  std::printf("BG/NBD: %s (%d evaluations) Gamma-Gamma: %s (%d evaluations)\n",
              analysis->bgnbd.ok() ? "fitted" : std::string(analysis->bgnbd.status().message()).c_str(),
              analysis->bgnbd.ok() ? analysis->bgnbd->fit.iterations : 0,
              analysis->gamma_gamma.ok() ? "fitted" : std::string(analysis->gamma_gamma.status().message()).c_str(),
              analysis->gamma_gamma.ok() ? analysis->gamma_gamma->fit.iterations : 0);
  std::printf("peak RSS of the benchmark process: %.0f MiB\n", PeakRssMiB());
  return 0;
}
