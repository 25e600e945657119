#include "server/filter/lexer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::filter::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<TokenKind> Kinds(const std::vector<Token>& tokens) {
  std::vector<TokenKind> kinds;
  for (const Token& token : tokens) kinds.push_back(token.kind);
  return kinds;
}

std::vector<Token> MustTokenize(std::string_view filter) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(filter);
  EXPECT_TRUE(tokens.ok()) << tokens.status();
  return tokens.ok() ? *tokens : std::vector<Token>{};
}

std::string TokenizeError(std::string_view filter) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(filter);
  EXPECT_FALSE(tokens.ok()) << filter;
  if (tokens.ok()) return "";
  EXPECT_EQ(tokens.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tokens.status().message()), StartsWith("filter: "));
  return std::string(tokens.status().message());
}

TEST(LexerTest, EmptyInputIsJustEnd) {
  EXPECT_THAT(Kinds(MustTokenize("")), ElementsAre(TokenKind::kEnd));
  EXPECT_THAT(Kinds(MustTokenize(" \t\r\n ")), ElementsAre(TokenKind::kEnd));
}

TEST(LexerTest, RestrictionTokensAndOffsets) {
  const std::vector<Token> tokens = MustTokenize("display_name = \"Acme\"");
  ASSERT_THAT(Kinds(tokens),
              ElementsAre(TokenKind::kWord, TokenKind::kComparator,
                          TokenKind::kString, TokenKind::kEnd));
  EXPECT_EQ(tokens[0].text, "display_name");
  EXPECT_EQ(tokens[0].offset, 0u);
  EXPECT_EQ(tokens[1].comparator, Comparator::kEqual);
  EXPECT_EQ(tokens[1].offset, 13u);
  EXPECT_EQ(tokens[2].text, "Acme");
  EXPECT_EQ(tokens[2].offset, 15u);
  EXPECT_EQ(tokens[3].offset, 21u);
}

TEST(LexerTest, AllComparators) {
  const std::vector<Token> tokens = MustTokenize("= != < <= > >= :");
  std::vector<Comparator> comparators;
  for (const Token& token : tokens) {
    if (token.kind == TokenKind::kComparator)
      comparators.push_back(token.comparator);
  }
  EXPECT_THAT(
      comparators,
      ElementsAre(Comparator::kEqual, Comparator::kNotEqual, Comparator::kLess,
                  Comparator::kLessOrEqual, Comparator::kGreater,
                  Comparator::kGreaterOrEqual, Comparator::kHas));
}

TEST(LexerTest, ComparatorsNeedNoSurroundingSpace) {
  const std::vector<Token> tokens = MustTokenize("a<=5");
  ASSERT_THAT(Kinds(tokens),
              ElementsAre(TokenKind::kWord, TokenKind::kComparator,
                          TokenKind::kWord, TokenKind::kEnd));
  EXPECT_EQ(tokens[1].comparator, Comparator::kLessOrEqual);
  EXPECT_EQ(tokens[2].text, "5");
}

TEST(LexerTest, WordsIncludeDotsAndInnerDashes) {
  const std::vector<Token> tokens =
      MustTokenize("attributes.vip-level 1e-3 12.5");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, "attributes.vip-level");
  EXPECT_EQ(tokens[1].text, "1e-3");
  EXPECT_EQ(tokens[2].text, "12.5");
}

TEST(LexerTest, LeadingMinusIsItsOwnToken) {
  const std::vector<Token> tokens = MustTokenize("-a -5");
  ASSERT_THAT(Kinds(tokens), ElementsAre(TokenKind::kMinus, TokenKind::kWord,
                                         TokenKind::kMinus, TokenKind::kWord,
                                         TokenKind::kEnd));
  EXPECT_TRUE(tokens[0].preceded_by_space);  // Start of input.
  EXPECT_FALSE(tokens[1].preceded_by_space);
  EXPECT_TRUE(tokens[2].preceded_by_space);
  EXPECT_FALSE(tokens[3].preceded_by_space);
}

TEST(LexerTest, Parentheses) {
  EXPECT_THAT(Kinds(MustTokenize("(a)")),
              ElementsAre(TokenKind::kLeftParen, TokenKind::kWord,
                          TokenKind::kRightParen, TokenKind::kEnd));
}

TEST(LexerTest, StringEscapes) {
  const std::vector<Token> tokens =
      MustTokenize(R"("a\"b\\c\nd\te\'f" 'single "double" \' quote')");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].text, "a\"b\\c\nd\te'f");
  EXPECT_EQ(tokens[1].text, "single \"double\" ' quote");
}

TEST(LexerTest, StringsKeepUtf8AndSqlLookingText) {
  const std::vector<Token> tokens =
      MustTokenize("\"Zoë 東京 x'; DROP TABLE t; --\"");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].text, "Zoë 東京 x'; DROP TABLE t; --");
}

TEST(LexerTest, EmptyString) {
  const std::vector<Token> tokens = MustTokenize("\"\" ''");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].text, "");
  EXPECT_EQ(tokens[1].text, "");
}

TEST(LexerTest, UnterminatedString) {
  EXPECT_EQ(TokenizeError("a = \"abc"),
            "filter: unterminated string (missing closing \") starting at "
            "position 5");
  EXPECT_THAT(TokenizeError("a = 'abc\\'"), HasSubstr("unterminated string"));
  EXPECT_THAT(TokenizeError("a = \"abc\\"), HasSubstr("at position 5"));
}

TEST(LexerTest, UnknownEscape) {
  EXPECT_THAT(TokenizeError(R"(a = "x\q")"),
              AllOf(HasSubstr("unknown escape sequence '\\q'"),
                    HasSubstr("at position 7")));
}

TEST(LexerTest, InvalidUtf8InString) {
  EXPECT_THAT(TokenizeError("a = \"\xC3\""),
              AllOf(HasSubstr("invalid UTF-8"), HasSubstr("position 6")));
  // Overlong encoding of '/'.
  EXPECT_THAT(TokenizeError("a = \"\xC0\xAF\""), HasSubstr("invalid UTF-8"));
  // UTF-16 surrogate.
  EXPECT_THAT(TokenizeError("a = \"\xED\xA0\x80\""),
              HasSubstr("invalid UTF-8"));
}

TEST(LexerTest, UnexpectedCharacters) {
  EXPECT_EQ(
      TokenizeError("display_name = x; DROP"),
      "filter: unexpected character ';' at position 17; a filter is made of "
      "restrictions such as display_name = \"Acme\" joined by AND, OR, NOT and "
      "parentheses");
  EXPECT_THAT(TokenizeError("a ! b"),
              AllOf(HasSubstr("unexpected character '!' at position 3"),
                    HasSubstr("use !=")));
  EXPECT_THAT(TokenizeError("a = b*"), HasSubstr("'*' at position 6"));
  EXPECT_THAT(TokenizeError("a = \x01"), HasSubstr("byte 0x01 at position 5"));
  EXPECT_THAT(TokenizeError("name = Zoë"),
              AllOf(HasSubstr("byte 0xC3 at position 10"),
                    HasSubstr("text values must be quoted")));
  EXPECT_THAT(TokenizeError(".5"), HasSubstr("character '.' at position 1"));
  EXPECT_THAT(TokenizeError("a = +5"), HasSubstr("character '+'"));
}

TEST(LexerTest, DescribeToken) {
  const std::vector<Token> tokens = MustTokenize("AND foo \"s\" ( :");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(DescribeToken(tokens[0]), "AND");
  EXPECT_EQ(DescribeToken(tokens[1]), "\"foo\"");
  EXPECT_EQ(DescribeToken(tokens[2]), "string \"s\"");
  EXPECT_EQ(DescribeToken(tokens[3]), "'('");
  EXPECT_EQ(DescribeToken(tokens[4]), "':'");
  EXPECT_EQ(DescribeToken(tokens[5]), "end of filter");
}

}  // namespace
}  // namespace crm::filter::internal
