// Builds the syntax tree from tokens, following AIP-160 precedence: OR binds
// tighter than AND, and a sequence of terms separated only by whitespace is an
// implicit AND. Enforces the structural limits (nesting depth, restriction
// count). Fields, operators and values are checked against types later, by the
// SQL compiler, because only it knows the catalog.
#ifndef CRM_SERVER_FILTER_PARSER_H_
#define CRM_SERVER_FILTER_PARSER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "server/filter/ast.h"
#include "server/filter/lexer.h"

namespace crm::filter::internal {

// `tokens` is Tokenize()'s output and must contain at least one token besides
// kEnd (callers handle the empty filter themselves). Nested ANDs and ORs are
// flattened: `a AND (b AND c)` gives one kAnd node with three operands.
absl::StatusOr<Node> Parse(const std::vector<Token>& tokens);

}  // namespace crm::filter::internal

#endif  // CRM_SERVER_FILTER_PARSER_H_
