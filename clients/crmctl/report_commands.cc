// crmctl report --html FILE: one self-contained HTML page about the key's tenant
// (report_fetch.h reads the data, report_html.h draws it).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/report_fetch.h"
#include "clients/crmctl/report_html.h"
#include "clients/crmctl/report_period.h"

namespace crm::crmctl {
namespace {

struct ReportFlags {
  std::string html_file;
  ReportOptions options;
};

struct SectionStatus {
  const char* id;
  bool shown;
  std::string note;
};

std::vector<SectionStatus> SectionsOf(const ReportData& data) {
  return {{"rfm", data.segments.available(), data.segments.note},
          {"pareto", data.pareto.available(), data.pareto.note},
          {"clv", data.clv.available(), data.clv.note},
          {"lifecycle", data.segments.available(), data.segments.note},
          {"gaps", data.gaps.available(), data.gaps.note},
          {"clusters", data.clusters.available(), data.clusters.note},
          {"campaigns", data.campaigns.available(), data.campaigns.note}};
}

// Writes next to the target and renames, so a failed write never leaves half a page
// where the last good report was.
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* error) {
  const std::string temporary = absl::StrCat(path, ".tmp-", getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(content.data(), static_cast<std::streamsize>(content.size())) || !out.flush()) {
      *error = std::strerror(errno);
      std::remove(temporary.c_str());
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    *error = std::strerror(errno);
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

void PrintSummary(CliContext& context, const ReportFlags& flags, const ReportData& data, size_t bytes) {
  const std::vector<SectionStatus> sections = SectionsOf(data);
  if (context.json()) {
    nlohmann::json summary = {{"file", flags.html_file}, {"bytes", bytes}, {"sections", nlohmann::json::array()}};
    if (data.run) summary["analysis_run"] = data.run->name();
    for (const SectionStatus& section : sections) {
      nlohmann::json entry = {{"id", section.id}, {"shown", section.shown}};
      if (!section.shown) entry["note"] = section.note;
      summary["sections"].push_back(entry);
    }
    if (data.clv.available()) summary["clv_capped"] = data.clv.data->capped;
    context.out() << summary.dump(2) << "\n";
    return;
  }
  context.out() << "wrote " << flags.html_file << " (" << bytes << " bytes)\n";
  for (const SectionStatus& section : sections) {
    context.out() << "  " << section.id << ": " << (section.shown ? "shown" : "note: " + section.note) << "\n";
  }
}

void RunReport(CliContext& context, const ReportFlags& flags) {
  // A malformed or future --period is a usage error, found before anything is sent.
  // The tenant's zone is not known yet: checking 14 hours ahead of UTC (the furthest
  // any zone is) refuses no period that has begun somewhere; the fetch reads the flag
  // again in the tenant's zone.
  if (absl::StatusOr<GapPeriod> period =
          ParseGapPeriod(flags.options.period, absl::Now() + absl::Hours(14), absl::UTCTimeZone());
      !period.ok()) {
    context.Fail(kExitUsage, std::string(period.status().message()));
    return;
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  const FetchResult result =
      FetchReportData(*client, flags.options, [&context] { return context.NewCallContext(); });
  if (result.failure) {
    context.ReportRpcError(result.failure->status, result.failure->what);
    return;
  }
  const std::string page = RenderReportHtml(result.data);
  if (flags.html_file == "-") {
    context.out() << page;
    return;
  }
  std::string error;
  if (!WriteFileAtomically(flags.html_file, page, &error)) {
    context.Fail(kExitLocalFile, absl::StrCat("cannot write ", flags.html_file, ": ", error));
    return;
  }
  PrintSummary(context, flags, result.data, page.size());
}

}  // namespace

void RegisterReportCommands(CLI::App& app, CliContext& context) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* report = app.add_subcommand(
      "report",
      "write one self-contained HTML page about the key's tenant: RFM segments, Pareto curve, CLV "
      "distribution, lifecycle stages, gap analysis, store clusters and campaign results");
  report->add_option("--html", flags->html_file, "the HTML file to write (- for stdout)")->required();
  report->add_option("--tenant", flags->options.tenant,
                     "the key's tenant (tenants/ID or ID), to show its name, currency and time zone "
                     "(needs a TENANT_ADMIN key)");
  report->add_option("--period", flags->options.period,
                     "gap analysis period: month, quarter or year (the last full one, compared with the one "
                     "before), or YYYY-MM, YYYY-Qn, YYYY")
      ->capture_default_str();
  report->add_option("--clusters", flags->options.clusters,
                     "k of the store clustering (fewer when there are fewer stores)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  report->add_option("--max-customers", flags->options.max_customers,
                     "at most this many customer values are read for the CLV histogram (the page says when "
                     "it was capped)")
      ->capture_default_str()
      ->check(CLI::Range(1, kMaxMaxCustomers));
  report->callback([&context, flags] { RunReport(context, *flags); });
}

}  // namespace crm::crmctl
