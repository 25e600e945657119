#include "server/filter/lexer.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/filter/errors.h"

namespace crm::filter::internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

bool IsWordStart(char c) { return IsAsciiAlnum(c) || c == '_'; }

// `.` joins a field and a map key; `-` appears in map keys and exponents.
bool IsWordContinuation(char c) {
  return IsWordStart(c) || c == '.' || c == '-';
}

// Returns the length of the well-formed UTF-8 sequence starting at
// `text[0]`, or 0 if it is malformed (bad lead byte, truncated, overlong,
// surrogate, above U+10FFFF).
size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;  // Overlong.
    if (lead == 0xED) max_second = 0x9F;  // UTF-16 surrogates.
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;  // Overlong.
    if (lead == 0xF4) max_second = 0x8F;  // Above U+10FFFF.
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  if (byte(1) < min_second || byte(1) > max_second) return 0;
  for (size_t i = 2; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::string DescribeCharacter(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte <= 0x7e) {
    return absl::StrCat("character '", std::string(1, c), "'");
  }
  return absl::StrFormat("byte 0x%02X", byte);
}

class Lexer {
 public:
  explicit Lexer(std::string_view filter) : filter_(filter) {}

  absl::StatusOr<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    bool preceded_by_space = true;  // The start of input counts as a separator.
    while (true) {
      while (position_ < filter_.size() && IsSpace(filter_[position_])) {
        ++position_;
        preceded_by_space = true;
      }
      Token token;
      token.offset = position_;
      token.preceded_by_space = preceded_by_space;
      preceded_by_space = false;
      if (position_ == filter_.size()) {
        token.kind = TokenKind::kEnd;
        tokens.push_back(std::move(token));
        return tokens;
      }
      if (absl::Status status = LexOne(token); !status.ok()) return status;
      tokens.push_back(std::move(token));
    }
  }

 private:
  // Lexes the token at position_ (not whitespace, not end) into `token`.
  absl::Status LexOne(Token& token) {
    const char c = filter_[position_];
    if (IsWordStart(c)) {
      const size_t start = position_;
      while (position_ < filter_.size() &&
             IsWordContinuation(filter_[position_])) {
        ++position_;
      }
      token.kind = TokenKind::kWord;
      token.text = std::string(filter_.substr(start, position_ - start));
      return absl::OkStatus();
    }
    if (c == '"' || c == '\'') return LexString(token);
    switch (c) {
      case '(':
        return Single(token, TokenKind::kLeftParen);
      case ')':
        return Single(token, TokenKind::kRightParen);
      case '-':
        return Single(token, TokenKind::kMinus);
      case '=':
        return ComparatorToken(token, Comparator::kEqual, 1);
      case ':':
        return ComparatorToken(token, Comparator::kHas, 1);
      case '<':
        return NextIs('=') ? ComparatorToken(token, Comparator::kLessOrEqual, 2)
                           : ComparatorToken(token, Comparator::kLess, 1);
      case '>':
        return NextIs('=')
                   ? ComparatorToken(token, Comparator::kGreaterOrEqual, 2)
                   : ComparatorToken(token, Comparator::kGreater, 1);
      case '!':
        if (NextIs('=')) {
          return ComparatorToken(token, Comparator::kNotEqual, 2);
        }
        return FilterError("unexpected character '!'", position_,
                           "use != for \"not equal\" or NOT to negate");
      default:
        break;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      return FilterError(
          absl::StrCat("unexpected ", DescribeCharacter(c)), position_,
          "text values must be quoted, e.g. display_name = \"Zoë\"");
    }
    return FilterError(
        absl::StrCat("unexpected ", DescribeCharacter(c)), position_,
        "a filter is made of restrictions such as "
        "display_name = \"Acme\" joined by AND, OR, NOT and parentheses");
  }

  bool NextIs(char expected) const {
    return position_ + 1 < filter_.size() && filter_[position_ + 1] == expected;
  }

  absl::Status Single(Token& token, TokenKind kind) {
    token.kind = kind;
    token.text = std::string(1, filter_[position_]);
    ++position_;
    return absl::OkStatus();
  }

  absl::Status ComparatorToken(Token& token, Comparator comparator,
                               size_t length) {
    token.kind = TokenKind::kComparator;
    token.comparator = comparator;
    token.text = std::string(filter_.substr(position_, length));
    position_ += length;
    return absl::OkStatus();
  }

  absl::Status LexString(Token& token) {
    const size_t start = position_;
    const char quote = filter_[position_++];
    std::string value;
    while (position_ < filter_.size()) {
      const char c = filter_[position_];
      if (c == quote) {
        ++position_;
        token.kind = TokenKind::kString;
        token.text = std::move(value);
        return absl::OkStatus();
      }
      if (c == '\\') {
        if (position_ + 1 >= filter_.size()) break;  // Unterminated.
        const char escaped = filter_[position_ + 1];
        switch (escaped) {
          case '"':
          case '\'':
          case '\\':
            value.push_back(escaped);
            break;
          case 'n':
            value.push_back('\n');
            break;
          case 't':
            value.push_back('\t');
            break;
          default:
            return FilterError(
                absl::StrCat("unknown escape sequence '\\",
                             std::string(1, escaped), "' in string"),
                position_, "supported escapes are \\\" \\' \\\\ \\n \\t");
        }
        position_ += 2;
        continue;
      }
      const size_t length = Utf8SequenceLength(filter_.substr(position_));
      if (length == 0) {
        return FilterError("string contains invalid UTF-8", position_,
                           "filters must be UTF-8 text");
      }
      value.append(filter_.substr(position_, length));
      position_ += length;
    }
    return FilterError(absl::StrCat("unterminated string (missing closing ",
                                    std::string(1, quote), ") starting"),
                       start);
  }

  std::string_view filter_;
  size_t position_ = 0;
};

}  // namespace

absl::string_view ComparatorText(Comparator comparator) {
  switch (comparator) {
    case Comparator::kEqual:
      return "=";
    case Comparator::kNotEqual:
      return "!=";
    case Comparator::kLess:
      return "<";
    case Comparator::kLessOrEqual:
      return "<=";
    case Comparator::kGreater:
      return ">";
    case Comparator::kGreaterOrEqual:
      return ">=";
    case Comparator::kHas:
      return ":";
  }
  return "?";
}

std::string DescribeToken(const Token& token) {
  switch (token.kind) {
    case TokenKind::kWord:
      return token.text == "AND" || token.text == "OR" || token.text == "NOT"
                 ? token.text
                 : QuoteForMessage(token.text);
    case TokenKind::kString:
      return absl::StrCat("string ", QuoteForMessage(token.text));
    case TokenKind::kComparator:
    case TokenKind::kLeftParen:
    case TokenKind::kRightParen:
    case TokenKind::kMinus:
      return absl::StrCat("'", token.text, "'");
    case TokenKind::kEnd:
      return "end of filter";
  }
  return "token";
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view filter) {
  return Lexer(filter).Run();
}

}  // namespace crm::filter::internal
