#include "server/filter/errors.h"

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace crm::filter::internal {
namespace {

// Long enough to recognise a value, short enough to keep messages readable.
constexpr size_t kMaxQuotedChars = 40;

}  // namespace

absl::Status FilterError(absl::string_view what, size_t offset,
                         absl::string_view hint) {
  std::string message =
      absl::StrCat("filter: ", what, " at position ", offset + 1);
  if (!hint.empty()) absl::StrAppend(&message, "; ", hint);
  return absl::InvalidArgumentError(message);
}

std::string QuoteForMessage(absl::string_view text) {
  const bool truncated = text.size() > kMaxQuotedChars;
  if (truncated) {
    size_t cut = kMaxQuotedChars;
    // Never split a UTF-8 sequence: step back over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    text = text.substr(0, cut);
  }
  std::string quoted = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted.push_back('\\');
      quoted.push_back(c);
    } else if (byte < 0x20 || byte == 0x7f) {
      absl::StrAppendFormat(&quoted, "\\x%02x", byte);
    } else {
      // Bytes >= 0x80 are kept so that UTF-8 text stays readable.
      quoted.push_back(c);
    }
  }
  if (truncated) quoted.append("...");
  quoted.push_back('"');
  return quoted;
}

}  // namespace crm::filter::internal
