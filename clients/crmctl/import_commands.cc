// crmctl import contacts|purchases FILE.csv: the file streamed through the
// ImportContacts / ImportPurchases client stream, bad rows into an error report.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/csv_reader.h"
#include "clients/crmctl/import_contact_resolver.h"
#include "clients/crmctl/import_contact_row.h"
#include "clients/crmctl/import_contact_sink.h"
#include "clients/crmctl/import_driver.h"
#include "clients/crmctl/import_purchase_row.h"
#include "clients/crmctl/import_purchase_sink.h"
#include "clients/crmctl/import_report.h"
#include "clients/crmctl/import_summary.h"
#include "clients/crmctl/progress_bar.h"

namespace crm::crmctl {
namespace {

// Bad rows echoed on stderr before the summary; the report has them all.
constexpr size_t kFailuresShown = 5;

struct ImportFlags {
  std::string file;
  std::string errors_file;  // default: FILE.errors.csv
  int batch_size = 500;
  bool all_or_nothing = false;
};

const char* NounOf(ImportKind kind) {
  return kind == ImportKind::kContacts ? "contacts" : "purchases";
}

// Opens FILE for reading; Fail()s with kExitLocalFile when it cannot.
bool OpenInput(CliContext& context, const std::string& path, std::ifstream* input) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    context.Fail(kExitLocalFile, absl::StrCat("cannot read ", path, ": it is a directory"));
    return false;
  }
  input->open(path, std::ios::binary);
  if (!*input) {
    context.Fail(kExitLocalFile, absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    return false;
  }
  return true;
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code error;
  return std::filesystem::equivalent(a, b, error) && !error;
}

void ShowFailures(CliContext& context, const ImportResult& result) {
  for (size_t i = 0; i < result.failures.size() && i < kFailuresShown; ++i) {
    const ImportFailure& failure = result.failures[i];
    context.err() << "line " << failure.line;
    if (!failure.column.empty()) context.err() << ", " << failure.column;
    context.err() << ": " << failure.code << ": " << failure.message << "\n";
  }
  if (result.failed_rows() > static_cast<int64_t>(kFailuresShown)) {
    context.err() << "... and " << FormatCount(result.failed_rows() - static_cast<int64_t>(kFailuresShown))
                  << " more failed rows\n";
  }
}

void RunImportCommand(CliContext& context, const ImportFlags& flags, ImportKind kind) {
  const std::string what = absl::StrCat("import ", NounOf(kind));
  std::ifstream input;
  if (!OpenInput(context, flags.file, &input)) return;
  std::error_code size_error;
  const auto file_size = std::filesystem::file_size(flags.file, size_error);

  // The header decides the columns; nothing is sent before it is known to be right.
  CsvReader reader(input);
  CsvRecord header;
  if (!reader.Next(&header)) {
    if (reader.read_failed()) {
      context.Fail(kExitLocalFile, absl::StrCat("reading ", flags.file, " failed"));
    } else {
      context.Fail(kExitUsage, absl::StrCat(flags.file, " is empty: its first row must name the "
                                            "columns"));
    }
    return;
  }
  if (header.error.has_value()) {
    context.Fail(kExitUsage, absl::StrCat(flags.file, " line ", header.error->line,
                                          ": the header row is not valid CSV: ",
                                          header.error->message));
    return;
  }
  std::optional<ContactRowMapper> contact_mapper;
  std::optional<PurchaseRowMapper> purchase_mapper;
  absl::Status layout = absl::OkStatus();
  if (kind == ImportKind::kContacts) {
    absl::StatusOr<ContactRowMapper> mapper = ContactRowMapper::FromHeader(header.fields);
    if (mapper.ok()) contact_mapper.emplace(*std::move(mapper));
    layout = mapper.status();
  } else {
    absl::StatusOr<PurchaseRowMapper> mapper = PurchaseRowMapper::FromHeader(header.fields);
    if (mapper.ok()) purchase_mapper.emplace(*std::move(mapper));
    layout = mapper.status();
  }
  if (!layout.ok()) {
    context.Fail(kExitUsage, absl::StrCat(flags.file, ": ", layout.message()));
    return;
  }

  const std::string report_path =
      flags.errors_file.empty() ? flags.file + ".errors.csv" : flags.errors_file;
  if (SameFile(report_path, flags.file)) {
    context.Fail(kExitUsage, absl::StrCat("--errors ", report_path, " is the file being imported"));
    return;
  }
  crm::Client* client = context.client();
  if (client == nullptr) return;
  // Opened (and emptied) now so that an unwritable path fails before anything is
  // sent; removed again when no row fails, so a report on disk is this run's.
  std::ofstream report(report_path, std::ios::binary | std::ios::trunc);
  if (!report) {
    context.Fail(kExitLocalFile, absl::StrCat("cannot write the error report ", report_path, ": ",
                                              std::strerror(errno)));
    return;
  }

  std::unique_ptr<ImportSink> sink;
  std::unique_ptr<LookupContactResolver> resolver;
  if (kind == ImportKind::kContacts) {
    sink = std::make_unique<ContactImportSink>(*std::move(contact_mapper), client->contacts(),
                                               context.NewStreamContext());
  } else {
    resolver = std::make_unique<LookupContactResolver>(
        client->contacts(), [&context] { return context.NewCallContext(); });
    sink = std::make_unique<PurchaseImportSink>(*std::move(purchase_mapper), *resolver,
                                                client->purchases(), context.NewStreamContext());
  }

  ImportOptions options;
  options.batch_size = flags.batch_size;
  options.all_or_nothing = flags.all_or_nothing;
  std::unique_ptr<ProgressBar> progress;
  if (context.stderr_is_terminal()) {
    progress = std::make_unique<ProgressBar>(context.err(),
                                             size_error ? 0 : static_cast<int64_t>(file_size));
    options.on_progress = [&progress](int64_t rows, int64_t bytes) { progress->Update(rows, bytes); };
    options.on_closing = [&progress](int64_t rows_sent) { progress->ShowWaiting(rows_sent); };
  }
  const absl::Time start = absl::Now();
  const ImportResult result = RunImport(reader, *sink, header.fields, options);
  const absl::Duration elapsed = absl::Now() - start;
  if (progress != nullptr) progress->Clear();

  ImportSummary summary{kind, flags.file, "", elapsed};
  if (!result.failures.empty()) {
    std::ifstream source(flags.file, std::ios::binary);
    if (absl::Status written = WriteImportReport(result.failures, source, report); !written.ok()) {
      context.Fail(kExitLocalFile,
                   absl::StrCat("cannot write the error report ", report_path, ": ",
                                written.message()));
      return;
    }
    summary.error_report = report_path;
  } else {
    report.close();
    std::error_code ignored;
    std::filesystem::remove(report_path, ignored);
  }

  ShowFailures(context, result);
  if (context.json()) {
    context.out() << ImportSummaryJson(summary, result) << "\n";
  } else {
    context.out() << FormatImportSummary(summary, result);
  }

  if (!result.status.ok()) {
    context.ReportRpcError(result.status, what);
    context.err() << "  note: batches the server committed before the failure stay; importing "
                     "the file again is safe ("
                  << (kind == ImportKind::kContacts ? "contacts are upserted by external_id"
                                                    : "purchases with a known external_id are skipped")
                  << ")\n";
    return;
  }
  if (result.read_failed) {
    context.Fail(kExitLocalFile,
                 absl::StrCat("reading ", flags.file, " failed before its end: rows after ",
                              FormatCount(result.rows_read), " were not imported"));
    return;
  }
  context.set_exit_code(result.failed_rows() > 0 ? kExitPartialFailure : kExitOk);
}

void AddImportCommand(CLI::App* parent, CliContext& context, ImportKind kind,
                      const std::string& description, const std::string& columns) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* command = parent->add_subcommand(NounOf(kind), description);
  command->add_option("FILE", flags->file, "CSV file with a header row naming the columns")
      ->required();
  command->add_option("--errors", flags->errors_file,
                      "where to write the rows that failed (default FILE.errors.csv)");
  command->add_option("--batch-size", flags->batch_size, "rows per stream message")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  command->add_flag("--all-or-nothing", flags->all_or_nothing,
                    "one bad row fails its whole batch (earlier batches stay imported)");
  command->footer(columns);
  command->callback([&context, flags, kind] { RunImportCommand(context, *flags, kind); });
}

}  // namespace

void RegisterImportCommands(CLI::App& app, CliContext& context) {
  CLI::App* import = app.add_subcommand("import", "import contacts or purchases from a CSV file");
  import->require_subcommand(1);
  AddImportCommand(
      import, context, ImportKind::kContacts,
      "upsert contacts by external_id from a CSV file (ContactService.ImportContacts)",
      "Columns (header row, any order; only external_id is required):\n"
      "  external_id given_name family_name display_name emails phones birthday gender\n"
      "  region city address account owner store_id source tags\n"
      "  consent_email consent_sms consent_phone consent_direct_mail (+ _time each)\n"
      "  attr.<key> (one column per custom attribute)\n"
      "emails, phones and tags hold several values separated by ';'. An existing contact\n"
      "is replaced as a whole: empty cells and absent columns clear its fields.\n"
      "Exit codes: 0 all rows imported, 7 some rows failed (see --errors), 2 bad header,\n"
      "8 file not readable.");
  AddImportCommand(
      import, context, ImportKind::kPurchases,
      "import purchases from a CSV file (PurchaseService.ImportPurchases)",
      "Columns (header row, any order):\n"
      "  contact (contacts/...) or contact_external_id, purchase_time (RFC 3339), amount\n"
      "  (required), external_id (receipt number; makes a re-import safe), gross_margin,\n"
      "  quantity, category, product, channel (STORE ONLINE PHONE OTHER), store_id,\n"
      "  type (PURCHASE REFUND), currency\n"
      "Amounts are decimal text (1234.50), at most 6 decimals.\n"
      "Exit codes: 0 all rows imported, 7 some rows failed (see --errors), 2 bad header,\n"
      "8 file not readable.");
}

}  // namespace crm::crmctl
