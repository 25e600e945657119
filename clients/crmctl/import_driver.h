// The part of `crmctl import` that is the same for contacts and purchases: read the
// CSV records, map them, send batches on the client stream, and turn every failure
// (a malformed record, a bad value, a row the server rejected) into a report entry
// with the row's file line. What differs per kind (the mapping, the RPC) is an
// ImportSink.
#ifndef CRM_CLIENTS_CRMCTL_IMPORT_DRIVER_H_
#define CRM_CLIENTS_CRMCTL_IMPORT_DRIVER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/strings/string_view.h"
#include "clients/crmctl/csv_reader.h"
#include "clients/crmctl/import_layout.h"
#include "crm/v1/common.pb.h"

namespace crm::crmctl {

// What the server answered when the stream was closed.
struct ImportTotals {
  int64_t created = 0;   // contacts created
  int64_t updated = 0;   // contacts replaced (same external_id)
  int64_t imported = 0;  // purchases written
  int64_t skipped = 0;   // purchases already stored (same external_id)
  int64_t error_count = 0;                 // rows the server rejected
  std::vector<v1::ImportRowError> errors;  // the first of them, by stream index
};

// What became of one record handed to ImportSink::Add.
struct RowVerdict {
  enum class Kind {
    kAdded,     // in the pending batch
    kRejected,  // bad: `problem` says why; the import goes on
    kStop,      // the import cannot go on (`stop`, e.g. the server is unreachable)
  };
  Kind kind = Kind::kAdded;
  RowProblem problem;
  grpc::Status stop;

  static RowVerdict Added() { return RowVerdict(); }
  static RowVerdict Rejected(RowProblem problem) {
    RowVerdict verdict;
    verdict.kind = Kind::kRejected;
    verdict.problem = std::move(problem);
    return verdict;
  }
  static RowVerdict Stop(grpc::Status status) {
    RowVerdict verdict;
    verdict.kind = Kind::kStop;
    verdict.stop = std::move(status);
    return verdict;
  }
};

// One kind of import: maps records to rows and streams them to the server.
class ImportSink {
 public:
  virtual ~ImportSink() = default;
  // Maps a record's fields and adds the row to the pending batch.
  virtual RowVerdict Add(const std::vector<std::string>& fields) = 0;
  virtual int pending_rows() const = 0;
  // Drops the pending batch unsent.
  virtual void DiscardPending() = 0;
  // Sends the pending batch as one stream message (opening the stream on first use).
  // False when the stream is broken; Finish then says why.
  virtual bool SendPending(bool all_or_nothing) = 0;
  // Closes the stream and waits for the server's totals. OK with zero totals when
  // nothing was sent.
  virtual grpc::Status Finish(ImportTotals* totals) = 0;
  // The CSV column a server row error's field path refers to.
  virtual std::string ColumnForField(absl::string_view field_path) const = 0;
};

struct ImportOptions {
  int batch_size = 500;  // rows per stream message, 1..1000
  // One bad row fails its whole batch (the server's all_or_nothing; rows bad
  // before sending fail their batch here the same way).
  bool all_or_nothing = false;
  // Called after each record with the records read and the bytes consumed.
  std::function<void(int64_t rows, int64_t bytes)> on_progress;
  // Called once the file is read, before waiting for the server's answer (which
  // can take a while: the stream runs ahead of the server's writes).
  std::function<void(int64_t rows_sent)> on_closing;
};

// A row that was not imported, for the report.
struct ImportFailure {
  int64_t line = 0;  // 1-based file line where the row starts
  std::string column;
  std::string code;  // status code name: INVALID_ARGUMENT, NOT_FOUND, ABORTED, ...
  std::string message;
  int64_t offset = 0;  // the row's text in the file, copied into the report
  int64_t length = 0;
};

struct ImportResult {
  int64_t rows_read = 0;  // data records: not the header, not empty lines
  int64_t rows_sent = 0;
  ImportTotals totals;
  std::vector<ImportFailure> failures;  // ordered by line
  // Rows the server rejected beyond those it listed (it lists the first 1000).
  int64_t unlisted_failures = 0;
  // Not OK: the import stopped early; batches sent before stay committed.
  grpc::Status status;
  bool read_failed = false;  // the file could not be read to its end

  int64_t failed_rows() const {
    return static_cast<int64_t>(failures.size()) + unlisted_failures;
  }
};

// Reads the data records left in `reader` into `sink`. `header` (the header row's
// fields) names the column of a malformed record's bad field.
ImportResult RunImport(CsvReader& reader, ImportSink& sink, const std::vector<std::string>& header,
                       const ImportOptions& options);

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_IMPORT_DRIVER_H_
