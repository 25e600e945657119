// crmctl campaigns create|list|get|preview|schedule|pause|resume|cancel|delete|runs|
// results: campaigns (CampaignService) defined in YAML or JSON files.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/list_support.h"
#include "clients/crmctl/output.h"
#include "clients/crmctl/yaml_to_proto.h"

namespace crm::crmctl {
namespace {

struct CampaignFlags {
  std::string name;
  std::string file;
  std::string request_id;
  std::string etag;
  ListFlags list;
};

std::string Percent(double share) { return absl::StrFormat("%.1f%%", share * 100); }

// The campaign definition in `path` (YAML or JSON, see README "Campaign files").
bool ReadCampaignFile(CliContext& context, const std::string& path, crm::v1::Campaign& campaign) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    context.Fail(kExitLocalFile, absl::StrCat("cannot read ", path));
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  absl::Status parsed = ParseYamlMessage(text.str(), campaign);
  if (!parsed.ok()) {
    context.Fail(kExitUsage, absl::StrCat(path, ": ", parsed.message()));
    return false;
  }
  return true;
}

void Create(CliContext& context, const CampaignFlags& flags) {
  crm::v1::CreateCampaignRequest request;
  if (!ReadCampaignFile(context, flags.file, *request.mutable_campaign())) return;
  request.set_request_id(flags.request_id);
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::Campaign campaign;
  auto call = context.NewCallContext();
  grpc::Status status = client->campaigns().CreateCampaign(call.get(), request, &campaign);
  if (!status.ok()) return context.ReportRpcError(status, "create campaign");
  PrintMessage(context, campaign);
}

void Get(CliContext& context, const CampaignFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetCampaignRequest request;
  request.set_name(QualifiedName("campaigns", flags.name));
  crm::v1::Campaign campaign;
  auto call = context.NewCallContext();
  grpc::Status status = client->campaigns().GetCampaign(call.get(), request, &campaign);
  if (!status.ok()) return context.ReportRpcError(status, "get campaign");
  PrintMessage(context, campaign);
}

void List(CliContext& context, const CampaignFlags& flags) {
  crm::v1::ListCampaignsResponse response;
  ListPages(context, flags.list, response, "campaigns",
            {"name", "display_name", "state", "objective", "control_percent", "schedule.start_time",
             "schedule.end_time", "audience.audience"},
            "list campaigns",
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              crm::v1::ListCampaignsRequest request;
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              request.set_filter(flags.list.filter);
              request.set_order_by(flags.list.order_by);
              return context.client()->campaigns().ListCampaigns(
                  &call, request, static_cast<crm::v1::ListCampaignsResponse*>(&page));
            });
}

void PrintPreview(CliContext& context, const crm::v1::AudiencePreview& preview) {
  if (context.json()) return PrintMessage(context, preview);
  context.out() << "matched " << preview.matched() << ", audience " << preview.audience() << ", control "
                << preview.control() << "\n\n";
  Table cells({"CELL", "AUDIENCE", "CONTROL", "TEST"});
  for (const crm::v1::CellAudience& cell : preview.cells()) {
    cells.AddRow({cell.cell(), absl::StrCat(cell.audience()), absl::StrCat(cell.control()),
                  absl::StrCat(cell.test())});
  }
  cells.Print(context.out());
  context.out() << "\nexcluded\n";
  Table excluded({"REASON", "CONTACTS"});
  const crm::v1::AudienceExclusions& e = preview.exclusions();
  excluded.AddRow({"opted out of the channel", absl::StrCat(e.opted_out())});
  excluded.AddRow({"no consent for the channel", absl::StrCat(e.no_consent())});
  excluded.AddRow({"no address for the channel", absl::StrCat(e.no_address())});
  excluded.AddRow({"contact-policy cap", absl::StrCat(e.contact_policy_cap())});
  excluded.AddRow({"already in another cell", absl::StrCat(e.already_in_another_cell())});
  excluded.AddRow({"in no cell", absl::StrCat(e.no_matching_cell())});
  excluded.Print(context.out());
}

void Preview(CliContext& context, const CampaignFlags& flags) {
  crm::v1::PreviewAudienceRequest request;
  if (!flags.file.empty()) {
    if (!ReadCampaignFile(context, flags.file, *request.mutable_campaign())) return;
  } else if (!flags.name.empty()) {
    request.set_name(QualifiedName("campaigns", flags.name));
  } else {
    return context.Fail(kExitUsage, "preview needs a campaign name or --file FILE");
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::AudiencePreview preview;
  auto call = context.NewCallContext();
  grpc::Status status = client->campaigns().PreviewAudience(call.get(), request, &preview);
  if (!status.ok()) return context.ReportRpcError(status, "preview audience");
  PrintPreview(context, preview);
}

// Schedule, pause, resume and cancel share the request shape {name, etag}.
template <typename Request>
void Move(CliContext& context, const CampaignFlags& flags, const std::string& what,
          grpc::Status (crm::v1::CampaignService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                 crm::v1::Campaign*)) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  Request request;
  request.set_name(QualifiedName("campaigns", flags.name));
  request.set_etag(flags.etag);
  crm::v1::Campaign campaign;
  auto call = context.NewCallContext();
  grpc::Status status = (client->campaigns().*method)(call.get(), request, &campaign);
  if (!status.ok()) return context.ReportRpcError(status, what);
  if (context.json()) return PrintMessage(context, campaign);
  context.out() << campaign.name() << " is now " << FieldText(campaign, "state") << "\n";
}

void Delete(CliContext& context, const CampaignFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::DeleteCampaignRequest request;
  request.set_name(QualifiedName("campaigns", flags.name));
  request.set_etag(flags.etag);
  crm::v1::DeleteCampaignResponse response;
  auto call = context.NewCallContext();
  grpc::Status status = client->campaigns().DeleteCampaign(call.get(), request, &response);
  if (!status.ok()) return context.ReportRpcError(status, "delete campaign");
  if (context.json()) {
    context.out() << "{\"deleted\": \"" << request.name() << "\"}\n";
  } else {
    context.out() << "deleted " << request.name() << "\n";
  }
}

void Runs(CliContext& context, const CampaignFlags& flags) {
  crm::v1::ListCampaignRunsResponse response;
  ListPages(context, flags.list, response, "runs", {"name", "state", "recipients", "handed_out", "reported", "skipped_by_policy", "scheduler"},
            "list campaign runs",
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              crm::v1::ListCampaignRunsRequest request;
              request.set_parent(QualifiedName("campaigns", flags.name));
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              return context.client()->campaigns().ListCampaignRuns(
                  &call, request, static_cast<crm::v1::ListCampaignRunsResponse*>(&page));
            });
}

void AddResultRow(Table& table, const std::string& label, const crm::v1::CellResults& cell) {
  table.AddRow({label, absl::StrCat(cell.audience()), absl::StrCat(cell.control()), absl::StrCat(cell.sent()),
                Percent(cell.delivery_rate()), Percent(cell.test_response_rate()),
                Percent(cell.control_response_rate()), absl::StrFormat("%+.1f pt", cell.lift() * 100),
                FieldText(cell, "incremental_revenue"), FieldText(cell, "incremental_margin"),
                FieldText(cell, "cost"), absl::StrFormat("%.2f", cell.roi())});
}

void Results(CliContext& context, const CampaignFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetCampaignResultsRequest request;
  request.set_name(QualifiedName("campaigns", flags.name));
  crm::v1::CampaignResults results;
  auto call = context.NewCallContext();
  grpc::Status status = client->campaigns().GetCampaignResults(call.get(), request, &results);
  if (!status.ok()) return context.ReportRpcError(status, "get campaign results");
  if (context.json()) return PrintMessage(context, results);
  context.out() << results.campaign() << " at " << FieldText(results, "compute_time") << "\n\n";
  Table table({"CELL", "AUDIENCE", "CONTROL", "SENT", "DELIVERED", "TEST_RESP", "CONTROL_RESP", "LIFT",
               "INCR_REVENUE", "INCR_MARGIN", "COST", "ROI"});
  for (const crm::v1::CellResults& cell : results.cells()) AddResultRow(table, cell.cell(), cell);
  AddResultRow(table, "total", results.total());
  table.Print(context.out());
  context.out() << "\npromoted sales " << FieldText(results, "promoted_sales") << ", campaign share "
                << Percent(results.campaign_share_of_sales()) << "\n";
  if (!results.daily().empty()) {
    int64_t new_buyers = 0, returning = 0, campaign_buyers = 0;
    for (const crm::v1::DailyBuyers& day : results.daily()) {
      new_buyers += day.new_buyers();
      returning += day.returning_buyers();
      campaign_buyers += day.campaign_buyers();
    }
    context.out() << results.daily_size() << " days: " << new_buyers << " new and " << returning
                  << " returning buyers of the promoted line, " << campaign_buyers
                  << " of them campaign recipients (-o json for the daily series)\n";
  }
}

}  // namespace

void RegisterCampaignCommands(CLI::App& app, CliContext& context) {
  CLI::App* campaigns = app.add_subcommand("campaigns", "plan, run and measure campaigns");
  campaigns->require_subcommand(1);
  auto flags = std::make_shared<CampaignFlags>();
  const std::string id_help = "campaigns/{id} or {id}";

  CLI::App* create = campaigns->add_subcommand("create", "create a DRAFT campaign from a YAML or JSON file");
  create->add_option("file", flags->file, "campaign definition (crm.v1.Campaign as YAML or JSON)")->required();
  create->add_option("--request-id", flags->request_id, "idempotency key (UUID); generated if empty");
  create->callback([&context, flags] { Create(context, *flags); });

  CLI::App* list = campaigns->add_subcommand("list", "list campaigns");
  AddListFlags(*list, flags->list, /*filterable=*/true);
  list->callback([&context, flags] { List(context, *flags); });

  CLI::App* get = campaigns->add_subcommand("get", "show a campaign");
  get->add_option("campaign", flags->name, id_help)->required();
  get->callback([&context, flags] { Get(context, *flags); });

  CLI::App* preview = campaigns->add_subcommand("preview", "count the audience per cell, control and exclusions");
  preview->add_option("campaign", flags->name, id_help);
  preview->add_option("--file", flags->file, "preview an unsaved definition instead");
  preview->callback([&context, flags] { Preview(context, *flags); });

  CLI::App* schedule = campaigns->add_subcommand("schedule", "DRAFT → SCHEDULED (starts at its start time)");
  CLI::App* pause = campaigns->add_subcommand("pause", "stop handing out recipients");
  CLI::App* resume = campaigns->add_subcommand("resume", "hand out recipients again");
  CLI::App* cancel = campaigns->add_subcommand("cancel", "end the campaign for good");
  CLI::App* remove = campaigns->add_subcommand("delete", "delete a DRAFT campaign");
  for (CLI::App* command : {schedule, pause, resume, cancel, remove}) {
    command->add_option("campaign", flags->name, id_help)->required();
    command->add_option("--etag", flags->etag, "only if still at this version (else ABORTED)");
  }
  using Stub = crm::v1::CampaignService::Stub;
  schedule->callback([&context, flags] {
    Move<crm::v1::ScheduleCampaignRequest>(context, *flags, "schedule campaign", &Stub::ScheduleCampaign);
  });
  pause->callback([&context, flags] {
    Move<crm::v1::PauseCampaignRequest>(context, *flags, "pause campaign", &Stub::PauseCampaign);
  });
  resume->callback([&context, flags] {
    Move<crm::v1::ResumeCampaignRequest>(context, *flags, "resume campaign", &Stub::ResumeCampaign);
  });
  cancel->callback([&context, flags] {
    Move<crm::v1::CancelCampaignRequest>(context, *flags, "cancel campaign", &Stub::CancelCampaign);
  });
  remove->callback([&context, flags] { Delete(context, *flags); });

  CLI::App* runs = campaigns->add_subcommand("runs", "the runs (recipient batches) of a started campaign");
  runs->add_option("campaign", flags->name, id_help)->required();
  AddListFlags(*runs, flags->list, /*filterable=*/false);
  runs->callback([&context, flags] { Runs(context, *flags); });

  CLI::App* results = campaigns->add_subcommand("results", "delivery, response, lift and ROI, test vs control");
  results->add_option("campaign", flags->name, id_help)->required();
  results->callback([&context, flags] { Results(context, *flags); });
}

}  // namespace crm::crmctl
