#include "clients/crmctl/csv_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace crm::crmctl {
namespace {

constexpr size_t kBufferBytes = 64 * 1024;

}  // namespace

CsvReader::CsvReader(std::istream& input, Options options)
    : input_(input), options_(options), buffer_(kBufferBytes) {
  // A UTF-8 byte order mark (spreadsheets write one) is not part of the first column's
  // name. It still counts in offsets: they index the file as it is.
  if (Fill() && size_ >= 3 && static_cast<unsigned char>(buffer_[0]) == 0xEF &&
      static_cast<unsigned char>(buffer_[1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[2]) == 0xBF) {
    position_ = 3;
  }
}

bool CsvReader::Fill() {
  if (read_failed_) return false;
  buffer_start_ += static_cast<int64_t>(size_);
  position_ = 0;
  size_ = 0;
  if (!input_.good()) return false;
  input_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  size_ = static_cast<size_t>(input_.gcount());
  if (input_.bad()) read_failed_ = true;
  return size_ > 0;
}

int CsvReader::Peek() {
  if (position_ == size_ && !Fill()) return kEnd;
  return static_cast<unsigned char>(buffer_[position_]);
}

int CsvReader::Get() {
  const int c = Peek();
  if (c != kEnd) ++position_;
  return c;
}

void CsvReader::Seek(int64_t target) {
  if (target >= buffer_start_ && target <= buffer_start_ + static_cast<int64_t>(size_)) {
    position_ = static_cast<size_t>(target - buffer_start_);
    return;
  }
  input_.clear();
  input_.seekg(target);
  if (!input_) {
    read_failed_ = true;
    return;
  }
  buffer_start_ = target;
  position_ = 0;
  size_ = 0;
}

void CsvReader::FinishLineBreak(int c) {
  if (c == '\r' && Peek() == '\n') Get();
  ++line_;
}

void CsvReader::SkipRestOfLine(CsvRecord* record) {
  for (;;) {
    const int c = Get();
    if (c == kEnd) return;
    if (c == '\r' || c == '\n') {
      FinishLineBreak(c);
      return;
    }
    if (record->raw.size() < options_.max_record_bytes) record->raw += static_cast<char>(c);
  }
}

void CsvReader::Fail(CsvRecord* record, int field, int64_t line, std::string message) {
  record->error = CsvSyntaxError{line, field, std::move(message)};
}

bool CsvReader::Next(CsvRecord* record) {
  record->fields.clear();
  record->raw.clear();
  record->error.reset();
  for (;;) {  // empty lines are no records
    const int c = Peek();
    if (c == kEnd) return false;
    if (c != '\r' && c != '\n') break;
    FinishLineBreak(Get());
  }
  record->line = line_;
  record->offset = offset();

  enum class State { kFieldStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kFieldStart;
  std::string field;
  int64_t quote_line = 0;
  // Just after the record's first line break (necessarily inside quotes): where to
  // start again if a quote is never closed, and the length of that first line.
  int64_t resume_offset = -1;
  size_t first_line_bytes = 0;
  int64_t multiline_quote_line = 0;  // where the quote containing that break opened
  const auto field_number = [&] { return static_cast<int>(record->fields.size()) + 1; };
  const auto resume_after_first_line = [&] {
    Seek(resume_offset);
    line_ = record->line + 1;
    record->raw.resize(first_line_bytes);
  };
  // A stray quote ends the record at its line. When the record already ran over
  // several lines, the quote that made it do so was probably never closed: the
  // record is its first line and reading starts again on the next.
  const auto fail_and_resync = [&](const std::string& message) {
    if (resume_offset < 0) {
      Fail(record, field_number(), line_, message);
      SkipRestOfLine(record);
      return;
    }
    Fail(record, field_number(), line_,
         absl::StrCat(message, " (the quoted field opened at line ", multiline_quote_line,
                      " runs over several lines; reading starts again at line ",
                      record->line + 1, ")"));
    resume_after_first_line();
  };

  for (;;) {
    const int c = Get();
    if (c == kEnd) {
      if (state == State::kQuoted) {
        Fail(record, field_number(), quote_line,
             absl::StrCat("the quote opened at line ", quote_line, " is never closed"));
        if (resume_offset >= 0) resume_after_first_line();
        return true;
      }
      record->fields.push_back(std::move(field));
      return true;
    }
    const bool line_break = c == '\r' || c == '\n';
    if (line_break && state != State::kQuoted) {
      FinishLineBreak(c);
      record->fields.push_back(std::move(field));
      return true;
    }
    record->raw += static_cast<char>(c);
    if (record->raw.size() > options_.max_record_bytes) {
      const std::string message =
          absl::StrCat("the record is longer than ", options_.max_record_bytes, " bytes",
                       state == State::kQuoted
                           ? absl::StrCat(" (is the quote opened at line ", quote_line, " closed?)")
                           : "");
      Fail(record, field_number(), line_, message);
      if (state == State::kQuoted && resume_offset >= 0) {
        resume_after_first_line();
      } else {
        record->raw.resize(options_.max_record_bytes);
        SkipRestOfLine(record);
      }
      return true;
    }
    switch (state) {
      case State::kFieldStart:
        if (c == '"') {
          state = State::kQuoted;
          quote_line = line_;
        } else if (c == options_.delimiter) {
          record->fields.push_back(std::string());
        } else {
          field += static_cast<char>(c);
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == options_.delimiter) {
          record->fields.push_back(std::move(field));
          field.clear();
          state = State::kFieldStart;
        } else if (c == '"') {
          fail_and_resync("a quote inside an unquoted field (quote the whole field and double "
                          "the quote: \"say \"\"hi\"\"\")");
          return true;
        } else {
          field += static_cast<char>(c);
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          if (Peek() == '"') {
            Get();
            record->raw += '"';
            field += '"';
          } else {
            state = State::kAfterQuote;
          }
          break;
        }
        field += static_cast<char>(c);
        if (c == '\n' || (c == '\r' && Peek() != '\n')) {
          ++line_;
          if (resume_offset < 0) {
            resume_offset = offset();
            multiline_quote_line = quote_line;
            first_line_bytes = record->raw.size() - 1;
            if (c == '\n' && first_line_bytes > 0 && record->raw[first_line_bytes - 1] == '\r') {
              --first_line_bytes;
            }
          }
        }
        break;
      case State::kAfterQuote:
        if (c == options_.delimiter) {
          record->fields.push_back(std::move(field));
          field.clear();
          state = State::kFieldStart;
        } else {
          fail_and_resync(
              "text after the closing quote (inside a quoted field a quote is written \"\")");
          return true;
        }
        break;
    }
  }
}

}  // namespace crm::crmctl
