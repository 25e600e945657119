// crmctl demo seed: fills a tenant with a realistic synthetic cosmetics brand (contacts,
// two years of purchases, leads, complaints, interactions), runs the value analysis and
// schedules a launch campaign with a control group. Deterministic per --seed and
// idempotent: a re-run creates nothing twice.
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/demo_dataset.h"
#include "clients/crmctl/demo_seeder.h"
#include "clients/crmctl/demo_tenant.h"
#include "clients/crmctl/key_file.h"
#include "clients/crmctl/output.h"

namespace crm::crmctl {
namespace {

struct DemoSeedFlags {
  int contacts = kDefaultDemoContacts;
  uint64_t seed = kDefaultDemoSeed;
  std::string as_of;
  bool force = false;
  std::string create_tenant;
  std::string tenant_display_name = "Demo Cosmetics";
  std::string key_out;
  double analysis_timeout_seconds = 600;
};

// RFC 3339, or a date (midnight UTC at its start).
std::optional<absl::Time> ParseAsOf(const std::string& text) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &error)) return time;
  return std::nullopt;
}

std::string Rfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

void ReportStatus(CliContext& context, const absl::Status& status) {
  context.ReportRpcError(
      grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message())), "demo seed");
}

std::string Times(const DemoSeedSummary& summary, absl::Duration total) {
  std::vector<std::string> parts;
  for (const DemoStageTime& stage : summary.stage_times) {
    if (stage.duration >= absl::Milliseconds(100)) {
      parts.push_back(absl::StrFormat("%s %.1fs", stage.stage, absl::ToDoubleSeconds(stage.duration)));
    }
  }
  return absl::StrFormat("%.1fs (%s)", absl::ToDoubleSeconds(total), absl::StrJoin(parts, ", "));
}

nlohmann::json SummaryJson(const DemoSeedFlags& flags, absl::Time as_of, const DemoSeedSummary& summary,
                           absl::Duration total) {
  nlohmann::json stages = nlohmann::json::object();
  for (const DemoStageTime& stage : summary.stage_times)
    stages[stage.stage] = absl::ToDoubleSeconds(stage.duration);
  nlohmann::json out = {
      {"seed", flags.seed},
      {"as_of", Rfc3339(as_of)},
      {"contacts_requested", flags.contacts},
      {"already_seeded", false},
      {"contacts", {{"created", summary.contacts_created}, {"already_there", summary.contacts_updated}}},
      {"purchases",
       {{"imported", summary.purchases_imported},
        {"already_there", summary.purchases_skipped},
        {"refunds_in_dataset", summary.refunds}}},
      {"rows_refused", summary.rows_failed},
      {"row_errors", summary.row_errors},
      {"leads",
       {{"total", summary.leads},
        {"created", summary.leads_created},
        {"active", summary.leads_active},
        {"converted", summary.leads_converted},
        {"invalid", summary.leads_invalid},
        {"follow_ups_due", summary.leads_due},
        {"follow_ups", summary.follow_ups}}},
      {"complaints",
       {{"total", summary.complaints},
        {"created", summary.complaints_created},
        {"unresolved", summary.complaints_unresolved},
        {"urgent_unresolved", summary.complaints_urgent}}},
      {"interactions", {{"total", summary.interactions}, {"created", summary.interactions_created}}},
      {"analysis_run",
       {{"name", summary.analysis.name()},
        {"state", crm::v1::AnalysisRun::State_Name(summary.analysis.state())},
        {"customers", summary.analysis.customers()},
        {"purchases", summary.analysis.purchases()}}},
      {"seconds", {{"total", absl::ToDoubleSeconds(total)}, {"stages", stages}}},
  };
  if (!summary.campaign.name().empty()) {
    out["campaign"] = {{"name", summary.campaign.name()},
                       {"display_name", summary.campaign.display_name()},
                       {"state", crm::v1::Campaign::State_Name(summary.campaign.state())},
                       {"control_percent", summary.campaign.control_percent()},
                       {"audience", summary.audience.audience()},
                       {"control", summary.audience.control()}};
  }
  return out;
}

void PrintSummaryTable(CliContext& context, const DemoSeedSummary& summary, absl::Duration total) {
  Table table({"stage", "result"}, 120);
  table.AddRow({"contacts", absl::StrCat(summary.contacts_created, " created, ", summary.contacts_updated,
                                         " already there")});
  table.AddRow(
      {"purchases", absl::StrCat(summary.purchases_imported, " imported, ", summary.purchases_skipped,
                                 " already there (", summary.refunds, " of the rows are refunds)")});
  if (summary.rows_failed > 0) table.AddRow({"refused", absl::StrCat(summary.rows_failed, " import rows")});
  table.AddRow(
      {"leads", absl::StrCat(summary.leads, " (", summary.leads_created, " new): ", summary.leads_converted,
                             " converted, ", summary.leads_active, " active (", summary.leads_due,
                             " follow-ups due), ", summary.leads_invalid, " invalid")});
  table.AddRow({"complaints", absl::StrCat(summary.complaints, " (", summary.complaints_created,
                                           " new): ", summary.complaints_unresolved, " unresolved, ",
                                           summary.complaints_urgent,
                                           " of them HIGH/CRITICAL (overdue 8 h / 2 h after creation)")});
  table.AddRow(
      {"interactions", absl::StrCat(summary.interactions, " (", summary.interactions_created, " new)")});
  table.AddRow({"analysis", absl::StrCat(summary.analysis.name(), " ",
                                         crm::v1::AnalysisRun::State_Name(summary.analysis.state()), ": ",
                                         summary.analysis.customers(), " customers")});
  if (!summary.campaign.name().empty()) {
    table.AddRow({"campaign",
                  absl::StrCat(summary.campaign.name(), " ",
                               crm::v1::Campaign::State_Name(summary.campaign.state()), ", audience ",
                               summary.audience.audience(), " (control ", summary.audience.control(), ")")});
  }
  table.Print(context.out());
  context.out() << "seeded in " << Times(summary, total) << "\n";
}

void SeedDemo(CliContext& context, const DemoSeedFlags& flags) {
  std::optional<absl::Time> requested_as_of;
  if (!flags.as_of.empty()) {
    requested_as_of = ParseAsOf(flags.as_of);
    if (!requested_as_of.has_value()) {
      return context.Fail(kExitUsage, absl::StrCat("--as-of ", flags.as_of, ": use RFC 3339 or YYYY-MM-DD"));
    }
    if (*requested_as_of > absl::Now()) {
      return context.Fail(kExitUsage, "--as-of must not be in the future (purchases cannot be)");
    }
  }
  if (!flags.key_out.empty() && flags.create_tenant.empty()) {
    return context.Fail(kExitUsage,
                        "--key-out goes with --create-tenant (it saves the key made for the tenant)");
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  const absl::Duration call_timeout = absl::Seconds(context.flags().timeout_seconds);
  // run-local.sh starts the seeding as soon as the key files exist, which may be a
  // moment before the server listens.
  if (absl::Status connected = client->WaitForConnected(absl::ToChronoMilliseconds(call_timeout));
      !connected.ok()) {
    return ReportStatus(context, connected);
  }

  std::unique_ptr<crm::Client> tenant_client;
  crm::Client* target = client;
  std::string key_to_print;
  std::string tenant;
  if (!flags.create_tenant.empty()) {
    const std::string existing_key = flags.key_out.empty() ? "" : ReadKeyFile(flags.key_out);
    absl::StatusOr<DemoTenantKey> made =
        EnsureDemoTenant(*client, call_timeout, flags.create_tenant, flags.tenant_display_name, existing_key);
    if (!made.ok()) return ReportStatus(context, made.status());
    tenant = made->tenant;
    context.err() << "demo seed: tenant " << made->tenant << (made->tenant_created ? " created" : " exists")
                  << (made->key_created ? ", new TENANT_ADMIN key " + made->key_name
                                        : ", reusing the key in " + flags.key_out)
                  << "\n";
    if (made->key_created && !flags.key_out.empty()) {
      // Saved before seeding: a seeding that fails half-way must not lose the key.
      if (absl::Status written = WriteKeyFile(flags.key_out, made->key); !written.ok()) {
        return context.Fail(kExitLocalFile, absl::StrCat(written.message(), "; revoke ", made->key_name,
                                                         " (its secret is lost)"));
      }
    } else if (made->key_created) {
      key_to_print = made->key;
    }
    ClientOptions options = client->options();
    options.api_key = made->key;
    absl::StatusOr<std::unique_ptr<crm::Client>> created = crm::Client::Create(std::move(options));
    if (!created.ok()) return ReportStatus(context, created.status());
    tenant_client = *std::move(created);
    target = tenant_client.get();
  }

  DemoProgress progress(context.err());
  DemoSeeder seeder(*target, call_timeout, progress);
  absl::StatusOr<DemoExisting> existing = seeder.Inspect(flags.seed, flags.contacts);
  if (!existing.ok()) {
    ReportStatus(context, existing.status());
    if (absl::IsPermissionDenied(existing.status())) {
      context.err()
          << "  hint: demo seed needs a TENANT_ADMIN key of the tenant to fill, or the platform-admin "
             "key with --create-tenant ID\n";
    }
    return;
  }
  absl::Time as_of = absl::FromUnixSeconds(absl::ToUnixSeconds(requested_as_of.value_or(absl::Now())));
  if (existing->as_of.has_value()) {
    // The history of an earlier seeding was drawn for its as_of: drawing it again for
    // another one would add a second, shifted history.
    if (requested_as_of.has_value() &&
        absl::FromUnixSeconds(absl::ToUnixSeconds(*requested_as_of)) != *existing->as_of) {
      return context.Fail(kExitRejected, absl::StrCat("this tenant holds demo seed ", flags.seed, " as of ",
                                                      Rfc3339(*existing->as_of),
                                                      "; re-run without --as-of (or with that time), "
                                                      "or use another --seed"));
    }
    as_of = *existing->as_of;
    progress.Line("tenant", absl::StrCat("holds demo seed ", flags.seed, " as of ", Rfc3339(as_of),
                                         ": continuing it (nothing is created twice)"));
  }
  if (existing->complete && !flags.force) {
    progress.Line("tenant",
                  absl::StrCat("already holds all ", flags.contacts,
                               " contacts and the campaign: nothing to do (--force re-sends everything)"));
    if (context.json()) {
      nlohmann::json out = {{"seed", flags.seed},
                            {"as_of", Rfc3339(as_of)},
                            {"contacts_requested", flags.contacts},
                            {"already_seeded", true}};
      if (!tenant.empty()) out["tenant"] = tenant;
      if (!key_to_print.empty()) out["key"] = key_to_print;
      context.out() << out.dump(2) << "\n";
    } else {
      context.out() << "already seeded: demo seed " << flags.seed << " as of " << Rfc3339(as_of) << "\n";
      if (!key_to_print.empty()) context.out() << "tenant admin key (shown once): " << key_to_print << "\n";
    }
    return;
  }

  DemoOptions options;
  options.seed = flags.seed;
  options.contacts = flags.contacts;
  options.as_of = as_of;
  const DemoDataset dataset = GenerateDemoDataset(options);
  progress.Line("dataset", absl::StrCat(dataset.contacts.size(), " contacts, ", dataset.purchases.size(),
                                        " purchase rows, ", dataset.leads.size(), " leads, ",
                                        dataset.complaints.size(), " complaints, ",
                                        dataset.interactions.size(), " interactions as of ", Rfc3339(as_of)));
  absl::StatusOr<DemoSeedSummary> summary =
      seeder.Seed(dataset, absl::Seconds(flags.analysis_timeout_seconds));
  if (!summary.ok()) return ReportStatus(context, summary.status());
  const absl::Duration total = progress.elapsed();
  if (context.json()) {
    nlohmann::json out = SummaryJson(flags, as_of, *summary, total);
    if (!tenant.empty()) out["tenant"] = tenant;
    if (!key_to_print.empty()) out["key"] = key_to_print;
    context.out() << out.dump(2) << "\n";
  } else {
    PrintSummaryTable(context, *summary, total);
    if (!tenant.empty()) context.out() << "tenant: " << tenant << "\n";
    if (!key_to_print.empty()) context.out() << "tenant admin key (shown once): " << key_to_print << "\n";
  }
  if (summary->rows_failed > 0) {
    for (const std::string& error : summary->row_errors) context.err() << "  " << error << "\n";
    context.Fail(kExitPartialFailure, absl::StrCat(summary->rows_failed, " import rows were refused"));
  }
}

}  // namespace

void RegisterDemoCommands(CLI::App& app, CliContext& context) {
  CLI::App* demo = app.add_subcommand("demo", "synthetic demo data");
  demo->require_subcommand(1);
  auto flags = std::make_shared<DemoSeedFlags>();
  CLI::App* seed = demo->add_subcommand(
      "seed",
      "fill a tenant with a cosmetics brand: contacts, two years of purchases, leads, complaints, "
      "interactions, a value analysis and a scheduled campaign (TENANT_ADMIN key, or the platform-admin "
      "key with --create-tenant)");
  seed->add_option("--contacts", flags->contacts, "contacts to seed (about 10 purchases each)")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxDemoContacts));
  seed->add_option("--seed", flags->seed, "random seed: the same seed gives the same data")
      ->capture_default_str();
  seed->add_option("--as-of", flags->as_of,
                   "the dataset's today, RFC 3339 or YYYY-MM-DD (default: now, or the as_of of an earlier "
                   "seeding of the same seed)");
  seed->add_flag("--force", flags->force,
                 "re-send everything even if the tenant already holds it (creates nothing twice)");
  seed->add_option(
      "--create-tenant", flags->create_tenant,
      "with the platform-admin key: create (or reuse) tenants/ID and a TENANT_ADMIN key, and seed it");
  seed->add_option("--tenant-display-name", flags->tenant_display_name,
                   "display name of a tenant --create-tenant makes")
      ->capture_default_str();
  seed->add_option("--key-out", flags->key_out,
                   "with --create-tenant: write the new key to FILE (mode 0600) instead of printing it; an "
                   "earlier run's key there is reused");
  seed->add_option("--analysis-timeout", flags->analysis_timeout_seconds,
                   "seconds to wait for the value analysis")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  seed->callback([&context, flags] { SeedDemo(context, *flags); });
}

}  // namespace crm::crmctl
