#include "clients/crmctl/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "clients/crmctl/csv_writer.h"

namespace crm::crmctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<CsvRecord> ReadAll(const std::string& text, CsvReader::Options options = {}) {
  std::istringstream input(text);
  CsvReader reader(input, options);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.Next(&record)) records.push_back(record);
  EXPECT_FALSE(reader.read_failed());
  return records;
}

TEST(CsvReaderTest, ReadsPlainRecordsWithTheirLines) {
  const auto records = ReadAll("a,b,c\n1,2,3\n4,,6\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "2", "3"));
  EXPECT_THAT(records[2].fields, ElementsAre("4", "", "6"));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[1].raw, "1,2,3");
  EXPECT_EQ(records[1].offset, 6);
  for (const CsvRecord& record : records) EXPECT_FALSE(record.error.has_value());
}

TEST(CsvReaderTest, QuotedFieldsKeepDelimitersQuotesAndLineBreaks) {
  const std::string text =
      "id,note\n"
      "1,\"Smith, John\"\n"
      "2,\"she said \"\"hi\"\"\"\n"
      "3,\"first line\nsecond line\nthird\"\n"
      "4,\"\"\n"
      "5,after\n";
  const auto records = ReadAll(text);
  ASSERT_EQ(records.size(), 6u);
  EXPECT_THAT(records[1].fields, ElementsAre("1", "Smith, John"));
  EXPECT_THAT(records[2].fields, ElementsAre("2", "she said \"hi\""));
  EXPECT_THAT(records[3].fields, ElementsAre("3", "first line\nsecond line\nthird"));
  EXPECT_THAT(records[4].fields, ElementsAre("4", ""));
  // The multi-line record starts on line 4 and takes three lines: the next is line 7.
  EXPECT_EQ(records[3].line, 4);
  EXPECT_EQ(records[3].raw, "3,\"first line\nsecond line\nthird\"");
  EXPECT_EQ(records[4].line, 7);
  EXPECT_EQ(records[5].line, 8);
}

TEST(CsvReaderTest, CrlfLfAndCrLineEndsAllWork) {
  const auto records = ReadAll("a,b\r\n1,\"x\r\ny\"\r\n2,z\r3,w\n4,v");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "x\r\ny"));
  EXPECT_THAT(records[2].fields, ElementsAre("2", "z"));
  EXPECT_THAT(records[3].fields, ElementsAre("3", "w"));
  EXPECT_THAT(records[4].fields, ElementsAre("4", "v"));  // no final line break
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].line, 4);  // CRLF inside the quotes was one line break
  EXPECT_EQ(records[3].line, 5);
  EXPECT_EQ(records[4].line, 6);
  EXPECT_EQ(records[0].raw, "a,b");  // no CR left over
}

TEST(CsvReaderTest, SkipsAByteOrderMarkButCountsItInOffsets) {
  const auto records = ReadAll("\xEF\xBB\xBFname,age\nAnn,40\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("name", "age"));
  EXPECT_EQ(records[0].offset, 3);
  EXPECT_EQ(records[1].offset, 3 + 9);
}

TEST(CsvReaderTest, EmptyLinesAreNoRecordsButCountAsLines) {
  const auto records = ReadAll("a\n\n\r\n b \n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].line, 4);
  EXPECT_THAT(records[1].fields, ElementsAre(" b "));  // spaces are data
}

TEST(CsvReaderTest, TrailingDelimiterMeansAnEmptyLastField) {
  const auto records = ReadAll("a,b,\n,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b", ""));
  EXPECT_THAT(records[1].fields, ElementsAre("", ""));
}

TEST(CsvReaderTest, RaggedRowsAreReadAsTheyAre) {
  // The field count is the importer's business (ImportLayout::CheckFieldCount).
  const auto records = ReadAll("a,b,c\n1,2\n1,2,3,4\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields.size(), 2u);
  EXPECT_EQ(records[2].fields.size(), 4u);
  EXPECT_FALSE(records[1].error.has_value());
}

TEST(CsvReaderTest, AQuoteInsideAnUnquotedFieldFailsOnlyThatRecord) {
  const auto records = ReadAll("a,b\n1,x\"y\"z\n2,ok\n");
  ASSERT_EQ(records.size(), 3u);
  ASSERT_TRUE(records[1].error.has_value());
  EXPECT_EQ(records[1].error->line, 2);
  EXPECT_EQ(records[1].error->field, 2);
  EXPECT_THAT(records[1].error->message, HasSubstr("quote inside an unquoted field"));
  EXPECT_EQ(records[1].raw, "1,x\"y\"z");
  EXPECT_THAT(records[2].fields, ElementsAre("2", "ok"));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReaderTest, TextAfterAClosingQuoteFailsOnlyThatRecord) {
  const auto records = ReadAll("a,b,c\n1,\"x\"y,3\n2,\"fine\",3\n");
  ASSERT_EQ(records.size(), 3u);
  ASSERT_TRUE(records[1].error.has_value());
  EXPECT_EQ(records[1].error->field, 2);
  EXPECT_THAT(records[1].error->message, HasSubstr("after the closing quote"));
  EXPECT_THAT(records[2].fields, ElementsAre("2", "fine", "3"));
}

TEST(CsvReaderTest, AnUnterminatedQuoteCostsOneRowNotTheRestOfTheFile) {
  const std::string text =
      "id,name,city\n"
      "1,\"Ann,Paris\n"  // the quote is never closed
      "2,Bob,Rome\n"
      "3,Cy,Oslo\n";
  const auto records = ReadAll(text);
  ASSERT_EQ(records.size(), 4u);
  ASSERT_TRUE(records[1].error.has_value());
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].error->field, 2);
  EXPECT_EQ(records[1].error->line, 2);
  EXPECT_THAT(records[1].error->message, HasSubstr("opened at line 2 is never closed"));
  EXPECT_EQ(records[1].raw, "1,\"Ann,Paris");  // only its own line
  // The reader started again on line 3.
  EXPECT_THAT(records[2].fields, ElementsAre("2", "Bob", "Rome"));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_THAT(records[3].fields, ElementsAre("3", "Cy", "Oslo"));
  EXPECT_EQ(records[3].line, 4);
}

TEST(CsvReaderTest, AnUnclosedQuoteThatMeetsAnotherQuoteAlsoCostsOneRow) {
  // The missing quote of line 2 pairs up with the opening quote of line 4: the parser
  // notices only there, then starts again on line 3.
  const std::string text =
      "id,name,city\n"
      "1,\"Ann,Paris\n"
      "2,Bob,Rome\n"
      "3,\"Cy\nD\",Oslo\n";
  const auto records = ReadAll(text);
  ASSERT_EQ(records.size(), 4u);
  ASSERT_TRUE(records[1].error.has_value());
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].error->line, 4);
  EXPECT_THAT(records[1].error->message, HasSubstr("after the closing quote"));
  EXPECT_THAT(records[1].error->message, HasSubstr("opened at line 2 runs over several lines"));
  EXPECT_EQ(records[1].raw, "1,\"Ann,Paris");
  EXPECT_THAT(records[2].fields, ElementsAre("2", "Bob", "Rome"));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_THAT(records[3].fields, ElementsAre("3", "Cy\nD", "Oslo"));
  EXPECT_EQ(records[3].line, 4);
}

TEST(CsvReaderTest, AnUnterminatedQuoteOnTheLastLineIsAnError) {
  const auto records = ReadAll("a\n\"open");
  ASSERT_EQ(records.size(), 2u);
  ASSERT_TRUE(records[1].error.has_value());
  EXPECT_EQ(records[1].raw, "\"open");
}

TEST(CsvReaderTest, AnOverlongRecordIsAnErrorAndReadingGoesOn) {
  CsvReader::Options options;
  options.max_record_bytes = 16;
  const auto records = ReadAll("a,b\n1,\"" + std::string(40, 'x') + "\n2,ok\n", options);
  ASSERT_EQ(records.size(), 3u);
  ASSERT_TRUE(records[1].error.has_value());
  EXPECT_THAT(records[1].error->message, HasSubstr("longer than 16 bytes"));
  EXPECT_THAT(records[2].fields, ElementsAre("2", "ok"));
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReaderTest, OffsetsPointAtEachRecordsText) {
  const std::string text = "h1,h2\r\n\"a\nb\",c\r\nd,e\r\n";
  const auto records = ReadAll(text);
  ASSERT_EQ(records.size(), 3u);
  for (const CsvRecord& record : records) {
    EXPECT_EQ(text.substr(record.offset, record.raw.size()), record.raw);
  }
}

TEST(CsvReaderTest, RecoversAcrossBufferBoundaries) {
  // More than one 64 KiB buffer: the rewind after an unterminated quote must seek.
  std::string text = "id,note\n1,\"never closed\n";
  for (int i = 2; i < 20000; ++i) text += std::to_string(i) + ",some note text\n";
  const auto records = ReadAll(text);
  ASSERT_EQ(records.size(), 20000u);
  EXPECT_TRUE(records[1].error.has_value());
  EXPECT_THAT(records[2].fields, ElementsAre("2", "some note text"));
  EXPECT_EQ(records.back().line, 20000);
  EXPECT_THAT(records.back().fields, ElementsAre("19999", "some note text"));
}

TEST(CsvWriterTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField(" padded"), "\" padded\"");
  EXPECT_EQ(CsvRecordText({"a", "b,c", ""}), "a,\"b,c\",\n");
  EXPECT_EQ(CsvRecordText({""}), "\"\"\n");
}

TEST(CsvWriterTest, WrittenRecordsReadBackUnchanged) {
  const std::vector<std::vector<std::string>> rows = {
      {"id", "text", "more"},
      {"1", "comma, inside", "\"quoted\""},
      {"2", "line\nbreak", "crlf\r\nbreak"},
      {"3", "", " spaces "},
      {""},
  };
  std::ostringstream out;
  CsvWriter writer(out);
  for (const auto& row : rows) writer.WriteRecord(row);
  const auto records = ReadAll(out.str());
  ASSERT_EQ(records.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(records[i].fields, rows[i]) << "row " << i;
}

}  // namespace
}  // namespace crm::crmctl
