#include "server/filter/parser.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/filter/ast.h"
#include "server/filter/filter.h"
#include "server/filter/lexer.h"

namespace crm::filter::internal {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Renders the tree as an s-expression so tests can state its shape compactly.
std::string Render(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kRestriction: {
      const Restriction& r = node.restriction;
      std::string value = r.value.text;
      if (r.value.kind == Literal::Kind::kString)
        value = absl::StrCat("\"", value, "\"");
      return absl::StrCat(r.field, ComparatorText(r.comparator), value);
    }
    case Node::Kind::kNot:
      return absl::StrCat("(NOT ", Render(node.children.front()), ")");
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      std::string out = node.kind == Node::Kind::kAnd ? "(AND" : "(OR";
      for (const Node& child : node.children)
        absl::StrAppend(&out, " ", Render(child));
      return out + ")";
    }
  }
  return "?";
}

absl::StatusOr<Node> ParseText(std::string_view filter) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(filter);
  if (!tokens.ok()) return tokens.status();
  return Parse(*tokens);
}

std::string Tree(std::string_view filter) {
  absl::StatusOr<Node> node = ParseText(filter);
  EXPECT_TRUE(node.ok()) << filter << ": " << node.status();
  return node.ok() ? Render(*node) : "";
}

std::string ParseError(std::string_view filter) {
  absl::StatusOr<Node> node = ParseText(filter);
  EXPECT_FALSE(node.ok()) << filter << " parsed as "
                          << (node.ok() ? Render(*node) : "");
  if (node.ok()) return "";
  EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(node.status().message()), StartsWith("filter: "));
  return std::string(node.status().message());
}

TEST(ParserTest, SingleRestriction) {
  EXPECT_EQ(Tree("a = 1"), "a=1");
  EXPECT_EQ(Tree("a:\"x\""), "a:\"x\"");
  EXPECT_EQ(Tree("stage = LEAD"), "stage=LEAD");
  EXPECT_EQ(Tree("a >= -5"), "a>=-5");
  EXPECT_EQ(Tree("a=-5.5"), "a=-5.5");
}

TEST(ParserTest, RecordsOffsets) {
  absl::StatusOr<Node> node = ParseText("  score <= -1");
  ASSERT_TRUE(node.ok());
  EXPECT_EQ(node->restriction.field_offset, 2u);
  EXPECT_EQ(node->restriction.comparator_offset, 8u);
  EXPECT_EQ(node->restriction.value.offset, 11u);
  EXPECT_EQ(node->restriction.value.kind, Literal::Kind::kNumber);
}

TEST(ParserTest, LiteralKinds) {
  absl::StatusOr<Node> word = ParseText("a = true");
  ASSERT_TRUE(word.ok());
  EXPECT_EQ(word->restriction.value.kind, Literal::Kind::kWord);
  absl::StatusOr<Node> string = ParseText("a = '1'");
  ASSERT_TRUE(string.ok());
  EXPECT_EQ(string->restriction.value.kind, Literal::Kind::kString);
}

TEST(ParserTest, AndOr) {
  EXPECT_EQ(Tree("a=1 AND b=2"), "(AND a=1 b=2)");
  EXPECT_EQ(Tree("a=1 OR b=2"), "(OR a=1 b=2)");
  EXPECT_EQ(Tree("a=1 AND b=2 AND c=3"), "(AND a=1 b=2 c=3)");
  EXPECT_EQ(Tree("a=1 OR b=2 OR c=3"), "(OR a=1 b=2 c=3)");
}

TEST(ParserTest, OrBindsTighterThanAnd) {
  EXPECT_EQ(Tree("a=1 AND b=2 OR c=3"), "(AND a=1 (OR b=2 c=3))");
  EXPECT_EQ(Tree("a=1 OR b=2 AND c=3"), "(AND (OR a=1 b=2) c=3)");
  EXPECT_EQ(Tree("a=1 OR b=2 AND c=3 OR d=4"),
            "(AND (OR a=1 b=2) (OR c=3 d=4))");
}

TEST(ParserTest, ImplicitAndIsASequence) {
  EXPECT_EQ(Tree("a=1 b=2"), "(AND a=1 b=2)");
  EXPECT_EQ(Tree("a=1 b=2 OR c=3"), "(AND a=1 (OR b=2 c=3))");
  EXPECT_EQ(Tree("a=1 OR b=2 c=3"), "(AND (OR a=1 b=2) c=3)");
  EXPECT_EQ(Tree("a=1 b=2 AND c=3"), "(AND a=1 b=2 c=3)");
  EXPECT_EQ(Tree("a=1 (b=2 OR c=3)"), "(AND a=1 (OR b=2 c=3))");
  EXPECT_EQ(Tree("a=1 -b=2 NOT c=3"), "(AND a=1 (NOT b=2) (NOT c=3))");
}

TEST(ParserTest, Parentheses) {
  EXPECT_EQ(Tree("(a=1)"), "a=1");
  EXPECT_EQ(Tree("(a=1 AND b=2) OR c=3"), "(OR (AND a=1 b=2) c=3)");
  EXPECT_EQ(Tree("a=1 AND (b=2 AND c=3)"), "(AND a=1 b=2 c=3)");
  EXPECT_EQ(Tree("((a=1 OR b=2)) OR c=3"), "(OR a=1 b=2 c=3)");
  EXPECT_EQ(Tree("( a=1 )"), "a=1");
}

TEST(ParserTest, Negation) {
  EXPECT_EQ(Tree("NOT a=1"), "(NOT a=1)");
  EXPECT_EQ(Tree("-a=1"), "(NOT a=1)");
  EXPECT_EQ(Tree("NOT (a=1 OR b=2)"), "(NOT (OR a=1 b=2))");
  EXPECT_EQ(Tree("NOT(a=1)"), "(NOT a=1)");
  EXPECT_EQ(Tree("-(a=1 b=2)"), "(NOT (AND a=1 b=2))");
  // NOT applies to one term only: it binds tighter than OR and AND.
  EXPECT_EQ(Tree("NOT a=1 OR b=2"), "(OR (NOT a=1) b=2)");
  EXPECT_EQ(Tree("NOT a=1 AND b=2"), "(AND (NOT a=1) b=2)");
  EXPECT_EQ(Tree("NOT (NOT a=1)"), "(NOT (NOT a=1))");
}

TEST(ParserTest, NegativeNumberIsNotNegation) {
  EXPECT_EQ(Tree("a=-1 -b=2"), "(AND a=-1 (NOT b=2))");
}

TEST(ParserTest, KeywordsAreCaseSensitive) {
  // Lowercase `and` is not an operator: it reads as a field name.
  EXPECT_THAT(ParseError("a=1 and b=2"),
              AllOf(HasSubstr("missing operator after field \"and\""),
                    HasSubstr("position 9"), HasSubstr("uppercase")));
  EXPECT_EQ(Tree("NOTE=1"), "NOTE=1");
  EXPECT_EQ(Tree("ORDER=1 ANDROID=2"), "(AND ORDER=1 ANDROID=2)");
}

TEST(ParserTest, MissingOperator) {
  EXPECT_EQ(
      ParseError("display_name"),
      "filter: missing operator after field \"display_name\", found end of "
      "filter at position 13; expected one of = != < <= > >= : after the field "
      "name, e.g. display_name = \"Acme\"");
  EXPECT_THAT(ParseError("a \"x\""), HasSubstr("position 3"));
}

TEST(ParserTest, MissingValue) {
  EXPECT_EQ(ParseError("display_name ="),
            "filter: missing value after '=' for field \"display_name\", found "
            "end of "
            "filter at position 15; a value is a quoted string, a number, "
            "true, false "
            "or an enum value name, e.g. display_name = \"Acme\"");
  EXPECT_THAT(
      ParseError("a = AND b = 1"),
      AllOf(HasSubstr("missing value"), HasSubstr("found AND at position 5")));
  EXPECT_THAT(ParseError("a = )"), HasSubstr("found ')' at position 5"));
  EXPECT_THAT(ParseError("a = = 1"), HasSubstr("found '=' at position 5"));
  EXPECT_THAT(ParseError("a = - 1"),
              AllOf(HasSubstr("expected a number right after '-'"),
                    HasSubstr("position 5")));
  EXPECT_THAT(ParseError("a = -x"),
              HasSubstr("expected a number right after '-'"));
}

TEST(ParserTest, MissingRestriction) {
  EXPECT_EQ(
      ParseError("a=1 AND"),
      "filter: expected a restriction after AND but found end of filter at "
      "position 8; a restriction looks like display_name = \"Acme\"");
  EXPECT_THAT(ParseError("a=1 OR"),
              HasSubstr("after OR but found end of filter"));
  EXPECT_THAT(ParseError("AND a=1"), HasSubstr("found AND at position 1"));
  EXPECT_THAT(ParseError("a=1 AND OR b=2"),
              HasSubstr("after AND but found OR at position 9"));
  EXPECT_THAT(ParseError("NOT"),
              HasSubstr("after NOT but found end of filter"));
  EXPECT_THAT(ParseError("-"), HasSubstr("after '-' but found end of filter"));
  EXPECT_THAT(ParseError("NOT NOT a=1"),
              AllOf(HasSubstr("position 5"), HasSubstr("NOT (NOT a = 1)")));
  EXPECT_THAT(ParseError("- -a=1"), HasSubstr("position 3"));
  EXPECT_THAT(
      ParseError("\"x\" = a"),
      HasSubstr("expected a restriction but found string \"x\" at position 1"));
  EXPECT_THAT(ParseError("5 = a"),
              AllOf(HasSubstr("expected a field name but found \"5\""),
                    HasSubstr("position 1")));
  EXPECT_THAT(ParseError("= 5"), HasSubstr("found '=' at position 1"));
}

TEST(ParserTest, Parenthesis) {
  EXPECT_EQ(
      ParseError("()"),
      "filter: empty parentheses at position 1; put a restriction inside, e.g. "
      "(display_name = \"Acme\")");
  EXPECT_THAT(ParseError("a=1 AND ( )"),
              HasSubstr("empty parentheses at position 9"));
  EXPECT_EQ(
      ParseError("(a=1 OR b=2"),
      "filter: expected ')' to close the '(' at position 1 but found end of "
      "filter at position 12");
  EXPECT_THAT(
      ParseError("(a=1 \"x\")"),
      HasSubstr(
          "expected ')' to close the '(' at position 1 but found string"));
  EXPECT_THAT(ParseError("a=1)"),
              AllOf(HasSubstr("unexpected ')' at position 4"),
                    HasSubstr("no matching '('")));
}

TEST(ParserTest, TrailingGarbage) {
  EXPECT_EQ(ParseError("a=1 \"x\""),
            "filter: unexpected string \"x\" at position 5; expected AND, OR "
            "or the end "
            "of the filter");
  EXPECT_THAT(ParseError("a=1 = 2"), HasSubstr("unexpected '=' at position 5"));
  EXPECT_THAT(ParseError("a=1 AND b=2 :"),
              HasSubstr("unexpected ':' at position 13"));
  EXPECT_THAT(ParseError("a = 1 2"),
              AllOf(HasSubstr("expected a field name but found \"2\""),
                    HasSubstr("position 7")));
}

TEST(ParserTest, ImplicitAndNeedsWhitespace) {
  EXPECT_THAT(ParseError("a=\"x\"b=\"y\""),
              AllOf(HasSubstr("missing whitespace, AND or OR before \"b\""),
                    HasSubstr("position 6")));
  EXPECT_THAT(ParseError("(a=1)(b=2)"), HasSubstr("position 6"));
  EXPECT_THAT(ParseError("a=\"x\"-b=1"), HasSubstr("before '-' at position 6"));
}

std::string Nested(int depth) {
  return std::string(depth, '(') + "a=1" + std::string(depth, ')');
}

TEST(ParserTest, NestingDepthLimit) {
  EXPECT_EQ(Tree(Nested(kMaxNestingDepth)), "a=1");
  EXPECT_EQ(
      ParseError(Nested(kMaxNestingDepth + 1)),
      "filter: parentheses nested more than 16 levels deep at position 17; "
      "simplify the filter");
  // Depth counts nesting, not the number of groups.
  std::string many_groups = "(a=1)";
  for (int i = 0; i < 40; ++i) many_groups += " OR (a=1)";
  EXPECT_TRUE(ParseText(many_groups).ok());
  // Hostile input cannot exhaust the stack.
  EXPECT_THAT(ParseError(std::string(1000, '(')),
              HasSubstr("nested more than 16"));
}

TEST(ParserTest, RestrictionLimit) {
  std::string filter = "a=1";
  for (int i = 1; i < kMaxRestrictions; ++i) filter += " OR a=1";
  EXPECT_TRUE(ParseText(filter).ok());
  const size_t offset_of_next = filter.size() + 4;
  filter += " OR a=1";
  EXPECT_EQ(ParseError(filter),
            absl::StrCat("filter: more than 64 restrictions at position ",
                         offset_of_next + 1,
                         "; split the query or simplify the filter"));
}

}  // namespace
}  // namespace crm::filter::internal
