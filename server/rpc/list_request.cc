#include "server/rpc/list_request.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/auth/api_key_codec.h"

namespace crm::server {
namespace {

absl::Status ParseOrderBy(absl::string_view order_by, const SortOptions& sort,
                          storage::ListQuery* query) {
  query->sort_key = sort.default_key;
  query->descending = sort.default_descending;
  std::vector<absl::string_view> words =
      absl::StrSplit(absl::StripAsciiWhitespace(order_by), ' ', absl::SkipEmpty());
  if (words.empty()) return absl::OkStatus();
  const auto bad = [&] {
    std::vector<std::string> names;
    for (const auto& [name, key] : sort.fields) names.push_back(name);
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by: \"", absl::CHexEscape(order_by.substr(0, 100)),
        "\" is not supported; use one of ", absl::StrJoin(names, ", "),
        ", optionally followed by \" desc\" or \" asc\""));
  };
  if (words.size() > 2) return bad();
  const auto field = std::find_if(sort.fields.begin(), sort.fields.end(),
                                  [&](const auto& entry) { return entry.first == words[0]; });
  if (field == sort.fields.end()) return bad();
  query->sort_key = field->second;
  query->descending = false;
  if (words.size() == 2) {
    if (words[1] == "desc") {
      query->descending = true;
    } else if (words[1] != "asc") {
      return bad();
    }
  }
  return absl::OkStatus();
}

}  // namespace

const SortOptions& StandardSortOptions() {
  static const SortOptions* options = new SortOptions{
      {{"display_name", storage::SortKey::kDisplayName},
       {"create_time", storage::SortKey::kCreateTime},
       {"update_time", storage::SortKey::kUpdateTime}},
      storage::SortKey::kCreateTime,
      false};
  return *options;
}

absl::StatusOr<ListRequest> ListRequest::Parse(absl::string_view method, absl::string_view scope,
                                               const ListRequestFields& fields,
                                               const filter::FieldCatalog& catalog,
                                               const PageTokenCodec& tokens,
                                               const SortOptions& sort) {
  storage::ListQuery query;
  if (fields.page_size < 0 || fields.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be within 0..", kMaxPageSize,
                                                   " (0 means ", kDefaultPageSize, ")"));
  }
  query.page_size = fields.page_size == 0 ? kDefaultPageSize : fields.page_size;
  if (absl::Status status = ParseOrderBy(fields.order_by, sort, &query); !status.ok()) {
    return status;
  }
  absl::StatusOr<storage::SqlFragment> condition = filter::CompileFilter(
      std::string_view(fields.filter.data(), fields.filter.size()), catalog);
  if (!condition.ok()) return condition.status();
  query.filter = *std::move(condition);
  // The page size may change between pages (AIP-158); filter and order may not.
  const std::string fingerprint =
      Sha256(absl::StrCat(method, "\n", fields.filter, "\n", fields.order_by)).substr(0, 16);
  if (!fields.page_token.empty()) {
    absl::StatusOr<storage::ListCursor> cursor = tokens.Decode(fields.page_token, scope, fingerprint);
    if (!cursor.ok()) return cursor.status();
    query.after = *std::move(cursor);
  }
  return ListRequest(std::move(query), std::string(scope), fingerprint, tokens);
}

std::string ListRequest::NextPageToken(const std::optional<storage::ListCursor>& next) const {
  if (!next) return "";
  return tokens_->Encode(scope_, fingerprint_, *next);
}

}  // namespace crm::server
