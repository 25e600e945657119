#include "server/filter/parser.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/filter/ast.h"
#include "server/filter/errors.h"
#include "server/filter/filter.h"
#include "server/filter/lexer.h"

namespace crm::filter::internal {
namespace {

constexpr absl::string_view kComparatorList = "= != < <= > >= :";
constexpr absl::string_view kRestrictionExample = "display_name = \"Acme\"";

bool IsKeyword(const Token& token, std::string_view keyword) {
  return token.kind == TokenKind::kWord && token.text == keyword;
}

bool IsAnyKeyword(const Token& token) {
  return IsKeyword(token, "AND") || IsKeyword(token, "OR") ||
         IsKeyword(token, "NOT");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Words a client may have meant as operators; AIP-160 keywords are uppercase.
bool IsLowercaseKeyword(std::string_view word) {
  return word == "and" || word == "or" || word == "not" || word == "And" ||
         word == "Or" || word == "Not";
}

Node MakeNode(Node::Kind kind) {
  Node node;
  node.kind = kind;
  return node;
}

// Appends `child` to `parent` (of kind kAnd or kOr), splicing in the operands
// of a child of the same kind: AND and OR are associative, so the flat form is
// equivalent and produces less deeply parenthesised SQL.
void AppendOperand(Node& parent, Node child) {
  if (child.kind == parent.kind) {
    for (Node& grandchild : child.children) {
      parent.children.push_back(std::move(grandchild));
    }
  } else {
    parent.children.push_back(std::move(child));
  }
}

// Collapses a one-operand AND/OR into its operand.
Node Simplify(Node node) {
  if ((node.kind == Node::Kind::kAnd || node.kind == Node::Kind::kOr) &&
      node.children.size() == 1) {
    return std::move(node.children.front());
  }
  return node;
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  absl::StatusOr<Node> Run() {
    absl::StatusOr<Node> root = ParseExpression(/*depth=*/0);
    if (!root.ok()) return root.status();
    if (Peek().kind != TokenKind::kEnd) {
      return FilterError(absl::StrCat("unexpected ", DescribeToken(Peek())),
                         Peek().offset,
                         Peek().kind == TokenKind::kRightParen
                             ? "this ')' has no matching '('"
                             : "expected AND, OR or the end of the filter");
    }
    return root;
  }

 private:
  const Token& Peek() const { return tokens_[index_]; }
  // Never moves past the final kEnd token.
  const Token& Advance() {
    const Token& token = tokens_[index_];
    if (token.kind != TokenKind::kEnd) ++index_;
    return token;
  }

  // expression = sequence { "AND" sequence }
  absl::StatusOr<Node> ParseExpression(int depth) {
    Node conjunction = MakeNode(Node::Kind::kAnd);
    while (true) {
      absl::StatusOr<Node> sequence = ParseSequence(depth);
      if (!sequence.ok()) return sequence.status();
      AppendOperand(conjunction, *std::move(sequence));
      if (!IsKeyword(Peek(), "AND")) break;
      Advance();
    }
    return Simplify(std::move(conjunction));
  }

  // sequence = factor { WS factor }: juxtaposed terms are an implicit AND.
  absl::StatusOr<Node> ParseSequence(int depth) {
    Node conjunction = MakeNode(Node::Kind::kAnd);
    while (true) {
      absl::StatusOr<Node> factor = ParseFactor(depth);
      if (!factor.ok()) return factor.status();
      AppendOperand(conjunction, *std::move(factor));
      if (!StartsTerm(Peek())) break;
      if (!Peek().preceded_by_space) {
        return FilterError(absl::StrCat("missing whitespace, AND or OR before ",
                                        DescribeToken(Peek())),
                           Peek().offset);
      }
    }
    return Simplify(std::move(conjunction));
  }

  // factor = term { "OR" term }
  absl::StatusOr<Node> ParseFactor(int depth) {
    Node disjunction = MakeNode(Node::Kind::kOr);
    while (true) {
      absl::StatusOr<Node> term = ParseTerm(depth);
      if (!term.ok()) return term.status();
      AppendOperand(disjunction, *std::move(term));
      if (!IsKeyword(Peek(), "OR")) break;
      Advance();
    }
    return Simplify(std::move(disjunction));
  }

  static bool StartsTerm(const Token& token) {
    switch (token.kind) {
      case TokenKind::kLeftParen:
      case TokenKind::kMinus:
        return true;
      case TokenKind::kWord:
        return !IsKeyword(token, "AND") && !IsKeyword(token, "OR");
      default:
        return false;
    }
  }

  // term = [ "NOT" | "-" ] simple
  absl::StatusOr<Node> ParseTerm(int depth) {
    if (IsKeyword(Peek(), "NOT") || Peek().kind == TokenKind::kMinus) {
      Advance();
      absl::StatusOr<Node> operand = ParseSimple(depth);
      if (!operand.ok()) return operand.status();
      Node negation = MakeNode(Node::Kind::kNot);
      negation.children.push_back(*std::move(operand));
      return negation;
    }
    return ParseSimple(depth);
  }

  // simple = restriction | "(" expression ")"
  absl::StatusOr<Node> ParseSimple(int depth) {
    const Token& token = Peek();
    if (token.kind == TokenKind::kLeftParen) return ParseParenthesised(depth);
    if (token.kind == TokenKind::kWord && !IsAnyKeyword(token)) {
      return ParseRestriction();
    }
    std::string what = "expected a restriction";
    if (index_ > 0) {
      const Token& previous = tokens_[index_ - 1];
      if (IsAnyKeyword(previous) || previous.kind == TokenKind::kMinus ||
          previous.kind == TokenKind::kLeftParen) {
        absl::StrAppend(&what, " after ", DescribeToken(previous));
      }
    }
    absl::StrAppend(&what, " but found ", DescribeToken(token));
    std::string hint =
        absl::StrCat("a restriction looks like ", kRestrictionExample);
    if (IsKeyword(token, "NOT") || token.kind == TokenKind::kMinus) {
      hint = "to negate twice, use parentheses: NOT (NOT a = 1)";
    }
    return FilterError(what, token.offset, hint);
  }

  absl::StatusOr<Node> ParseParenthesised(int depth) {
    const Token& open = Advance();
    if (depth + 1 > kMaxNestingDepth) {
      return FilterError(absl::StrCat("parentheses nested more than ",
                                      kMaxNestingDepth, " levels deep"),
                         open.offset, "simplify the filter");
    }
    if (Peek().kind == TokenKind::kRightParen) {
      return FilterError("empty parentheses", open.offset,
                         absl::StrCat("put a restriction inside, e.g. (",
                                      kRestrictionExample, ")"));
    }
    absl::StatusOr<Node> inner = ParseExpression(depth + 1);
    if (!inner.ok()) return inner.status();
    if (Peek().kind != TokenKind::kRightParen) {
      return FilterError(
          absl::StrCat("expected ')' to close the '(' at position ",
                       open.offset + 1, " but found ", DescribeToken(Peek())),
          Peek().offset);
    }
    Advance();
    return inner;
  }

  // restriction = field comparator value
  absl::StatusOr<Node> ParseRestriction() {
    const Token& field = Advance();
    if (IsDigit(field.text.front())) {
      return FilterError(
          absl::StrCat("expected a field name but found ",
                       QuoteForMessage(field.text)),
          field.offset,
          absl::StrCat("a restriction looks like ", kRestrictionExample));
    }
    if (++restriction_count_ > kMaxRestrictions) {
      return FilterError(
          absl::StrCat("more than ", kMaxRestrictions, " restrictions"),
          field.offset, "split the query or simplify the filter");
    }
    Node node = MakeNode(Node::Kind::kRestriction);
    Restriction& restriction = node.restriction;
    restriction.field = field.text;
    restriction.field_offset = field.offset;

    const Token& comparator = Peek();
    if (comparator.kind != TokenKind::kComparator) {
      std::string hint =
          absl::StrCat("expected one of ", kComparatorList,
                       " after the field name, e.g. ", kRestrictionExample);
      if (IsLowercaseKeyword(field.text)) {
        hint =
            "the logical operators AND, OR and NOT must be written in "
            "uppercase";
      }
      return FilterError(absl::StrCat("missing operator after field ",
                                      QuoteForMessage(field.text), ", found ",
                                      DescribeToken(comparator)),
                         comparator.offset, hint);
    }
    Advance();
    restriction.comparator = comparator.comparator;
    restriction.comparator_offset = comparator.offset;

    absl::StatusOr<Literal> value = ParseValue(restriction);
    if (!value.ok()) return value.status();
    restriction.value = *std::move(value);
    return node;
  }

  absl::StatusOr<Literal> ParseValue(const Restriction& restriction) {
    const Token& token = Peek();
    Literal literal;
    literal.offset = token.offset;
    if (token.kind == TokenKind::kString) {
      Advance();
      literal.kind = Literal::Kind::kString;
      literal.text = token.text;
      return literal;
    }
    if (token.kind == TokenKind::kWord && !IsAnyKeyword(token)) {
      Advance();
      literal.kind = IsDigit(token.text.front()) ? Literal::Kind::kNumber
                                                 : Literal::Kind::kWord;
      literal.text = token.text;
      return literal;
    }
    if (token.kind == TokenKind::kMinus) {
      Advance();
      const Token& digits = Peek();
      if (digits.kind != TokenKind::kWord || !IsDigit(digits.text.front()) ||
          digits.preceded_by_space) {
        return FilterError(
            "expected a number right after '-'", token.offset,
            "write negative numbers without a space, e.g. -12.5");
      }
      Advance();
      literal.kind = Literal::Kind::kNumber;
      literal.text = absl::StrCat("-", digits.text);
      return literal;
    }
    return FilterError(
        absl::StrCat("missing value after '",
                     ComparatorText(restriction.comparator), "' for field ",
                     QuoteForMessage(restriction.field), ", found ",
                     DescribeToken(token)),
        token.offset,
        "a value is a quoted string, a number, true, false or an enum value "
        "name, "
        "e.g. display_name = \"Acme\"");
  }

  const std::vector<Token>& tokens_;
  size_t index_ = 0;
  int restriction_count_ = 0;
};

}  // namespace

absl::StatusOr<Node> Parse(const std::vector<Token>& tokens) {
  return Parser(tokens).Run();
}

}  // namespace crm::filter::internal
