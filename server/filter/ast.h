// The syntax tree the parser produces and the SQL compiler consumes. It keeps
// source offsets so that type errors found later can still name a position.
#ifndef CRM_SERVER_FILTER_AST_H_
#define CRM_SERVER_FILTER_AST_H_

#include <cstddef>
#include <string>
#include <vector>

#include "server/filter/lexer.h"

namespace crm::filter::internal {

struct Literal {
  enum class Kind {
    kString,  // Quoted: `text` is the unescaped value.
    kWord,    // Bare word that is not a number: enum name, true, false.
    kNumber,  // Bare word starting with a digit, optionally signed: `-12.5`.
  };
  Kind kind = Kind::kString;
  std::string text;  // For kNumber includes the leading '-' when negative.
  size_t offset = 0;
};

struct Restriction {
  std::string field;  // As written, e.g. "display_name" or "attributes.tier".
  size_t field_offset = 0;
  Comparator comparator = Comparator::kEqual;
  size_t comparator_offset = 0;
  Literal value;
};

struct Node {
  enum class Kind { kAnd, kOr, kNot, kRestriction };
  Kind kind = Kind::kRestriction;
  // kAnd/kOr: two or more operands; kNot: exactly one.
  std::vector<Node> children;
  Restriction restriction;  // kRestriction only.
};

}  // namespace crm::filter::internal

#endif  // CRM_SERVER_FILTER_AST_H_
