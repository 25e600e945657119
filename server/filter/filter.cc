// CompileFilter: the pipeline limits -> lexer -> parser -> SQL compiler.
#include "server/filter/filter.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/filter/ast.h"
#include "server/filter/errors.h"
#include "server/filter/lexer.h"
#include "server/filter/parser.h"
#include "server/filter/sql_compiler.h"
#include "storage/sql_fragment.h"

namespace crm::filter {

absl::StatusOr<crm::storage::SqlFragment> CompileFilter(
    std::string_view filter, const FieldCatalog& catalog) {
  // Checked before any other work so that oversized input costs nothing.
  if (filter.size() > kMaxFilterLengthBytes) {
    return internal::FilterError(
        absl::StrCat("filter is ", filter.size(),
                     " bytes long, more than the limit of ",
                     kMaxFilterLengthBytes, " bytes"),
        kMaxFilterLengthBytes, "simplify the filter or split the query");
  }
  absl::StatusOr<std::vector<internal::Token>> tokens =
      internal::Tokenize(filter);
  if (!tokens.ok()) return tokens.status();
  if (tokens->size() == 1) {  // Only the end token: empty or whitespace-only.
    return crm::storage::SqlFragment{std::string(kMatchAllSql), {}};
  }
  absl::StatusOr<internal::Node> root = internal::Parse(*tokens);
  if (!root.ok()) return root.status();
  return internal::CompileToSql(*root, catalog);
}

}  // namespace crm::filter
