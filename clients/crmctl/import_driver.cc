#include "clients/crmctl/import_driver.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/crmctl/cli_context.h"

namespace crm::crmctl {
namespace {

constexpr char kAborted[] = "ABORTED";

struct RowOrigin {
  int64_t line = 0;
  int64_t offset = 0;
  int64_t length = 0;
};

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string LinesText(int64_t first, int64_t last) {
  return first == last ? absl::StrCat("line ", first) : absl::StrCat("lines ", first, "-", last);
}

class Importer {
 public:
  Importer(CsvReader& reader, ImportSink& sink, const std::vector<std::string>& header,
           const ImportOptions& options)
      : reader_(reader), sink_(sink), header_(header), options_(options) {}

  ImportResult Run() {
    CsvRecord record;
    bool stream_usable = true;
    while (reader_.Next(&record)) {
      ++result_.rows_read;
      const RowOrigin origin{record.line, record.offset, static_cast<int64_t>(record.raw.size())};
      if (records_in_batch_ == 0) batch_first_line_ = record.line;
      batch_last_line_ = record.line;
      ++records_in_batch_;
      if (record.error.has_value()) {
        FailRow(origin, ColumnOfField(record.error->field),
                CodeName(static_cast<int>(absl::StatusCode::kInvalidArgument)),
                SyntaxMessage(record));
      } else {
        RowVerdict verdict = sink_.Add(record.fields);
        if (verdict.kind == RowVerdict::Kind::kStop) {
          result_.status = std::move(verdict.stop);
          stream_usable = false;
          break;
        }
        if (verdict.kind == RowVerdict::Kind::kRejected) {
          FailRow(origin, std::move(verdict.problem.column),
                  CodeName(static_cast<int>(verdict.problem.code)),
                  std::move(verdict.problem.message));
        } else {
          pending_.push_back(origin);
        }
      }
      if (options_.on_progress) options_.on_progress(result_.rows_read, reader_.offset());
      const bool batch_full = options_.all_or_nothing
                                  ? records_in_batch_ >= options_.batch_size
                                  : sink_.pending_rows() >= options_.batch_size;
      if (batch_full && !Flush()) {
        stream_usable = false;
        break;
      }
    }
    if (stream_usable) Flush();  // a broken stream shows in Finish's status
    result_.read_failed = reader_.read_failed();
    if (options_.on_closing) options_.on_closing(result_.rows_sent);
    const grpc::Status finished = sink_.Finish(&result_.totals);
    if (result_.status.ok()) result_.status = finished;
    AddServerFailures();
    std::stable_sort(result_.failures.begin(), result_.failures.end(),
                     [](const ImportFailure& a, const ImportFailure& b) { return a.line < b.line; });
    return std::move(result_);
  }

 private:
  std::string ColumnOfField(int field_number) const {
    if (field_number >= 1 && static_cast<size_t>(field_number) <= header_.size()) {
      return header_[field_number - 1];
    }
    return absl::StrCat(field_number);
  }

  static std::string SyntaxMessage(const CsvRecord& record) {
    if (record.error->line == record.line) return record.error->message;
    return absl::StrCat("at line ", record.error->line, ": ", record.error->message);
  }

  void AddFailure(const RowOrigin& origin, std::string column, std::string code,
                  std::string message) {
    result_.failures.push_back(ImportFailure{origin.line, std::move(column), std::move(code),
                                             std::move(message), origin.offset, origin.length});
  }

  // A row of the batch being filled failed.
  void FailRow(const RowOrigin& origin, std::string column, std::string code,
               std::string message) {
    if (batch_failed_line_ == 0) batch_failed_line_ = origin.line;
    AddFailure(origin, std::move(column), std::move(code), std::move(message));
  }

  // Sends (or, all-or-nothing with a bad row, drops) the batch being filled.
  bool Flush() {
    bool sent = true;
    if (options_.all_or_nothing && batch_failed_line_ != 0) {
      for (const RowOrigin& origin : pending_) {
        AddFailure(origin, "", kAborted,
                   absl::StrCat("not sent: --all-or-nothing and line ", batch_failed_line_,
                                " of the same batch (", LinesText(batch_first_line_, batch_last_line_),
                                ") failed"));
      }
      sink_.DiscardPending();
    } else if (!pending_.empty()) {
      batch_starts_.push_back(static_cast<int64_t>(sent_.size()));
      sent_.insert(sent_.end(), pending_.begin(), pending_.end());
      result_.rows_sent += static_cast<int64_t>(pending_.size());
      sent = sink_.SendPending(options_.all_or_nothing);
    }
    pending_.clear();
    records_in_batch_ = 0;
    batch_failed_line_ = 0;
    return sent;
  }

  // The server's row errors, by stream index → file line. With all-or-nothing, the
  // other rows of a batch with a rejected row were not written either.
  void AddServerFailures() {
    const ImportTotals& totals = result_.totals;
    absl::flat_hash_set<int64_t> rejected;
    absl::flat_hash_map<size_t, int64_t> failed_batches;  // batch → first rejected line
    int64_t listed = 0;
    for (const v1::ImportRowError& error : totals.errors) {
      if (error.index() < 0 || error.index() >= static_cast<int64_t>(sent_.size())) continue;
      ++listed;
      const RowOrigin& origin = sent_[error.index()];
      const std::string field = FieldNamedIn(error.message());
      AddFailure(origin, field.empty() ? "" : sink_.ColumnForField(field), CodeName(error.code()),
                 error.message());
      rejected.insert(error.index());
      if (options_.all_or_nothing) {
        const size_t batch = static_cast<size_t>(
            std::upper_bound(batch_starts_.begin(), batch_starts_.end(), error.index()) -
            batch_starts_.begin() - 1);
        auto [it, inserted] = failed_batches.emplace(batch, origin.line);
        if (!inserted) it->second = std::min(it->second, origin.line);
      }
    }
    result_.unlisted_failures = std::max<int64_t>(0, totals.error_count - listed);
    for (const auto& [batch, failed_line] : failed_batches) {
      const int64_t begin = batch_starts_[batch];
      const int64_t end = batch + 1 < batch_starts_.size() ? batch_starts_[batch + 1]
                                                           : static_cast<int64_t>(sent_.size());
      for (int64_t index = begin; index < end; ++index) {
        if (rejected.contains(index)) continue;
        AddFailure(sent_[index], "", kAborted,
                   absl::StrCat("not imported: --all-or-nothing and line ", failed_line,
                                " of the same batch (",
                                LinesText(sent_[begin].line, sent_[end - 1].line),
                                ") was rejected"));
      }
    }
  }

  CsvReader& reader_;
  ImportSink& sink_;
  const std::vector<std::string>& header_;
  const ImportOptions& options_;
  ImportResult result_;

  // The batch being filled.
  std::vector<RowOrigin> pending_;  // rows handed to the sink
  int records_in_batch_ = 0;        // records read into it, good or bad
  int64_t batch_first_line_ = 0;
  int64_t batch_last_line_ = 0;
  int64_t batch_failed_line_ = 0;  // first failed row's line, 0 when none

  std::vector<RowOrigin> sent_;        // by stream index
  std::vector<int64_t> batch_starts_;  // stream index of each sent batch's first row
};

}  // namespace

ImportResult RunImport(CsvReader& reader, ImportSink& sink, const std::vector<std::string>& header,
                       const ImportOptions& options) {
  return Importer(reader, sink, header, options).Run();
}

}  // namespace crm::crmctl
