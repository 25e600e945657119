// Splits filter text into tokens. The lexer knows nothing about fields or
// types: it decides where tokens start and end, and unescapes strings.
#ifndef CRM_SERVER_FILTER_LEXER_H_
#define CRM_SERVER_FILTER_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::filter::internal {

enum class TokenKind {
  // A run of [A-Za-z0-9_.-] starting with [A-Za-z0-9_]: field paths
  // (`attributes.vip-level`), keywords (AND, OR, NOT), true/false, enum
  // names and unsigned numbers (`12`, `12.5`, `1e-3`). The parser decides
  // which it is.
  kWord,
  kString,      // A quoted string; `text` holds the unescaped value.
  kComparator,  // = != < <= > >= :
  kLeftParen,
  kRightParen,
  kMinus,  // `-` not inside a word: negation, or the sign of a number.
  kEnd,    // End of input; always the last token.
};

enum class Comparator {
  kEqual,
  kNotEqual,
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
  kHas,  // `:`
};

// The comparator as written in a filter, e.g. "<=".
absl::string_view ComparatorText(Comparator comparator);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // kWord: the word; kString: the unescaped value; otherwise the source text.
  std::string text;
  size_t offset = 0;  // 0-based byte offset of the token's first character.
  // True when whitespace (or the start of the filter) comes right before the
  // token. The parser needs it to tell `-5` from `- 5` and to require
  // whitespace between implicitly AND-ed terms.
  bool preceded_by_space = false;
  Comparator comparator = Comparator::kEqual;  // kComparator only.
};

// Describes a token for error messages, e.g. `')'`, `string "abc"`,
// `end of filter`.
std::string DescribeToken(const Token& token);

// Tokenizes `filter`. The returned vector always ends with a kEnd token.
// Errors: unexpected character, unterminated string, unknown escape sequence,
// string literal that is not valid UTF-8.
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view filter);

}  // namespace crm::filter::internal

#endif  // CRM_SERVER_FILTER_LEXER_H_
