// A streaming RFC 4180 CSV reader for crmctl's imports: quoted fields with ""
// escapes, embedded delimiters and line breaks, CRLF / LF / CR line ends, an optional
// UTF-8 byte order mark. Every record carries the file line it starts on and its
// original text, so a bad row can be reported with its place and content while the
// rows around it are still read.
#ifndef CRM_CLIENTS_CRMCTL_CSV_READER_H_
#define CRM_CLIENTS_CRMCTL_CSV_READER_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace crm::crmctl {

// What made a record unreadable. The reader has already moved on to the next one.
struct CsvSyntaxError {
  int64_t line = 0;  // 1-based file line where the problem was found
  int field = 0;     // 1-based number of the field it is in
  std::string message;
};

struct CsvRecord {
  std::vector<std::string> fields;
  int64_t line = 0;    // 1-based file line of the record's first character
  int64_t offset = 0;  // byte offset of that character in the input (BOM included)
  // The record's text as it is in the file, without its line break; only its first
  // line when an unterminated quote made the reader start again on the next line.
  std::string raw;
  std::optional<CsvSyntaxError> error;  // set: `fields` is incomplete, do not use
};

class CsvReader {
 public:
  struct Options {
    char delimiter = ',';
    // A record longer than this is an error. Bounds memory when a stray quote would
    // otherwise swallow the rest of the file; real CRM rows are a few KiB.
    size_t max_record_bytes = size_t{1} << 20;
  };

  // `input` must outlive the reader. It should be seekable (a file): recovering from
  // an unterminated quote rereads from the line after the record's start.
  explicit CsvReader(std::istream& input) : CsvReader(input, Options()) {}
  CsvReader(std::istream& input, Options options);

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next record; false at the end of the input. Empty lines are skipped. A
  // malformed record is returned with `error` set, and the reader resumes after it:
  // after its line for a stray quote; on the line after its first one when the bad
  // record spans lines (a quote that is never closed swallows the lines after it:
  // this way one bad quote costs one row, not the rest of the file).
  bool Next(CsvRecord* record);

  // Bytes consumed so far (for a progress fraction against the file size).
  int64_t offset() const { return buffer_start_ + static_cast<int64_t>(position_); }
  // True when reading failed for another reason than the end of the input.
  bool read_failed() const { return read_failed_; }

 private:
  static constexpr int kEnd = -1;

  int Peek();
  int Get();
  bool Fill();
  void Seek(int64_t offset);
  // Consumes the rest of the current physical line and its line break into `raw`
  // (up to the size limit).
  void SkipRestOfLine(CsvRecord* record);
  // After '\r' or '\n' was read: eats the '\n' of a CRLF and counts the line.
  void FinishLineBreak(int c);
  void Fail(CsvRecord* record, int field, int64_t line, std::string message);

  std::istream& input_;
  Options options_;
  std::vector<char> buffer_;
  size_t position_ = 0;       // next byte in buffer_
  size_t size_ = 0;           // bytes valid in buffer_
  int64_t buffer_start_ = 0;  // input offset of buffer_[0]
  int64_t line_ = 1;          // line of the next byte
  bool read_failed_ = false;
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_CSV_READER_H_
