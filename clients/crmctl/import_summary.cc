#include "clients/crmctl/import_summary.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/crmctl/progress_bar.h"

namespace crm::crmctl {
namespace {

std::string ElapsedText(absl::Duration elapsed) {
  if (elapsed < absl::Minutes(1)) return absl::StrFormat("%.1f s", absl::ToDoubleSeconds(elapsed));
  return DurationClockText(elapsed);
}

int64_t RowsPerSecond(int64_t rows, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<int64_t>(static_cast<double>(rows) / seconds) : 0;
}

}  // namespace

std::string FormatImportSummary(const ImportSummary& summary, const ImportResult& result) {
  const ImportTotals& totals = result.totals;
  std::string text = absl::StrCat(summary.file, ": ", FormatCount(result.rows_read), " rows read, ");
  if (summary.kind == ImportKind::kContacts) {
    absl::StrAppend(&text, FormatCount(totals.created + totals.updated), " imported (",
                    FormatCount(totals.created), " created, ", FormatCount(totals.updated),
                    " updated)");
  } else {
    absl::StrAppend(&text, FormatCount(totals.imported), " imported");
    if (totals.skipped > 0) {
      absl::StrAppend(&text, ", ", FormatCount(totals.skipped), " skipped (already imported)");
    }
  }
  absl::StrAppend(&text, ", ", FormatCount(result.failed_rows()), " failed; ",
                  ElapsedText(summary.elapsed), ", ",
                  FormatCount(RowsPerSecond(result.rows_read, summary.elapsed)), " rows/s\n");
  if (!summary.error_report.empty()) {
    absl::StrAppend(&text, "failed rows: ", summary.error_report, "\n");
  }
  if (result.unlisted_failures > 0) {
    absl::StrAppend(&text, "(the server lists the first 1000 rejected rows: ",
                    FormatCount(result.unlisted_failures), " more are not in the report)\n");
  }
  return text;
}

std::string ImportSummaryJson(const ImportSummary& summary, const ImportResult& result) {
  nlohmann::json json = {
      {"file", summary.file},
      {"rows_read", result.rows_read},
      {"failed", result.failed_rows()},
      {"error_report", summary.error_report.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(summary.error_report)},
      {"elapsed_seconds", absl::ToDoubleSeconds(summary.elapsed)},
      {"rows_per_second", RowsPerSecond(result.rows_read, summary.elapsed)},
  };
  if (summary.kind == ImportKind::kContacts) {
    json["created"] = result.totals.created;
    json["updated"] = result.totals.updated;
  } else {
    json["imported"] = result.totals.imported;
    json["skipped"] = result.totals.skipped;
  }
  if (result.unlisted_failures > 0) json["unlisted_failures"] = result.unlisted_failures;
  return json.dump(2);
}

}  // namespace crm::crmctl
