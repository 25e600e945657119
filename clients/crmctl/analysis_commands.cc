// crmctl analysis run|get|list|segments|pareto|fit|gaps|stores|customer: the value
// analysis (ValueAnalysisService) from the operator's terminal.
#include <google/protobuf/util/time_util.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/list_support.h"
#include "clients/crmctl/output.h"

namespace crm::crmctl {
namespace {

using google::protobuf::util::TimeUtil;

struct AnalysisFlags {
  std::string run;  // analysisRuns/{id}; empty = the current run
  std::string as_of;
  int window_days = 0;
  bool wait = false;
  double poll_seconds = 1;
  std::string period = "month";
  std::string period_time;
  int k = 4;
  std::string contact;
  ListFlags list;
};

std::string Percent(double share) { return absl::StrFormat("%.1f%%", share * 100); }

std::string RunName(const std::string& run) {
  return run.empty() ? "" : QualifiedName("analysisRuns", run);
}

// One line redrawn in place on a terminal: "[#####.....]  52%  scoring".
void DrawRunProgress(CliContext& context, const crm::v1::AnalysisRun& run, bool final) {
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(std::lround(std::clamp(run.progress(), 0.0, 1.0) * kWidth));
  context.err() << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
                << absl::StrFormat("%3d%%", static_cast<int>(run.progress() * 100)) << "  "
                << absl::StrFormat("%-24s", run.stage().substr(0, 24));
  if (final) context.err() << "\n";
  context.err().flush();
}

void WaitForRun(CliContext& context, crm::v1::AnalysisRun& run, double poll_seconds) {
  const bool terminal = context.stderr_is_terminal();
  std::string last_stage;
  while (run.state() == crm::v1::AnalysisRun::STATE_PENDING ||
         run.state() == crm::v1::AnalysisRun::STATE_RUNNING) {
    if (terminal) {
      DrawRunProgress(context, run, false);
    } else if (run.stage() != last_stage) {
      context.err() << "analysis " << run.name() << ": " << FieldText(run, "state") << " "
                    << run.stage() << "\n";
      last_stage = run.stage();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(poll_seconds * 1000)));
    crm::v1::GetAnalysisRunRequest request;
    request.set_name(run.name());
    auto call = context.NewCallContext();
    grpc::Status status = context.client()->value_analysis().GetAnalysisRun(call.get(), request, &run);
    if (!status.ok()) return context.ReportRpcError(status, "get analysis run");
  }
  if (terminal) DrawRunProgress(context, run, true);
}

void RunAnalysis(CliContext& context, const AnalysisFlags& flags) {
  crm::v1::RunAnalysisRequest request;
  if (!flags.as_of.empty() && !TimeUtil::FromString(flags.as_of, request.mutable_as_of())) {
    return context.Fail(kExitUsage, "--as-of: not an RFC 3339 time like 2026-06-30T00:00:00Z");
  }
  if (flags.window_days > 0) {
    *request.mutable_window() = TimeUtil::SecondsToDuration(int64_t{flags.window_days} * 86400);
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::AnalysisRun run;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().RunAnalysis(call.get(), request, &run);
  if (!status.ok()) return context.ReportRpcError(status, "start analysis");
  if (flags.wait) {
    WaitForRun(context, run, flags.poll_seconds);
    if (context.exit_code() != kExitOk) return;
  }
  PrintMessage(context, run);
  if (run.state() == crm::v1::AnalysisRun::STATE_FAILED) {
    context.Fail(kExitRejected, absl::StrCat("analysis failed: ", run.error_code(), ": ", run.error_message()));
  }
}

void GetRun(CliContext& context, const AnalysisFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetAnalysisRunRequest request;
  request.set_name(QualifiedName("analysisRuns", flags.run));
  crm::v1::AnalysisRun run;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().GetAnalysisRun(call.get(), request, &run);
  if (!status.ok()) return context.ReportRpcError(status, "get analysis run");
  if (flags.wait) WaitForRun(context, run, flags.poll_seconds);
  if (context.exit_code() == kExitOk) PrintMessage(context, run);
}

void ListRuns(CliContext& context, const AnalysisFlags& flags) {
  crm::v1::ListAnalysisRunsResponse response;
  ListPages(context, flags.list, response, "analysis_runs",
            {"name", "state", "current", "as_of", "progress", "stage", "create_time"}, "list analysis runs",
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              crm::v1::ListAnalysisRunsRequest request;
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              return context.client()->value_analysis().ListAnalysisRuns(
                  &call, request, static_cast<crm::v1::ListAnalysisRunsResponse*>(&page));
            });
}

// "RFM_SEGMENT_IMPORTANT_VALUE" → "IMPORTANT_VALUE"; the unspecified group holds the
// customers the dimension does not cover (no purchase in the window).
std::string GroupLabel(const std::string& group, const std::string& prefix) {
  if (group == prefix + "UNSPECIFIED") return "(none: no purchase in window)";
  return group.rfind(prefix, 0) == 0 ? group.substr(prefix.size()) : group;
}

void PrintSegmentTable(CliContext& context, const std::string& title, const std::string& prefix,
                       const google::protobuf::RepeatedPtrField<crm::v1::SegmentFigures>& groups) {
  if (groups.empty()) return;
  context.out() << title << "\n";
  Table table({"GROUP", "CUSTOMERS", "CUSTOMER_SHARE", "REVENUE", "REVENUE_SHARE", "MARGIN", "MARGIN_SHARE"});
  for (const crm::v1::SegmentFigures& group : groups) {
    table.AddRow({GroupLabel(group.group(), prefix), FieldText(group, "customers"), Percent(group.customer_share()),
                  FieldText(group, "revenue"), Percent(group.revenue_share()), FieldText(group, "margin"),
                  Percent(group.margin_share())});
  }
  table.Print(context.out());
  context.out() << "\n";
}

void Segments(CliContext& context, const AnalysisFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetSegmentSummaryRequest request;
  request.set_run(RunName(flags.run));
  crm::v1::SegmentSummary summary;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().GetSegmentSummary(call.get(), request, &summary);
  if (!status.ok()) return context.ReportRpcError(status, "get segment summary");
  if (context.json()) return PrintMessage(context, summary);
  context.out() << "run " << summary.run() << ": average recency "
                << absl::StrFormat("%.1f", summary.average_recency_days()) << " days, frequency "
                << absl::StrFormat("%.2f", summary.average_frequency()) << ", monetary "
                << FieldText(summary, "average_monetary") << "\n\n";
  PrintSegmentTable(context, "RFM segments", "RFM_SEGMENT_", summary.rfm_segments());
  PrintSegmentTable(context, "Value tiers (EV = CB + AV x P)", "VALUE_TIER_", summary.value_tiers());
  PrintSegmentTable(context, "ABC classes", "ABC_CLASS_", summary.abc_classes());
  PrintSegmentTable(context, "Lifecycle stages", "LIFECYCLE_STAGE_", summary.lifecycle_stages());
}

void Pareto(CliContext& context, const AnalysisFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetParetoCurveRequest request;
  request.set_run(RunName(flags.run));
  crm::v1::ParetoCurve curve;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().GetParetoCurve(call.get(), request, &curve);
  if (!status.ok()) return context.ReportRpcError(status, "get Pareto curve");
  if (context.json()) return PrintMessage(context, curve);
  context.out() << "run " << curve.run() << ": class A = top " << Percent(curve.abc_a_share())
                << " of customers, A+B = top " << Percent(curve.abc_b_share()) << "\n";
  Table table({"CUSTOMER_SHARE", "CONTRIBUTION_SHARE"});
  for (const crm::v1::ParetoPoint& point : curve.points()) {
    table.AddRow({Percent(point.customer_share()), Percent(point.contribution_share())});
  }
  table.Print(context.out());
}

void Fit(CliContext& context, const AnalysisFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetModelFitRequest request;
  request.set_run(RunName(flags.run));
  crm::v1::ModelFit fit;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().GetModelFit(call.get(), request, &fit);
  if (!status.ok()) return context.ReportRpcError(status, "get model fit");
  if (context.json()) return PrintMessage(context, fit);
  Table table({"MODEL", "PARAMETERS", "LOG_LIKELIHOOD", "ITERATIONS", "CONVERGED", "NOTE"}, 80);
  if (fit.bgnbd_error().empty()) {
    table.AddRow({"BG/NBD",
                  absl::StrFormat("r=%.4g alpha=%.4g a=%.4g b=%.4g", fit.bgnbd().r(), fit.bgnbd().alpha(),
                                  fit.bgnbd().a(), fit.bgnbd().b()),
                  absl::StrFormat("%.2f", fit.bgnbd_fit().log_likelihood()),
                  FieldText(fit, "bgnbd_fit.iterations"), FieldText(fit, "bgnbd_fit.converged"),
                  fit.bgnbd_fit().optimizer_result()});
  } else {
    table.AddRow({"BG/NBD", "", "", "", "false", fit.bgnbd_error()});
  }
  if (fit.gamma_gamma_error().empty()) {
    table.AddRow({"Gamma-Gamma",
                  absl::StrFormat("p=%.4g q=%.4g gamma=%.4g", fit.gamma_gamma().p(), fit.gamma_gamma().q(),
                                  fit.gamma_gamma().gamma()),
                  absl::StrFormat("%.2f", fit.gamma_gamma_fit().log_likelihood()),
                  FieldText(fit, "gamma_gamma_fit.iterations"), FieldText(fit, "gamma_gamma_fit.converged"),
                  fit.gamma_gamma_fit().optimizer_result()});
  } else {
    table.AddRow({"Gamma-Gamma", "", "", "", "false", fit.gamma_gamma_error()});
  }
  context.out() << "run " << fit.run() << "\n";
  table.Print(context.out());
}

void AddGapRows(Table& table, const std::string& scope, const crm::v1::GapComparison& gap) {
  auto row = [&](const std::string& label, const crm::v1::GapFigures& figures) {
    table.AddRow({scope, label, FieldText(figures, "active_customers"), FieldText(figures, "new_customers"),
                  FieldText(figures, "old_customers"), FieldText(figures, "transactions"),
                  FieldText(figures, "sales"), absl::StrFormat("%.2f", figures.purchases_per_customer()),
                  FieldText(figures, "average_order_value"), Percent(figures.new_repeat_rate()),
                  Percent(figures.old_repeat_rate())});
  };
  row("current", gap.current());
  row("previous", gap.previous());
}

void Gaps(CliContext& context, const AnalysisFlags& flags) {
  crm::v1::ComputeGapAnalysisRequest request;
  const std::string period = absl::AsciiStrToLower(flags.period);
  if (period == "month") {
    request.set_period(crm::v1::PERIOD_KIND_MONTH);
  } else if (period == "quarter") {
    request.set_period(crm::v1::PERIOD_KIND_QUARTER);
  } else if (period == "year") {
    request.set_period(crm::v1::PERIOD_KIND_YEAR);
  } else {
    return context.Fail(kExitUsage, "--period: month, quarter or year");
  }
  if (!flags.period_time.empty() && !TimeUtil::FromString(flags.period_time, request.mutable_period_time())) {
    return context.Fail(kExitUsage, "--at: not an RFC 3339 time like 2026-06-15T00:00:00Z");
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GapAnalysis gaps;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().ComputeGapAnalysis(call.get(), request, &gaps);
  if (!status.ok()) return context.ReportRpcError(status, "compute gap analysis");
  if (context.json()) return PrintMessage(context, gaps);
  context.out() << "period " << FieldText(gaps, "period_start") << " .. " << FieldText(gaps, "period_end")
                << " against the one from " << FieldText(gaps, "previous_start") << "\n";
  Table rates({"SCOPE", "RECRUITMENT_RATE", "OLD_RETENTION_RATE", "NEW_RETENTION_RATE"});
  Table figures({"SCOPE", "PERIOD", "ACTIVE", "NEW", "OLD", "TRANSACTIONS", "SALES", "PURCHASES/CUSTOMER",
                 "AOV", "NEW_REPEAT", "OLD_REPEAT"});
  auto add = [&](const std::string& scope, const crm::v1::GapComparison& gap) {
    rates.AddRow({scope, Percent(gap.recruitment_rate()), Percent(gap.old_retention_rate()),
                  Percent(gap.new_retention_rate())});
    AddGapRows(figures, scope, gap);
  };
  add("all stores", gaps.overall());
  for (const crm::v1::GapComparison& store : gaps.stores()) add(store.store_id(), store);
  figures.Print(context.out());
  context.out() << "\nrecruitment (new now / active before) and retention (of those before, active now)\n";
  rates.Print(context.out());
}

void Stores(CliContext& context, const AnalysisFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::ClusterStoresRequest request;
  request.set_k(flags.k);
  crm::v1::StoreClustering clustering;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().ClusterStores(call.get(), request, &clustering);
  if (!status.ok()) return context.ReportRpcError(status, "cluster stores");
  if (context.json()) return PrintMessage(context, clustering);
  std::vector<std::string> headers = {"STORE", "CLUSTER"};
  for (int feature : clustering.features()) {
    std::string name = crm::v1::StoreFeature_Name(static_cast<crm::v1::StoreFeature>(feature));
    headers.push_back(name.substr(std::string("STORE_FEATURE_").size()));
  }
  Table stores(headers);
  for (const crm::v1::StoreCluster& store : clustering.stores()) {
    std::vector<std::string> row = {store.store_id(), absl::StrCat(store.cluster())};
    for (double value : store.values()) row.push_back(HumanNumber(value));
    stores.AddRow(std::move(row));
  }
  stores.Print(context.out());
  context.out() << "\ncentroids\n";
  headers[0] = "CLUSTER";
  headers[1] = "STORES";
  Table centroids(headers);
  for (const crm::v1::ClusterCentroid& centroid : clustering.centroids()) {
    std::vector<std::string> row = {absl::StrCat(centroid.cluster()), absl::StrCat(centroid.stores())};
    for (double value : centroid.values()) row.push_back(HumanNumber(value));
    centroids.AddRow(std::move(row));
  }
  std::vector<std::string> separation = {"separation", ""};
  for (double value : clustering.separation()) separation.push_back(absl::StrFormat("%.2f", value));
  centroids.AddRow(std::move(separation));
  centroids.Print(context.out());
}

void Customer(CliContext& context, const AnalysisFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  crm::v1::GetCustomerValueRequest request;
  request.set_contact(QualifiedName("contacts", flags.contact));
  request.set_run(RunName(flags.run));
  crm::v1::CustomerValue value;
  auto call = context.NewCallContext();
  grpc::Status status = client->value_analysis().GetCustomerValue(call.get(), request, &value);
  if (!status.ok()) return context.ReportRpcError(status, "get customer value");
  PrintMessage(context, value);
}

void CustomerList(CliContext& context, const AnalysisFlags& flags) {
  crm::v1::ListCustomerValuesResponse response;
  ListPages(context, flags.list, response, "customer_values",
            {"contact", "rfm_segment", "value_tier", "abc_class", "lifecycle_stage", "p_alive", "clv",
             "expected_value"},
            "list customer values",
            [&](grpc::ClientContext& call, const std::string& token, google::protobuf::Message& page) {
              crm::v1::ListCustomerValuesRequest request;
              request.set_run(RunName(flags.run));
              request.set_page_size(flags.list.page_size);
              request.set_page_token(token);
              request.set_filter(flags.list.filter);
              request.set_order_by(flags.list.order_by);
              return context.client()->value_analysis().ListCustomerValues(
                  &call, request, static_cast<crm::v1::ListCustomerValuesResponse*>(&page));
            });
}

void AddRunFlag(CLI::App& command, AnalysisFlags& flags) {
  command.add_option("--run", flags.run, "analysisRuns/{id} (default: the current run)");
}

}  // namespace

void RegisterAnalysisCommands(CLI::App& app, CliContext& context) {
  CLI::App* analysis = app.add_subcommand("analysis", "customer value analysis: runs and their results");
  analysis->require_subcommand(1);
  auto flags = std::make_shared<AnalysisFlags>();

  CLI::App* run = analysis->add_subcommand("run", "start a value-analysis run");
  run->add_option("--as-of", flags->as_of, "analysis date, RFC 3339 (default now)");
  run->add_option("--window-days", flags->window_days, "RFM/ABC observation window (default 365)")
      ->check(CLI::Range(1, 7300));
  run->add_flag("--wait", flags->wait, "wait for the run to finish, with a progress bar");
  run->add_option("--poll-seconds", flags->poll_seconds, "how often --wait asks")->check(CLI::Range(0.05, 60.0));
  run->callback([&context, flags] { RunAnalysis(context, *flags); });

  CLI::App* get = analysis->add_subcommand("get", "show a run");
  get->add_option("run", flags->run, "analysisRuns/{id} or {id}")->required();
  get->add_flag("--wait", flags->wait, "wait for the run to finish");
  get->callback([&context, flags] { GetRun(context, *flags); });

  CLI::App* list = analysis->add_subcommand("list", "list runs, newest first");
  AddListFlags(*list, flags->list, /*filterable=*/false);
  list->callback([&context, flags] { ListRuns(context, *flags); });

  CLI::App* segments = analysis->add_subcommand("segments", "RFM segments, value tiers, ABC classes, lifecycle");
  AddRunFlag(*segments, *flags);
  segments->callback([&context, flags] { Segments(context, *flags); });

  CLI::App* pareto = analysis->add_subcommand("pareto", "the Pareto (ABC) curve");
  AddRunFlag(*pareto, *flags);
  pareto->callback([&context, flags] { Pareto(context, *flags); });

  CLI::App* fit = analysis->add_subcommand("fit", "BG/NBD and Gamma-Gamma model fits");
  AddRunFlag(*fit, *flags);
  fit->callback([&context, flags] { Fit(context, *flags); });

  CLI::App* gaps = analysis->add_subcommand("gaps", "period-over-period gap analysis, overall and per store");
  gaps->add_option("--period", flags->period, "month, quarter or year")->capture_default_str();
  gaps->add_option("--at", flags->period_time, "any time inside the period (default now), RFC 3339");
  gaps->callback([&context, flags] { Gaps(context, *flags); });

  CLI::App* stores = analysis->add_subcommand("stores", "k-means clusters of the stores");
  stores->add_option("-k,--clusters", flags->k, "number of clusters")->capture_default_str()->check(CLI::Range(1, 100));
  stores->callback([&context, flags] { Stores(context, *flags); });

  CLI::App* customer = analysis->add_subcommand("customer", "one customer's value (RFM, tier, P(alive), CLV)");
  customer->add_option("contact", flags->contact, "contacts/{id} or {id}")->required();
  AddRunFlag(*customer, *flags);
  customer->callback([&context, flags] { Customer(context, *flags); });

  CLI::App* customers = analysis->add_subcommand("customers", "list customer values");
  AddRunFlag(*customers, *flags);
  AddListFlags(*customers, flags->list, /*filterable=*/true);
  customers->callback([&context, flags] { CustomerList(context, *flags); });
}

}  // namespace crm::crmctl
