// Construction of the filter language's INVALID_ARGUMENT errors, so that every
// message has the same shape: "filter: <what> at position <N>[; <hint>]".
#ifndef CRM_SERVER_FILTER_ERRORS_H_
#define CRM_SERVER_FILTER_ERRORS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm::filter::internal {

// `offset` is the 0-based byte offset into the filter text; messages show it as
// a 1-based position because that is what a person counting characters expects.
// `hint` (optional) tells the caller how to fix the filter.
absl::Status FilterError(absl::string_view what, size_t offset,
                         absl::string_view hint = {});

// Renders `text` for inclusion in an error message: double-quoted, with quotes,
// backslashes and non-printable bytes escaped, and shortened when long so that
// a hostile 2000-byte literal does not end up verbatim in logs.
std::string QuoteForMessage(absl::string_view text);

// Debian's Abseil is built with its own absl::string_view type (not an alias of
// std::string_view), and absl::StrCat only accepts the former.
inline absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

}  // namespace crm::filter::internal

#endif  // CRM_SERVER_FILTER_ERRORS_H_
