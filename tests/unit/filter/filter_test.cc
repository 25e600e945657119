// End-to-end tests of CompileFilter: filter text in, SQL + parameters or an
// INVALID_ARGUMENT message out.
#include "server/filter/filter.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sql_fragment.h"
#include "tests/unit/filter/test_catalog.h"

namespace crm::filter {
namespace {

using ::crm::filter::testing::TestCatalog;
using ::crm::storage::SqlFragment;
using ::crm::storage::SqlValue;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

SqlFragment Compile(std::string_view filter) {
  absl::StatusOr<SqlFragment> fragment = CompileFilter(filter, TestCatalog());
  EXPECT_TRUE(fragment.ok()) << filter << ": " << fragment.status();
  if (!fragment.ok()) return {};
  // Invariant of every successful compilation: one parameter per placeholder.
  EXPECT_EQ(static_cast<size_t>(
                std::count(fragment->sql.begin(), fragment->sql.end(), '?')),
            fragment->params.size())
      << fragment->sql;
  return *fragment;
}

std::string Sql(std::string_view filter) { return Compile(filter).sql; }

std::vector<SqlValue> Params(std::string_view filter) {
  return Compile(filter).params;
}

// Returns the error message after checking the properties every filter error
// shares: INVALID_ARGUMENT, "filter: " prefix, a position.
std::string Error(std::string_view filter) {
  absl::StatusOr<SqlFragment> fragment = CompileFilter(filter, TestCatalog());
  EXPECT_FALSE(fragment.ok()) << filter << " compiled to " << fragment->sql;
  if (fragment.ok()) return "";
  EXPECT_EQ(fragment.status().code(), absl::StatusCode::kInvalidArgument)
      << filter;
  EXPECT_THAT(std::string(fragment.status().message()), StartsWith("filter: "))
      << filter;
  EXPECT_THAT(std::string(fragment.status().message()),
              HasSubstr(" at position "))
      << filter;
  return std::string(fragment.status().message());
}

SqlValue Str(std::string_view value) { return SqlValue(std::string(value)); }
SqlValue Int(int64_t value) { return SqlValue(value); }

// --- Empty filter. ----------------------------------------------------------

TEST(CompileFilterTest, EmptyFilterMatchesEverything) {
  for (const std::string_view filter : {"", " ", "\t\n  \r"}) {
    const SqlFragment fragment = Compile(filter);
    EXPECT_EQ(fragment.sql, "1=1");
    EXPECT_THAT(fragment.params, IsEmpty());
  }
}

// --- String fields. ---------------------------------------------------------

TEST(CompileFilterTest, StringComparisons) {
  EXPECT_EQ(Sql("display_name = \"Acme\""), "c.display_name = ?");
  EXPECT_THAT(Params("display_name = \"Acme\""), ElementsAre(Str("Acme")));
  EXPECT_EQ(Sql("display_name != 'Acme'"), "c.display_name <> ?");
  EXPECT_EQ(Sql("display_name < \"M\""), "c.display_name < ?");
  EXPECT_EQ(Sql("display_name <= \"M\""), "c.display_name <= ?");
  EXPECT_EQ(Sql("display_name > \"M\""), "c.display_name > ?");
  EXPECT_EQ(Sql("display_name >= \"M\""), "c.display_name >= ?");
  EXPECT_THAT(Params("display_name = \"\""), ElementsAre(Str("")));
}

TEST(CompileFilterTest, StringHasIsEscapedSubstringLike) {
  EXPECT_EQ(Sql("display_name:\"acme\""),
            "c.display_name LIKE ? ESCAPE '\\\\'");
  EXPECT_THAT(Params("display_name:\"acme\""), ElementsAre(Str("%acme%")));
  // Wildcards typed by the user are literal characters.
  EXPECT_THAT(Params(R"(display_name : "50%_off\\")"),
              ElementsAre(Str("%50\\%\\_off\\\\%")));
}

TEST(CompileFilterTest, StringNeedsQuotes) {
  EXPECT_EQ(
      Error("display_name = Acme"),
      "filter: expected a quoted string for string field \"display_name\" but "
      "found unquoted \"Acme\" at position 16; e.g. display_name = \"Acme\"");
  EXPECT_THAT(Error("display_name = 5"),
              HasSubstr("found number \"5\" at position 16"));
  EXPECT_THAT(Error("display_name : true"), HasSubstr("quoted string"));
}

// --- Numeric fields. --------------------------------------------------------

TEST(CompileFilterTest, Int64) {
  const SqlFragment fragment = Compile("employee_count >= 50");
  EXPECT_EQ(fragment.sql, "c.employee_count >= ?");
  EXPECT_THAT(fragment.params, ElementsAre(Int(50)));
  EXPECT_THAT(Params("employee_count = -3"), ElementsAre(Int(-3)));
  EXPECT_EQ(Sql("employee_count != 0"), "c.employee_count <> ?");
  EXPECT_EQ(Sql("employee_count < 1"), "c.employee_count < ?");
  EXPECT_EQ(Sql("employee_count <= 1"), "c.employee_count <= ?");
  EXPECT_EQ(Sql("employee_count > 1"), "c.employee_count > ?");
  EXPECT_THAT(Params("employee_count = 9223372036854775807"),
              ElementsAre(Int(std::numeric_limits<int64_t>::max())));
}

TEST(CompileFilterTest, Int64Errors) {
  EXPECT_EQ(Error("employee_count = 1.5"),
            "filter: value \"1.5\" for integer field \"employee_count\" is not "
            "a whole "
            "number at position 18");
  EXPECT_THAT(Error("employee_count = 9223372036854775808"),
              HasSubstr("outside the 64-bit integer range at position 18"));
  EXPECT_EQ(Error("employee_count = \"5\""),
            "filter: expected a number for integer field \"employee_count\" "
            "but found "
            "string \"5\" at position 18; e.g. employee_count = 5 (numbers are "
            "written "
            "without quotes)");
  EXPECT_THAT(Error("employee_count : 5"),
              AllOf(HasSubstr("operator ':' is not supported for integer field "
                              "\"employee_count\" at position 16"),
                    HasSubstr("integer fields support = != < <= > >=")));
  EXPECT_THAT(Error("employee_count = many"), HasSubstr("expected a number"));
}

TEST(CompileFilterTest, Double) {
  const SqlFragment fragment = Compile("score > 0.75");
  EXPECT_EQ(fragment.sql, "c.score > ?");
  EXPECT_THAT(fragment.params, ElementsAre(SqlValue(0.75)));
  EXPECT_THAT(Params("score <= -2"), ElementsAre(SqlValue(-2.0)));
  EXPECT_THAT(Params("score = 1e-3"), ElementsAre(SqlValue(0.001)));
  EXPECT_THAT(Error("score = 1.2.3"),
              HasSubstr("is not a number at position 9"));
  EXPECT_THAT(Error("score = 1e999"), HasSubstr("outside the range"));
}

TEST(CompileFilterTest, MoneyMicros) {
  const SqlFragment fragment = Compile("lifetime_value >= 12.5");
  EXPECT_EQ(fragment.sql, "c.lifetime_value_micros >= ?");
  EXPECT_THAT(fragment.params, ElementsAre(Int(12'500'000)));
  EXPECT_THAT(Params("lifetime_value < 1000"), ElementsAre(Int(1'000'000'000)));
  EXPECT_THAT(Params("lifetime_value = -0.000001"), ElementsAre(Int(-1)));
  EXPECT_THAT(
      Error("lifetime_value = 1.0000001"),
      HasSubstr("value \"1.0000001\" for money field \"lifetime_value\" has "
                "more than 6 decimal places"));
  EXPECT_THAT(Error("lifetime_value > 10000000000000"),
              HasSubstr("too large to be stored in micros at position 18"));
  EXPECT_THAT(Error("lifetime_value > 1e3"), HasSubstr("decimal amount"));
  EXPECT_THAT(Error("lifetime_value > \"12.5\""), HasSubstr("without quotes"));
}

// --- Time fields. -----------------------------------------------------------

TEST(CompileFilterTest, Timestamp) {
  const SqlFragment fragment =
      Compile("create_time > \"2026-01-02T11:04:05.25+08:00\"");
  EXPECT_EQ(fragment.sql, "c.create_time > ?");
  EXPECT_THAT(fragment.params, ElementsAre(Str("2026-01-02 03:04:05.250000")));
  EXPECT_THAT(Params("create_time <= '2026-01-02T03:04:05Z'"),
              ElementsAre(Str("2026-01-02 03:04:05.000000")));
  EXPECT_EQ(Sql("create_time != \"2026-01-02T03:04:05Z\""),
            "c.create_time <> ?");
}

TEST(CompileFilterTest, TimestampErrors) {
  EXPECT_EQ(Error("create_time > 5"),
            "filter: expected a quoted string for timestamp field "
            "\"create_time\" but "
            "found number \"5\" at position 15; e.g. create_time > "
            "\"2026-01-02T03:04:05Z\"");
  EXPECT_THAT(
      Error("create_time > \"yesterday\""),
      HasSubstr(
          "value \"yesterday\" for timestamp field \"create_time\" is not "
          "an RFC 3339 timestamp"));
  EXPECT_THAT(Error("create_time > \"2026-02-30T00:00:00Z\""),
              HasSubstr("not a valid calendar date and time at position 15"));
  EXPECT_THAT(Error("create_time > \"2026-01-02T03:04:05\""),
              HasSubstr("no time zone"));
  EXPECT_THAT(Error("create_time : \"2026\""),
              HasSubstr("operator ':' is not supported for timestamp field"));
}

TEST(CompileFilterTest, Date) {
  const SqlFragment fragment = Compile("birth_date < \"2000-02-29\"");
  EXPECT_EQ(fragment.sql, "c.birth_date < ?");
  EXPECT_THAT(fragment.params, ElementsAre(Str("2000-02-29")));
  EXPECT_THAT(
      Error("birth_date = \"2001-02-29\""),
      HasSubstr("value \"2001-02-29\" for date field \"birth_date\" is not a "
                "valid calendar date at position 14"));
  EXPECT_THAT(Error("birth_date = 2001-02-28"), HasSubstr("quoted string"));
  EXPECT_THAT(Error("birth_date = \"2001-02-28T00:00:00Z\""),
              HasSubstr("YYYY-MM-DD"));
}

// --- Bool and enum fields. --------------------------------------------------

TEST(CompileFilterTest, Bool) {
  const SqlFragment fragment = Compile("is_key_account = true");
  EXPECT_EQ(fragment.sql, "c.is_key_account = ?");
  EXPECT_THAT(fragment.params, ElementsAre(SqlValue(true)));
  EXPECT_THAT(Params("is_key_account != false"), ElementsAre(SqlValue(false)));
  EXPECT_EQ(
      Error("is_key_account = \"x\""),
      "filter: expected true or false for boolean field \"is_key_account\" but "
      "found string \"x\" at position 18; e.g. is_key_account = true "
      "(lowercase, "
      "without quotes)");
  EXPECT_THAT(Error("is_key_account = TRUE"), HasSubstr("true or false"));
  EXPECT_THAT(Error("is_key_account = 1"), HasSubstr("true or false"));
  EXPECT_THAT(
      Error("is_key_account > false"),
      AllOf(HasSubstr("operator '>' is not supported for boolean field"),
            HasSubstr("boolean fields support = !=")));
}

TEST(CompileFilterTest, Enum) {
  const SqlFragment fragment = Compile("stage = QUALIFIED");
  EXPECT_EQ(fragment.sql, "c.stage = ?");
  EXPECT_THAT(fragment.params, ElementsAre(Int(2)));
  EXPECT_THAT(Params("stage != \"CUSTOMER\""), ElementsAre(Int(3)));
  EXPECT_EQ(Sql("stage != 'LEAD'"), "c.stage <> ?");
}

TEST(CompileFilterTest, EnumErrors) {
  EXPECT_EQ(Error("stage = PROSPECT"),
            "filter: unknown value \"PROSPECT\" for enum field \"stage\" at "
            "position 9; "
            "allowed values: LEAD, QUALIFIED, CUSTOMER");
  // Names are case-sensitive, as in the proto.
  EXPECT_THAT(Error("stage = lead"), HasSubstr("unknown value \"lead\""));
  EXPECT_THAT(Error("stage = 2"),
              AllOf(HasSubstr("expected a value name for enum field \"stage\""),
                    HasSubstr("allowed values: LEAD, QUALIFIED, CUSTOMER")));
  EXPECT_THAT(
      Error("stage > LEAD"),
      AllOf(HasSubstr("operator '>' is not supported for enum field \"stage\" "
                      "at position 7"),
            HasSubstr("enum fields support = !=")));
  EXPECT_THAT(Error("stage : LEAD"),
              HasSubstr("operator ':' is not supported"));
}

// --- Collections. -----------------------------------------------------------

TEST(CompileFilterTest, StringListContains) {
  const SqlFragment fragment = Compile("tags:\"vip\"");
  EXPECT_EQ(fragment.sql, "JSON_CONTAINS(c.tags, JSON_QUOTE(?))");
  EXPECT_THAT(fragment.params, ElementsAre(Str("vip")));
  EXPECT_EQ(Error("tags = \"vip\""),
            "filter: operator '=' is not supported for list field \"tags\" at "
            "position "
            "6; use ':' to test whether the list contains a value, e.g. "
            "tags:\"vip\"");
  EXPECT_THAT(Error("tags:vip"),
              HasSubstr("expected a quoted string for list field"));
}

TEST(CompileFilterTest, MapKeyPresence) {
  const SqlFragment fragment = Compile("attributes:tier");
  EXPECT_EQ(fragment.sql, "JSON_CONTAINS_PATH(c.attributes, 'one', ?)");
  EXPECT_THAT(fragment.params, ElementsAre(Str("$.\"tier\"")));
  EXPECT_THAT(Params("attributes:\"2024-q1\""),
              ElementsAre(Str("$.\"2024-q1\"")));
  EXPECT_THAT(Params("attributes:vip-level"),
              ElementsAre(Str("$.\"vip-level\"")));
  EXPECT_THAT(Params("attributes:2024"), ElementsAre(Str("$.\"2024\"")));
}

TEST(CompileFilterTest, MapValueComparison) {
  const SqlFragment fragment = Compile("attributes.tier = \"gold\"");
  EXPECT_EQ(fragment.sql, "JSON_UNQUOTE(JSON_EXTRACT(c.attributes, ?)) = ?");
  EXPECT_THAT(fragment.params, ElementsAre(Str("$.\"tier\""), Str("gold")));
  EXPECT_EQ(Sql("attributes.tier != \"gold\""),
            "JSON_UNQUOTE(JSON_EXTRACT(c.attributes, ?)) <> ?");
  EXPECT_EQ(Sql("attributes.tier < \"m\""),
            "JSON_UNQUOTE(JSON_EXTRACT(c.attributes, ?)) < ?");
  EXPECT_EQ(Sql("attributes.tier >= \"m\""),
            "JSON_UNQUOTE(JSON_EXTRACT(c.attributes, ?)) >= ?");
  EXPECT_THAT(Params("attributes.vip-level_2 = 'x'"),
              ElementsAre(Str("$.\"vip-level_2\""), Str("x")));
}

TEST(CompileFilterTest, MapErrors) {
  EXPECT_EQ(
      Error("attributes = \"gold\""),
      "filter: operator '=' is not supported for map field \"attributes\" at "
      "position 12; use attributes.KEY = \"value\" to compare a value or "
      "attributes:KEY to test whether a key is present");
  EXPECT_THAT(
      Error("attributes.tier:\"gold\""),
      AllOf(
          HasSubstr("operator ':' is not supported for map field"),
          HasSubstr("use attributes:tier to test whether the key is present")));
  EXPECT_THAT(
      Error("attributes.tier = gold"),
      AllOf(HasSubstr("expected a quoted string for map field \"attributes\""),
            HasSubstr("e.g. attributes.tier = \"gold\"")));
  EXPECT_EQ(Error("attributes.a.b = \"x\""),
            "filter: invalid key \"a.b\" for map field \"attributes\" at "
            "position 12; "
            "keys are 1 to 64 characters from A-Z a-z 0-9 _ -, e.g. "
            "attributes.tier = "
            "\"gold\" or attributes:tier");
  EXPECT_THAT(Error("attributes. = \"x\""), HasSubstr("invalid key \"\""));
  EXPECT_THAT(
      Error(absl::StrCat("attributes.", std::string(65, 'k'), " = \"x\"")),
      HasSubstr("invalid key"));
  EXPECT_THAT(
      Error("attributes:\"a b\""),
      AllOf(HasSubstr("invalid key \"a b\""), HasSubstr("position 12")));
  EXPECT_THAT(Error("attributes:\"\""), HasSubstr("invalid key \"\""));
}

// --- Fields. ----------------------------------------------------------------

TEST(CompileFilterTest, UnknownField) {
  EXPECT_EQ(
      Error("NOT colour = \"red\""),
      "filter: unknown field \"colour\" at position 5; filterable fields: "
      "attributes, birth_date, create_time, display_name, employee_count, "
      "is_key_account, lifetime_value, region, score, stage, tags");
  EXPECT_THAT(Error("Display_Name = \"x\""),
              HasSubstr("unknown field \"Display_Name\""));
  EXPECT_THAT(Error("colour.red = \"x\""),
              HasSubstr("unknown field \"colour.red\""));
  EXPECT_THAT(Error("c.display_name = \"x\""),
              HasSubstr("unknown field \"c.display_name\""));
}

TEST(CompileFilterTest, SubfieldOfScalarField) {
  EXPECT_EQ(
      Error("display_name.first = \"x\""),
      "filter: string field \"display_name\" has no subfields at position 13; "
      "write display_name = ... without a '.'");
}

// --- Composition and precedence in SQL. --------------------------------------

TEST(CompileFilterTest, AndOrProduceParenthesisedSql) {
  const SqlFragment fragment = Compile(
      "region = \"EU\" AND employee_count > 10 OR is_key_account = true");
  EXPECT_EQ(
      fragment.sql,
      "(c.region = ? AND (c.employee_count > ? OR c.is_key_account = ?))");
  EXPECT_THAT(fragment.params, ElementsAre(Str("EU"), Int(10), SqlValue(true)));
}

TEST(CompileFilterTest, ParenthesesOverridePrecedence) {
  EXPECT_EQ(
      Sql("(region = \"EU\" AND employee_count > 10) OR is_key_account = true"),
      "((c.region = ? AND c.employee_count > ?) OR c.is_key_account = ?)");
}

TEST(CompileFilterTest, ImplicitAnd) {
  const SqlFragment fragment =
      Compile("region = \"EU\" tags:\"vip\" stage = LEAD");
  EXPECT_EQ(fragment.sql,
            "(c.region = ? AND JSON_CONTAINS(c.tags, JSON_QUOTE(?)) AND "
            "c.stage = ?)");
  EXPECT_THAT(fragment.params, ElementsAre(Str("EU"), Str("vip"), Int(1)));
  EXPECT_EQ(Sql("region = \"EU\" stage = LEAD OR stage = QUALIFIED"),
            "(c.region = ? AND (c.stage = ? OR c.stage = ?))");
}

TEST(CompileFilterTest, Negation) {
  EXPECT_EQ(Sql("NOT region = \"EU\""), "NOT (c.region = ?)");
  EXPECT_EQ(Sql("-tags:\"vip\""), "NOT (JSON_CONTAINS(c.tags, JSON_QUOTE(?)))");
  EXPECT_EQ(Sql("NOT (region = \"EU\" OR region = \"US\")"),
            "NOT (c.region = ? OR c.region = ?)");
  EXPECT_EQ(Sql("NOT (NOT region = \"EU\")"), "NOT (NOT (c.region = ?))");
  EXPECT_EQ(Sql("NOT region = \"EU\" OR region = \"US\""),
            "(NOT (c.region = ?) OR c.region = ?)");
  EXPECT_EQ(Sql("stage = LEAD -(region = \"EU\" region = \"US\")"),
            "(c.stage = ? AND NOT (c.region = ? AND c.region = ?))");
}

TEST(CompileFilterTest, ParamsFollowTextOrder) {
  const SqlFragment fragment = Compile(
      "(attributes.tier = \"gold\" OR display_name:\"a\") AND employee_count < "
      "3 "
      "NOT create_time < \"2026-01-01T00:00:00Z\" lifetime_value > 1 "
      "birth_date = \"1990-05-17\" attributes:x score = 2.5");
  EXPECT_EQ(
      fragment.sql,
      "((JSON_UNQUOTE(JSON_EXTRACT(c.attributes, ?)) = ? OR c.display_name "
      "LIKE ? "
      "ESCAPE '\\\\') AND c.employee_count < ? AND NOT (c.create_time < ?) AND "
      "c.lifetime_value_micros > ? AND c.birth_date = ? AND "
      "JSON_CONTAINS_PATH(c.attributes, 'one', ?) AND c.score = ?)");
  EXPECT_THAT(fragment.params,
              ElementsAre(Str("$.\"tier\""), Str("gold"), Str("%a%"), Int(3),
                          Str("2026-01-01 00:00:00.000000"), Int(1'000'000),
                          Str("1990-05-17"), Str("$.\"x\""), SqlValue(2.5)));
}

TEST(CompileFilterTest, FirstErrorWins) {
  // Syntax is checked before types, and errors are reported left to right.
  EXPECT_THAT(Error("colour = 1 AND"), HasSubstr("after AND"));
  EXPECT_THAT(Error("colour = 1 AND shade = 2"),
              HasSubstr("\"colour\" at position 1"));
}

// --- Limits. ----------------------------------------------------------------

TEST(CompileFilterTest, LengthLimit) {
  std::string filter = "display_name = \"";
  filter += std::string(kMaxFilterLengthBytes - filter.size() - 1, 'x');
  filter += "\"";
  ASSERT_EQ(filter.size(), kMaxFilterLengthBytes);
  Compile(filter);
  filter = absl::StrCat(" ", filter);  // One byte over the limit.
  EXPECT_EQ(
      Error(filter),
      "filter: filter is 2001 bytes long, more than the limit of 2000 bytes at "
      "position 2001; simplify the filter or split the query");
}

TEST(CompileFilterTest, NestingLimit) {
  const std::string ok =
      std::string(16, '(') + "stage = LEAD" + std::string(16, ')');
  EXPECT_EQ(Sql(ok), "c.stage = ?");
  const std::string too_deep =
      "NOT " + std::string(17, '(') + "stage = LEAD" + std::string(17, ')');
  EXPECT_THAT(Error(too_deep),
              HasSubstr("nested more than 16 levels deep at position 21"));
}

TEST(CompileFilterTest, RestrictionLimit) {
  std::string filter = "stage = LEAD";
  for (int i = 1; i < kMaxRestrictions; ++i) filter += " OR stage = LEAD";
  EXPECT_EQ(Compile(filter).params.size(), 64u);
  filter += " stage = LEAD";
  EXPECT_THAT(Error(filter), HasSubstr("more than 64 restrictions"));
}

// --- Hostile input. ---------------------------------------------------------

TEST(CompileFilterTest, SqlLookingStringIsJustABoundValue) {
  const SqlFragment fragment =
      Compile("display_name = \"x'; DROP TABLE contacts; --\"");
  EXPECT_EQ(fragment.sql, "c.display_name = ?");
  EXPECT_THAT(fragment.params, ElementsAre(Str("x'; DROP TABLE contacts; --")));
  EXPECT_THAT(Params("display_name:'%\" OR 1=1 -- '"),
              ElementsAre(Str("%\\%\" OR 1=1 -- %")));
  EXPECT_THAT(Params("tags:\"\\\") OR 1=1 --\""),
              ElementsAre(Str("\") OR 1=1 --")));
}

TEST(CompileFilterTest, SqlOutsideStringsIsRejected) {
  EXPECT_THAT(Error("display_name = x; DROP"),
              HasSubstr("unexpected character ';' at position 17"));
  EXPECT_THAT(
      Error("display_name = \"x\" OR 1=1"),
      HasSubstr("expected a field name but found \"1\" at position 23"));
  EXPECT_THAT(Error("display_name = \"x\" --"),
              HasSubstr("after '-' but found '-'"));
  EXPECT_THAT(Error("display_name = \"x\" /* c */"),
              HasSubstr("character '/'"));
  EXPECT_THAT(Error("display_name = \"x\"; SELECT 1"),
              HasSubstr("character ';'"));
  EXPECT_THAT(Error("1=1"), HasSubstr("expected a field name"));
  EXPECT_THAT(Error("display_name = `x`"), HasSubstr("character '`'"));
  EXPECT_THAT(Error("SLEEP(5) = 1"),
              HasSubstr("missing operator after field \"SLEEP\""));
}

TEST(CompileFilterTest, HostileMapKeysNeverReachTheJsonPath) {
  EXPECT_THAT(Error("attributes:\"a\\\") OR 1=1 --\""),
              HasSubstr("invalid key"));
  EXPECT_THAT(Error("attributes:\"$.*\""), HasSubstr("invalid key"));
  EXPECT_THAT(Error("attributes.x'y = \"1\""),
              HasSubstr("unterminated string"));
}

TEST(CompileFilterTest, NoFilterTextEverAppearsInSql) {
  // Only catalog columns, fixed SQL words and placeholders make up the SQL.
  const SqlFragment fragment = Compile(
      "display_name:\"zzqq\" OR region = 'yyww' OR attributes.kkvv = \"vvkk\"");
  for (const std::string_view literal : {"zzqq", "yyww", "kkvv", "vvkk"}) {
    EXPECT_THAT(fragment.sql, ::testing::Not(HasSubstr(literal)));
  }
}

TEST(CompileFilterTest, LongValuesAreShortenedInMessages) {
  const std::string message =
      Error(absl::StrCat("stage = \"", std::string(500, 'Q'), "\""));
  EXPECT_THAT(message, HasSubstr("QQQ...\""));
  EXPECT_LT(message.size(), 200u);
}

TEST(CompileFilterTest, ControlCharactersAreEscapedInMessages) {
  EXPECT_THAT(Error("stage = \"A\\nB\""),
              HasSubstr("unknown value \"A\\x0aB\""));
}

// --- Catalog. ---------------------------------------------------------------

TEST(FieldCatalogTest, Find) {
  const FieldCatalog& catalog = TestCatalog();
  ASSERT_NE(catalog.Find("stage"), nullptr);
  EXPECT_EQ(catalog.Find("stage")->column, "c.stage");
  EXPECT_EQ(catalog.Find("Stage"), nullptr);
  EXPECT_EQ(catalog.Find(""), nullptr);
  EXPECT_EQ(catalog.fields().size(), 11u);
}

TEST(FieldCatalogTest, EmptyCatalogRejectsEveryField) {
  const FieldCatalog empty({});
  absl::StatusOr<SqlFragment> fragment = CompileFilter("a = 1", empty);
  ASSERT_FALSE(fragment.ok());
  EXPECT_EQ(fragment.status().message(),
            "filter: unknown field \"a\" at position 1; filterable fields: ");
  EXPECT_EQ(CompileFilter("", empty)->sql, "1=1");
}

using FieldCatalogDeathTest = ::testing::Test;

TEST_F(FieldCatalogDeathTest, MalformedCatalogsAreProgrammingErrors) {
  EXPECT_DEATH(FieldCatalog({{"a", FieldType::kString, "t.a", {}, {}},
                             {"a", FieldType::kInt64, "t.b", {}, {}}}),
               "listed twice");
  EXPECT_DEATH(FieldCatalog({{"a b", FieldType::kString, "t.a", {}, {}}}),
               "identifier");
  EXPECT_DEATH(FieldCatalog({{"AND", FieldType::kString, "t.a", {}, {}}}),
               "identifier");
  EXPECT_DEATH(FieldCatalog({{"a", FieldType::kString, "", {}, {}}}),
               "column is empty");
  EXPECT_DEATH(FieldCatalog({{"a", FieldType::kEnum, "t.a", {}, {}}}), "no values");
  EXPECT_DEATH(
      FieldCatalog({{"a", FieldType::kEnum, "t.a", {{"X", 1}, {"X", 2}}, {}}}),
      "unique");
  EXPECT_DEATH(FieldCatalog({{"a", FieldType::kInt64, "t.a", {{"X", 1}}, {}}}),
               "not kEnum");
  EXPECT_DEATH(FieldCatalog({{"a", FieldType::kResourceName, "t.a", {}, {}}}),
               "resource_prefix");
  EXPECT_DEATH(FieldCatalog({{"a", FieldType::kString, "t.a", {}, "x/"}}), "resource_prefix");
}

}  // namespace
}  // namespace crm::filter

namespace crm::filter {
namespace {

FieldCatalog ResourceNameCatalog() {
  FieldSpec contact{"contact", FieldType::kResourceName, "contact_id", {}, "contacts/"};
  return FieldCatalog({contact});
}

TEST(ResourceNameFilterTest, BindsTheBareIdSoTheIndexIsUsed) {
  absl::StatusOr<storage::SqlFragment> sql =
      CompileFilter("contact = \"contacts/01jabc\"", ResourceNameCatalog());
  ASSERT_TRUE(sql.ok()) << sql.status();
  EXPECT_EQ(sql->sql, "contact_id = ?");
  ASSERT_EQ(sql->params.size(), 1u);
  EXPECT_EQ(std::get<std::string>(sql->params[0]), "01jabc");
  sql = CompileFilter("contact != 'contacts/x'", ResourceNameCatalog());
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->sql, "contact_id <> ?");
}

TEST(ResourceNameFilterTest, RejectsOtherCollectionsOperatorsAndBareValues) {
  for (const char* bad : {"contact = \"accounts/x\"", "contact = \"contacts/\"",
                          "contact = \"contacts/a/b\"", "contact : \"contacts/x\"",
                          "contact > \"contacts/x\"", "contact = contacts"}) {
    absl::StatusOr<storage::SqlFragment> sql = CompileFilter(bad, ResourceNameCatalog());
    EXPECT_EQ(sql.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(sql.status().message()), ::testing::HasSubstr("position")) << bad;
  }
}

}  // namespace
}  // namespace crm::filter
