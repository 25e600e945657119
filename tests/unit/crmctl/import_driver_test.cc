#include "clients/crmctl/import_driver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "clients/crmctl/csv_reader.h"
#include "clients/crmctl/import_report.h"
#include "clients/crmctl/import_summary.h"

namespace crm::crmctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Rows are "id,value". value "bad" is rejected when mapped, "stop" stops the import,
// "server-bad" is rejected by the "server" when the stream is closed.
class FakeSink : public ImportSink {
 public:
  RowVerdict Add(const std::vector<std::string>& fields) override {
    if (fields.size() != 2) return RowVerdict::Rejected({"", absl::StatusCode::kInvalidArgument, "ragged"});
    if (fields[1] == "bad") {
      return RowVerdict::Rejected({"value", absl::StatusCode::kInvalidArgument, "bad value"});
    }
    if (fields[1] == "stop") return RowVerdict::Stop(grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone"));
    pending_.push_back(fields);
    return RowVerdict::Added();
  }
  int pending_rows() const override { return static_cast<int>(pending_.size()); }
  void DiscardPending() override { pending_.clear(); }
  bool SendPending(bool all_or_nothing) override {
    all_or_nothing_flags.push_back(all_or_nothing);
    std::vector<std::string> ids;
    for (const auto& row : pending_) {
      ids.push_back(row[0]);
      if (row[1] == "server-bad") {
        v1::ImportRowError error;
        error.set_index(stream_index_);
        error.set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
        error.set_message("value: rejected by the server");
        server_errors_.push_back(error);
      }
      ++stream_index_;
    }
    batches.push_back(ids);
    pending_.clear();
    return static_cast<int>(batches.size()) != break_at_batch;
  }
  grpc::Status Finish(ImportTotals* totals) override {
    ++finish_calls;
    if (break_at_batch > 0 && static_cast<int>(batches.size()) >= break_at_batch) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the stream broke");
    }
    totals->error_count = static_cast<int64_t>(server_errors_.size());
    totals->errors = server_errors_;
    totals->created = stream_index_ - totals->error_count;
    return grpc::Status::OK;
  }
  std::string ColumnForField(absl::string_view field_path) const override {
    return absl::StrCat("col:", field_path);
  }

  std::vector<std::vector<std::string>> batches;
  std::vector<bool> all_or_nothing_flags;
  int break_at_batch = 0;  // SendPending of this batch (1-based) reports a broken stream
  int finish_calls = 0;

 private:
  std::vector<std::vector<std::string>> pending_;
  std::vector<v1::ImportRowError> server_errors_;
  int64_t stream_index_ = 0;
};

struct ImportRun {
  ImportResult result;
  std::string text;
};

ImportRun Import(const std::string& text, FakeSink& sink, int batch_size, bool all_or_nothing = false) {
  std::istringstream input(text);
  CsvReader reader(input);
  CsvRecord header;
  EXPECT_TRUE(reader.Next(&header));
  ImportOptions options;
  options.batch_size = batch_size;
  options.all_or_nothing = all_or_nothing;
  return {RunImport(reader, sink, header.fields, options), text};
}

std::vector<int64_t> FailedLines(const ImportResult& result) {
  std::vector<int64_t> lines;
  for (const ImportFailure& failure : result.failures) lines.push_back(failure.line);
  return lines;
}

TEST(ImportDriverTest, BatchesGoodRowsAndReportsBadOnesWithTheirLines) {
  FakeSink sink;
  const ImportRun run = Import(
      "id,value\n"
      "1,ok\n"
      "2,bad\n"             // line 3: rejected when mapped
      "3,\"unclosed\n"      // line 4: malformed
      "4,ok\n"
      "5,server-bad\n"      // line 6: rejected by the server
      "6,\"multi\nline\"\n" // lines 7-8
      "7,ok,extra\n"        // line 9: ragged
      "8,ok\n",
      sink, /*batch_size=*/2);
  const ImportResult& result = run.result;
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.rows_read, 8);
  EXPECT_EQ(result.rows_sent, 5);
  EXPECT_THAT(sink.batches, ElementsAre(ElementsAre("1", "4"), ElementsAre("5", "6"),
                                        ElementsAre("8")));
  EXPECT_THAT(FailedLines(result), ElementsAre(3, 4, 6, 9));
  EXPECT_EQ(result.failed_rows(), 4);

  const ImportFailure& mapped = result.failures[0];
  EXPECT_EQ(mapped.column, "value");
  EXPECT_EQ(mapped.code, "INVALID_ARGUMENT");
  EXPECT_EQ(mapped.message, "bad value");
  const ImportFailure& malformed = result.failures[1];
  EXPECT_EQ(malformed.column, "value");  // field 2 of the header
  EXPECT_THAT(malformed.message, HasSubstr("opened at line 4 runs over several lines"));
  EXPECT_EQ(run.text.substr(malformed.offset, malformed.length), "3,\"unclosed");
  const ImportFailure& server = result.failures[2];
  EXPECT_EQ(server.column, "col:value");  // the sink maps the server's field path
  EXPECT_EQ(server.message, "value: rejected by the server");
  EXPECT_EQ(run.text.substr(server.offset, server.length), "5,server-bad");
}

TEST(ImportDriverTest, AllOrNothingFailsTheWholeBatchOfABadRow) {
  FakeSink sink;
  const ImportRun run = Import(
      "id,value\n"
      "1,ok\n"          // batch 1 (lines 2-4): line 3 bad, nothing sent
      "2,bad\n"
      "3,ok\n"
      "4,ok\n"          // batch 2 (lines 5-7): sent, line 6 rejected by the server
      "5,server-bad\n"
      "6,ok\n"
      "7,ok\n",         // batch 3: fine
      sink, /*batch_size=*/3, /*all_or_nothing=*/true);
  const ImportResult& result = run.result;
  EXPECT_THAT(sink.batches, ElementsAre(ElementsAre("4", "5", "6"), ElementsAre("7")));
  EXPECT_THAT(sink.all_or_nothing_flags, ElementsAre(true, true));
  EXPECT_THAT(FailedLines(result), ElementsAre(2, 3, 4, 5, 6, 7));
  EXPECT_EQ(result.failures[0].code, "ABORTED");
  EXPECT_THAT(result.failures[0].message,
              HasSubstr("not sent: --all-or-nothing and line 3 of the same batch (lines 2-4)"));
  EXPECT_EQ(result.failures[1].code, "INVALID_ARGUMENT");
  EXPECT_EQ(result.failures[3].code, "ABORTED");
  EXPECT_THAT(result.failures[3].message,
              HasSubstr("not imported: --all-or-nothing and line 6 of the same batch (lines 5-7)"));
  EXPECT_EQ(result.failures[4].code, "INVALID_ARGUMENT");
}

TEST(ImportDriverTest, AStopEndsTheImportAfterClosingTheStream) {
  FakeSink sink;
  const ImportRun run = Import("id,value\n1,ok\n2,ok\n3,stop\n4,ok\n", sink, /*batch_size=*/1);
  EXPECT_EQ(run.result.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(run.result.rows_read, 3);
  EXPECT_THAT(sink.batches, ElementsAre(ElementsAre("1"), ElementsAre("2")));
  EXPECT_EQ(sink.finish_calls, 1);
}

TEST(ImportDriverTest, ABrokenStreamStopsReadingAndReportsTheStreamStatus) {
  FakeSink sink;
  sink.break_at_batch = 2;
  const ImportRun run = Import("id,value\n1,ok\n2,ok\n3,ok\n4,ok\n", sink, /*batch_size=*/1);
  EXPECT_EQ(run.result.status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(run.result.rows_read, 2);
  EXPECT_EQ(sink.batches.size(), 2u);
}

TEST(ImportDriverTest, NothingIsSentWhenEveryRowIsBad) {
  FakeSink sink;
  const ImportRun run = Import("id,value\n1,bad\n2,bad\n", sink, /*batch_size=*/10);
  EXPECT_TRUE(run.result.status.ok());
  EXPECT_TRUE(sink.batches.empty());
  EXPECT_EQ(run.result.failed_rows(), 2);
}

TEST(ImportDriverTest, ProgressIsReportedPerRecord) {
  FakeSink sink;
  std::istringstream input("id,value\n1,ok\n2,ok\n");
  CsvReader reader(input);
  CsvRecord header;
  ASSERT_TRUE(reader.Next(&header));
  std::vector<std::pair<int64_t, int64_t>> calls;
  ImportOptions options;
  options.on_progress = [&](int64_t rows, int64_t bytes) { calls.emplace_back(rows, bytes); };
  int64_t closing_rows = -1;
  options.on_closing = [&](int64_t rows_sent) {
    closing_rows = rows_sent;
    EXPECT_EQ(sink.finish_calls, 0);  // before waiting for the server
  };
  RunImport(reader, sink, header.fields, options);
  EXPECT_THAT(calls, ElementsAre(std::make_pair(1, 14), std::make_pair(2, 19)));
  EXPECT_EQ(closing_rows, 2);
}

TEST(ImportReportTest, WritesOneCsvRecordPerFailureWithTheRowText) {
  const std::string source_text = "id,note\n1,\"two\nlines\"\n2,\"say \"\"x\"\"\"\n";
  std::istringstream source(source_text);
  std::vector<ImportFailure> failures = {
      {2, "note", "INVALID_ARGUMENT", "note: too long, really", 8, 13},
      {4, "", "ABORTED", "not sent", 22, 13},
  };
  std::ostringstream out;
  ASSERT_TRUE(WriteImportReport(failures, source, out).ok());
  EXPECT_EQ(out.str(),
            "line,column,code,message,row\n"
            "2,note,INVALID_ARGUMENT,\"note: too long, really\",\"1,\"\"two\nlines\"\"\"\n"
            "4,,ABORTED,not sent,\"2,\"\"say \"\"\"\"x\"\"\"\"\"\"\"\n");
}

TEST(ImportSummaryTest, SaysWhatWasReadWrittenAndRejected) {
  ImportResult result;
  result.rows_read = 1234;
  result.totals.created = 1000;
  result.totals.updated = 200;
  result.failures.resize(34);
  ImportSummary summary{ImportKind::kContacts, "contacts.csv", "contacts.csv.errors.csv",
                        absl::Seconds(2)};
  EXPECT_EQ(FormatImportSummary(summary, result),
            "contacts.csv: 1,234 rows read, 1,200 imported (1,000 created, 200 updated), 34 "
            "failed; 2.0 s, 617 rows/s\n"
            "failed rows: contacts.csv.errors.csv\n");

  ImportResult purchases;
  purchases.rows_read = 10;
  purchases.totals.imported = 7;
  purchases.totals.skipped = 3;
  ImportSummary clean{ImportKind::kPurchases, "p.csv", "", absl::Milliseconds(500)};
  EXPECT_EQ(FormatImportSummary(clean, purchases),
            "p.csv: 10 rows read, 7 imported, 3 skipped (already imported), 0 failed; 0.5 s, "
            "20 rows/s\n");
  const std::string json = ImportSummaryJson(clean, purchases);
  EXPECT_THAT(json, HasSubstr("\"imported\": 7"));
  EXPECT_THAT(json, HasSubstr("\"skipped\": 3"));
  EXPECT_THAT(json, HasSubstr("\"error_report\": null"));
  EXPECT_THAT(json, HasSubstr("\"failed\": 0"));
}

}  // namespace
}  // namespace crm::crmctl
