// Campaign throughput: a tenant with N contacts (loaded with LOAD DATA, all opted in
// to email), one campaign whose audience is everyone with a 10 % control group, then,
// in the same run:
//   (1) MariaDB's own time to select the same rows (the mariadb CLI reads them all);
//   (2) the audience snapshot as ClaimRun performs it (CampaignRepository::Start and
//       AdvanceSnapshot with AssignAudienceMember, 5,000 contacts per transaction);
//   (3) two scheduler clients over gRPC doing what crm-scheduler does, minus the
//       channel: ClaimRun, FetchRecipients (1,000 per page, contact policy applied),
//       ReportDeliveries (SENT), CompleteRun, until the campaign is COMPLETED.
// Prints the times, recipients/s and the ratios to (1). Not part of CTest; see
// BENCHMARKS.md.
//
//   build/bin/campaign_bench [--contacts N] [--dir /tmp/crm-campaign-bench]
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "crm/v1/campaign.grpc.pb.h"
#include "crm/v1/scheduler.grpc.pb.h"
#include "server/campaign_audience.h"
#include "server/validation/campaign_rules.h"
#include "storage/campaign_repository.h"
#include "storage/ids.h"
#include "storage/row_codec.h"
#include "storage/tenant_id.h"
#include "tests/bench/bench_environment.h"

namespace {

using crm::bench::Check;
using crm::bench::WithKey;

constexpr char kTenant[] = "bench-campaign";

struct Options {
  int64_t contacts = 1'000'000;
  std::string dir = "/tmp/crm-campaign-bench";
};

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--contacts") (void)absl::SimpleAtoi(argv[i + 1], &options.contacts);
    if (flag == "--dir") options.dir = argv[i + 1];
  }
  return options;
}

// One scheduler: works runs until nothing is due. Returns recipients reported.
int64_t Schedule(const std::shared_ptr<grpc::Channel>& channel, const std::string& key, const std::string& id) {
  auto scheduler = crm::v1::SchedulerService::NewStub(channel);
  int64_t reported = 0;
  int idle = 0;
  while (idle < 3) {
    crm::v1::ClaimRunRequest claim;
    claim.set_scheduler_id(id);
    claim.mutable_lease_duration()->set_seconds(120);
    crm::v1::ClaimRunResponse lease;
    Check(scheduler->ClaimRun(WithKey(key).get(), claim, &lease), "ClaimRun");
    if (!lease.has_run()) {
      ++idle;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    idle = 0;
    while (true) {
      crm::v1::FetchRecipientsRequest fetch;
      fetch.set_run(lease.run().name());
      fetch.set_lease_token(lease.lease_token());
      fetch.set_page_size(1000);
      crm::v1::FetchRecipientsResponse page;
      Check(scheduler->FetchRecipients(WithKey(key).get(), fetch, &page), "FetchRecipients");
      if (page.recipients_size() > 0) {
        crm::v1::ReportDeliveriesRequest report;
        report.set_run(lease.run().name());
        report.set_lease_token(lease.lease_token());
        for (const crm::v1::Recipient& recipient : page.recipients()) {
          crm::v1::DeliveryReport* delivery = report.add_reports();
          delivery->set_contact(recipient.contact());
          delivery->set_status(crm::v1::DeliveryReport::STATUS_SENT);
        }
        crm::v1::ReportDeliveriesResponse reported_page;
        Check(scheduler->ReportDeliveries(WithKey(key).get(), report, &reported_page), "ReportDeliveries");
        reported += reported_page.applied();
      }
      if (page.exhausted()) break;
    }
    crm::v1::CompleteRunRequest complete;
    complete.set_run(lease.run().name());
    complete.set_lease_token(lease.lease_token());
    crm::v1::CampaignRun run;
    Check(scheduler->CompleteRun(WithKey(key).get(), complete, &run), "CompleteRun");
  }
  return reported;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  crm::bench::BenchEnvironment env(options.dir);
  const std::string integration_key = env.CreateTenant(kTenant);
  const std::string scheduler_key = env.CreateKey(kTenant, crm::v1::ROLE_SCHEDULER);
  // The tenant's default contact policy (4 touches per 30 days) applies: the
  // hand-out counts every contact's touches, and one campaign touches each once.

  const std::string contacts_tsv = options.dir + "/contacts.tsv";
  {
    std::ofstream out(contacts_tsv);
    const std::string now = crm::storage::ToSqlDatetime(absl::Now());
    for (int64_t i = 0; i < options.contacts; ++i) {
      const std::string id = crm::storage::NewResourceId();
      out << kTenant << '\t' << id << "\tGiven\tFamily\tGiven Family\t[\"c" << i << "@example.com\"]\t[]\t\\N\t0\t\t\t\t\\N\t\t"
          << "store\tbench\t[]\t{}\t2\t\\N\t0\t\\N\t0\t\\N\t0\t\\N\t1\t\\N\t1\t" << now << '\t' << now << '\n';
    }
  }
  const absl::Duration load = env.LoadData(
      contacts_tsv, "contacts",
      "tenant_id, contact_id, given_name, family_name, display_name, emails, phones, birthday, "
      "gender, region, city, address, account_id, owner, store_id, source, tags, attributes, "
      "consent_email, consent_email_time, consent_sms, consent_sms_time, consent_phone, "
      "consent_phone_time, consent_direct_mail, consent_direct_mail_time, lifecycle_stage, "
      "external_id, revision, create_time, update_time");
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("loaded %lld contacts in %.1f s\n", static_cast<long long>(options.contacts),
              absl::ToDoubleSeconds(load));

  // (1) The same rows straight from MariaDB.
  const absl::Duration sql_time = env.TimeSql(absl::StrCat(
      "SELECT contact_id, consent_email, JSON_UNQUOTE(JSON_EXTRACT(emails, '$[0]')), address FROM contacts "
      "WHERE tenant_id = '", kTenant, "' AND consent_email = 2"));
  std::printf("raw SQL select of the audience: %.2f s\n", absl::ToDoubleSeconds(sql_time));

  // The campaign, through the API.
  auto campaigns = crm::v1::CampaignService::NewStub(env.channel());
  crm::v1::CreateCampaignRequest create;
  crm::v1::Campaign& definition = *create.mutable_campaign();
  definition.set_display_name("bench");
  definition.set_objective(crm::v1::Campaign::OBJECTIVE_PROMOTION);
  definition.set_audience_filter("consent_email = CONSENT_STATE_OPTED_IN");
  crm::v1::CampaignCell* cell = definition.add_cells();
  cell->set_display_name("email");
  cell->set_channel(crm::v1::CAMPAIGN_CHANNEL_EMAIL);
  definition.set_control_percent(10);
  crm::storage::ToProtoTimestamp(absl::Now() - absl::Minutes(1), definition.mutable_schedule()->mutable_start_time());
  crm::storage::ToProtoTimestamp(absl::Now() + absl::Hours(48), definition.mutable_schedule()->mutable_end_time());
  crm::v1::Campaign campaign;
  Check(campaigns->CreateCampaign(WithKey(integration_key).get(), create, &campaign), "CreateCampaign");
  crm::v1::ScheduleCampaignRequest schedule;
  schedule.set_name(campaign.name());
  Check(campaigns->ScheduleCampaign(WithKey(integration_key).get(), schedule, &campaign), "ScheduleCampaign");
  const std::string campaign_id = campaign.name().substr(sizeof("campaigns/") - 1);

  // (2) The snapshot, as ClaimRun's AdvanceCampaigns does it.
  const auto tenant = crm::storage::TenantId::Make(kTenant);
  Check(tenant.status(), "tenant id");
  crm::storage::CampaignRepository repository(env.pool());
  const absl::Time far = absl::InfiniteFuture();
  Check(repository.Start(*tenant, campaign_id, crm::storage::NowMicros(), far), "start");
  absl::StatusOr<crm::v1::Campaign> started = repository.Get(*tenant, campaign_id, far);
  Check(started.status(), "get");
  absl::StatusOr<crm::storage::AudienceFilterSql> filters = crm::server::CompileAudience(*started);
  Check(filters.status(), "filters");
  const absl::Time snapshot_start = absl::Now();
  int chunks = 0;
  while (true) {
    absl::StatusOr<crm::storage::SnapshotStep> step = repository.AdvanceSnapshot(
        *tenant, campaign_id, *filters,
        [&](const crm::storage::AudienceCandidate& candidate, crm::v1::AudiencePreview& tally) {
          return crm::server::AssignAudienceMember(*started, campaign_id, candidate, tally);
        },
        false, far);
    Check(step.status(), "snapshot");
    ++chunks;
    if (*step == crm::storage::SnapshotStep::kDone) break;
  }
  const absl::Duration snapshot = absl::Now() - snapshot_start;
  started = repository.Get(*tenant, campaign_id, far);
  Check(started.status(), "get");
  std::printf("snapshot: %.2f s for %lld contacts in %d chunks (%.0f contacts/s); test %lld, control %lld\n",
              absl::ToDoubleSeconds(snapshot), static_cast<long long>(started->audience().matched()), chunks,
              static_cast<double>(started->audience().matched()) / absl::ToDoubleSeconds(snapshot),
              static_cast<long long>(started->audience().audience() - started->audience().control()),
              static_cast<long long>(started->audience().control()));

  // (3) Two schedulers hand out and report everything.
  const absl::Time handout_start = absl::Now();
  int64_t reported[2] = {0, 0};
  std::thread first([&] { reported[0] = Schedule(env.channel(), scheduler_key, "bench-a"); });
  std::thread second([&] { reported[1] = Schedule(env.channel(), scheduler_key, "bench-b"); });
  first.join();
  second.join();
  const absl::Duration handout = absl::Now() - handout_start;
  const int64_t total = reported[0] + reported[1];
  crm::v1::GetCampaignRequest get;
  get.set_name(campaign.name());
  Check(campaigns->GetCampaign(WithKey(integration_key).get(), get, &campaign), "GetCampaign");
  std::printf("hand-out + report with 2 schedulers: %lld recipients (%lld + %lld) in %.2f s = %.0f recipients/s; "
              "campaign %s\n",
              static_cast<long long>(total), static_cast<long long>(reported[0]),
              static_cast<long long>(reported[1]), absl::ToDoubleSeconds(handout),
              static_cast<double>(total) / absl::ToDoubleSeconds(handout),
              crm::v1::Campaign::State_Name(campaign.state()).c_str());
  std::printf("ratios to the raw SQL select: snapshot %.1fx, hand-out %.1fx\n", absl::FDivDuration(snapshot, sql_time),
              absl::FDivDuration(handout, sql_time));
  return 0;
}
