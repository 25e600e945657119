// crmctl export contacts: ContactService.ExportContacts as CSV (the columns the
// contact import reads) or JSONL (one proto-JSON contact per line).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/crmctl/commands.h"
#include "clients/crmctl/csv_writer.h"
#include "clients/crmctl/export_contact_row.h"
#include "clients/crmctl/export_spool.h"
#include "clients/crmctl/output.h"
#include "clients/crmctl/progress_bar.h"

namespace crm::crmctl {
namespace {

struct ExportFlags {
  std::string filter;
  std::string format = "csv";
  std::string output_file;  // "" = stdout
};

// Where the export goes: stdout, or FILE written as FILE.partial and renamed at the
// end, so a failed export never leaves a truncated FILE behind.
class ExportOutput {
 public:
  explicit ExportOutput(CliContext& context) : context_(context) {}
  ~ExportOutput() {
    if (file_.is_open()) {
      file_.close();
      std::error_code ignored;
      std::filesystem::remove(partial_path_, ignored);
    }
  }

  bool Open(const std::string& path) {
    if (path.empty()) return true;
    path_ = path;
    partial_path_ = path + ".partial";
    file_.open(partial_path_, std::ios::binary | std::ios::trunc);
    if (!file_) {
      context_.Fail(kExitLocalFile, absl::StrCat("cannot write ", partial_path_, ": ",
                                                 std::strerror(errno)));
      return false;
    }
    return true;
  }

  std::ostream& stream() { return path_.empty() ? context_.out() : file_; }
  bool to_file() const { return !path_.empty(); }

  // Flushes and, for a file, renames it into place. Fail()s on an I/O error.
  bool Commit() {
    stream().flush();
    if (!to_file()) {
      if (!stream()) context_.Fail(kExitLocalFile, "writing the export to stdout failed");
      return static_cast<bool>(stream());
    }
    file_.close();
    std::error_code error;
    if (!file_) {
      context_.Fail(kExitLocalFile, absl::StrCat("writing ", partial_path_, " failed"));
    } else if (std::filesystem::rename(partial_path_, path_, error); error) {
      context_.Fail(kExitLocalFile, absl::StrCat("cannot rename ", partial_path_, " to ", path_,
                                                 ": ", error.message()));
    } else {
      return true;
    }
    std::filesystem::remove(partial_path_, error);
    return false;
  }

 private:
  CliContext& context_;
  std::string path_;
  std::string partial_path_;
  std::ofstream file_;
};

void RunExportContacts(CliContext& context, const ExportFlags& flags) {
  crm::Client* client = context.client();
  if (client == nullptr) return;
  ExportOutput output(context);
  if (!output.Open(flags.output_file)) return;
  const bool csv = flags.format == "csv";
  std::unique_ptr<ExportSpool> spool;
  if (csv) {
    absl::StatusOr<std::unique_ptr<ExportSpool>> created = ExportSpool::Create();
    if (!created.ok()) {
      context.Fail(kExitLocalFile, std::string(created.status().message()));
      return;
    }
    spool = *std::move(created);
  }
  // A counter on the terminal while a file fills (not while the rows go to stdout).
  std::unique_ptr<ProgressBar> progress;
  if (output.to_file() && context.stderr_is_terminal()) {
    progress = std::make_unique<ProgressBar>(context.err(), /*bytes_total=*/0);
  }

  v1::ExportContactsRequest request;
  request.set_filter(flags.filter);
  std::unique_ptr<grpc::ClientContext> call = context.NewStreamContext();
  std::unique_ptr<grpc::ClientReader<v1::Contact>> reader =
      client->contacts().ExportContacts(call.get(), request);
  const absl::Time start = absl::Now();
  std::set<std::string> attribute_keys;  // the CSV's attr.<key> columns, sorted
  v1::Contact contact;
  int64_t count = 0;
  absl::Status local = absl::OkStatus();
  while (reader->Read(&contact)) {
    ++count;
    if (csv) {
      for (const auto& [key, value] : contact.attributes()) attribute_keys.insert(key);
      local = spool->Append(contact);
    } else {
      output.stream() << ToJson(contact, /*compact=*/true) << "\n";
      if (!output.stream()) local = absl::DataLossError("writing the export failed");
    }
    if (!local.ok()) {
      call->TryCancel();
      break;
    }
    if (progress != nullptr) progress->Update(count, 0);
  }
  const grpc::Status status = reader->Finish();
  if (progress != nullptr) progress->Clear();
  if (!local.ok()) {
    context.Fail(kExitLocalFile, std::string(local.message()));
    return;
  }
  if (!status.ok()) {
    context.ReportRpcError(status, "export contacts");
    return;
  }

  if (csv) {
    const std::vector<std::string> keys(attribute_keys.begin(), attribute_keys.end());
    CsvWriter writer(output.stream());
    writer.WriteRecord(ContactCsvHeader(keys));
    local = spool->ReadBack(&contact, [&]() -> absl::Status {
      writer.WriteRecord(ContactCsvFields(contact, keys));
      if (!output.stream()) return absl::DataLossError("writing the export failed");
      return absl::OkStatus();
    });
    if (!local.ok()) {
      context.Fail(kExitLocalFile, std::string(local.message()));
      return;
    }
  }
  if (!output.Commit()) return;
  if (output.to_file() || context.stderr_is_terminal()) {
    const absl::Duration elapsed = absl::Now() - start;
    context.err() << "exported " << FormatCount(count) << " contact" << (count == 1 ? "" : "s")
                  << (output.to_file() ? " to " + flags.output_file : std::string()) << " ("
                  << flags.format << ") in " << DurationClockText(elapsed) << "\n";
  }
  context.set_exit_code(kExitOk);
}

}  // namespace

void RegisterExportCommands(CLI::App& app, CliContext& context) {
  CLI::App* export_command = app.add_subcommand("export", "export tenant data");
  export_command->require_subcommand(1);
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* contacts = export_command->add_subcommand(
      "contacts", "stream contacts (ContactService.ExportContacts) as CSV or JSON lines");
  contacts->add_option("--filter", flags->filter,
                       "AIP-160 filter, the fields of `contacts list` (default: every contact)");
  contacts->add_option("--format", flags->format,
                       "csv (the columns `import contacts` reads) or jsonl (one JSON contact "
                       "per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "jsonl"}));
  contacts->add_option("--output-file", flags->output_file, "write to FILE instead of stdout");
  contacts->footer(
      "The CSV re-imports with `crmctl import contacts FILE` (an upsert by external_id):\n"
      "contacts without an external_id are exported but cannot be imported back.");
  contacts->callback([&context, flags] { RunExportContacts(context, *flags); });
}

}  // namespace crm::crmctl
