#include "server/validation/field_rules.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"

namespace crm::server {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// Counts code points of valid UTF-8 (protobuf has already rejected invalid UTF-8 in
// proto3 strings); -1 when a control character is present and not allowed.
int CodePointsOrControl(absl::string_view text, bool multiline) {
  int count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
    if (c < 0x20 || c == 0x7F) {
      if (!(multiline && (c == '\n' || c == '\t' || c == '\r'))) return -1;
    }
  }
  return count;
}

bool IsTagChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == ':';
}

bool IsAttributeKeyChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool IsEmailLocalChar(char c) {
  static constexpr absl::string_view kSpecials = "!#$%&'*+/=?^_`{|}~.-";
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         kSpecials.find(c) != absl::string_view::npos;
}

bool IsDomainLabel(absl::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

}  // namespace

absl::Status CheckText(absl::string_view field, absl::string_view value, int max_chars,
                       bool required, bool multiline) {
  const int count = CodePointsOrControl(value, multiline);
  if (count < 0) return Invalid(field, "must not contain control characters");
  if (count > max_chars) {
    return Invalid(field, absl::StrCat("at most ", max_chars, " characters (got ", count, ")"));
  }
  if (required && absl::StripAsciiWhitespace(value).empty()) return Invalid(field, "required");
  return absl::OkStatus();
}

absl::Status CheckIdentifier(absl::string_view field, absl::string_view value, int max_chars) {
  if (absl::Status status = CheckText(field, value, max_chars); !status.ok()) return status;
  if (!value.empty() && absl::StripAsciiWhitespace(value).size() != value.size()) {
    return Invalid(field, "must not start or end with spaces");
  }
  return absl::OkStatus();
}

absl::Status NormalizeTags(absl::string_view field,
                           google::protobuf::RepeatedPtrField<std::string>* tags) {
  if (tags->size() > kMaxTags) {
    return Invalid(field, absl::StrCat("at most ", kMaxTags, " tags (got ", tags->size(), ")"));
  }
  absl::flat_hash_set<std::string> seen;
  google::protobuf::RepeatedPtrField<std::string> unique;
  for (int i = 0; i < tags->size(); ++i) {
    const std::string& tag = tags->Get(i);
    const std::string path = absl::StrCat(field, "[", i, "]");
    if (tag.empty() || tag.size() > kMaxTagLength) {
      return Invalid(path, absl::StrCat("a tag is 1..", kMaxTagLength, " characters"));
    }
    if (!std::all_of(tag.begin(), tag.end(), IsTagChar)) {
      return Invalid(path, "a tag may use letters, digits, '_', '-', '.' and ':' only");
    }
    if (seen.insert(tag).second) unique.Add(std::string(tag));
  }
  tags->Swap(&unique);
  return absl::OkStatus();
}

absl::Status CheckAttributes(absl::string_view field,
                             const google::protobuf::Map<std::string, std::string>& attributes) {
  if (static_cast<int>(attributes.size()) > kMaxAttributes) {
    return Invalid(field, absl::StrCat("at most ", kMaxAttributes, " attributes (got ",
                                       attributes.size(), ")"));
  }
  for (const auto& [key, value] : attributes) {
    if (key.empty() || static_cast<int>(key.size()) > kMaxAttributeKeyLength ||
        !std::all_of(key.begin(), key.end(), IsAttributeKeyChar)) {
      return Invalid(field, absl::StrCat("key \"", absl::CHexEscape(key.substr(0, 80)),
                                         "\" must be 1..64 letters, digits, '_' or '-'"));
    }
    if (absl::Status status = CheckText(absl::StrCat(field, ".", key), value,
                                        kMaxAttributeValueLength, false, true);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status NormalizeEmail(absl::string_view field, std::string* email) {
  *email = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*email));
  const std::string& text = *email;
  const absl::string_view kHint = "must be an email address like name@example.com";
  if (text.size() > 254) return Invalid(field, "at most 254 characters");
  const size_t at = text.rfind('@');
  if (at == std::string::npos || at == 0 || at > 64) return Invalid(field, kHint);
  absl::string_view local(text.data(), at);
  absl::string_view domain(text.data() + at + 1, text.size() - at - 1);
  if (!std::all_of(local.begin(), local.end(), IsEmailLocalChar) || local.front() == '.' ||
      local.back() == '.' || local.find("..") != absl::string_view::npos) {
    return Invalid(field, kHint);
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2 || !std::all_of(labels.begin(), labels.end(), IsDomainLabel)) {
    return Invalid(field, kHint);
  }
  const absl::string_view tld = labels.back();
  if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) {
        return absl::ascii_isalpha(static_cast<unsigned char>(c));
      })) {
    return Invalid(field, kHint);
  }
  return absl::OkStatus();
}

absl::Status NormalizePhone(absl::string_view field, std::string* phone) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < phone->size(); ++i) {
    const char c = (*phone)[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return Invalid(field, "must be a phone number in international format, e.g. +8613812345678");
    }
    digits.push_back(c);
  }
  if (!plus || digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    return Invalid(field,
                   "must be in international format: '+', country code and number, 8..15 digits");
  }
  *phone = absl::StrCat("+", digits);
  return absl::OkStatus();
}

absl::Status NormalizeMoney(absl::string_view field, const std::string& tenant_currency,
                            bool allow_negative, v1::Money* money) {
  if (!money->currency_code().empty() && money->currency_code() != tenant_currency) {
    return Invalid(absl::StrCat(field, ".currency_code"),
                   absl::StrCat("must be the tenant's currency ", tenant_currency, " (got \"",
                                absl::CHexEscape(money->currency_code().substr(0, 8)), "\")"));
  }
  money->set_currency_code(tenant_currency);
  if (money->units() > kMaxMoneyUnits || money->units() < -kMaxMoneyUnits) {
    return Invalid(absl::StrCat(field, ".units"), "out of range (|units| <= 9e12)");
  }
  if (money->nanos() <= -1000000000 || money->nanos() >= 1000000000) {
    return Invalid(absl::StrCat(field, ".nanos"), "must be within -999,999,999..999,999,999");
  }
  if (money->nanos() % 1000 != 0) {
    return Invalid(absl::StrCat(field, ".nanos"),
                   "the platform keeps money to the micro-unit: nanos must be a multiple of 1000");
  }
  if ((money->units() > 0 && money->nanos() < 0) || (money->units() < 0 && money->nanos() > 0)) {
    return Invalid(field, "units and nanos must have the same sign");
  }
  if (!allow_negative && (money->units() < 0 || money->nanos() < 0)) {
    return Invalid(field, "must not be negative");
  }
  return absl::OkStatus();
}

absl::Status CheckDate(absl::string_view field, const v1::Date& date) {
  if (date.year() < 1900 || date.year() > 9999) return Invalid(field, "year must be 1900..9999");
  if (date.month() < 1 || date.month() > 12) return Invalid(field, "month must be 1..12");
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.day() < 1 || day.day() != date.day() || day.month() != date.month()) {
    return Invalid(field, "day does not exist in that month");
  }
  return absl::OkStatus();
}

absl::Status CheckIntRange(absl::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    return Invalid(field, absl::StrCat("must be within ", min, "..", max, " (got ", value, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckTimestamp(absl::string_view field, const google::protobuf::Timestamp& timestamp) {
  // 1970-01-01 .. 9999-12-31, which DATETIME(6) columns hold.
  constexpr int64_t kMaxSeconds = 253402300799;
  if (timestamp.nanos() < 0 || timestamp.nanos() > 999999999 || timestamp.seconds() < 0 ||
      timestamp.seconds() > kMaxSeconds) {
    return Invalid(field, "not a valid timestamp (1970-01-01 to 9999-12-31 UTC)");
  }
  return absl::OkStatus();
}

absl::Status CheckTimestampNotInFuture(absl::string_view field,
                                       const google::protobuf::Timestamp& timestamp) {
  if (absl::Status valid = CheckTimestamp(field, timestamp); !valid.ok()) return valid;
  // A little clock skew between the partner's systems and ours is tolerated.
  if (absl::FromUnixSeconds(timestamp.seconds()) > absl::Now() + absl::Minutes(5)) {
    return Invalid(field, "must not be in the future");
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view request_id) {
  if (static_cast<int>(request_id.size()) > kMaxRequestIdLength) {
    return Invalid("request_id", "at most 36 characters (use a UUID)");
  }
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return Invalid("request_id", "letters, digits, '-' and '_' only (use a UUID)");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckEnum(absl::string_view field, int value, bool (*is_valid)(int),
                       bool allow_unspecified) {
  if (!is_valid(value)) return Invalid(field, absl::StrCat("unknown enum value ", value));
  if (value == 0 && !allow_unspecified) {
    return Invalid(field, "required (the _UNSPECIFIED value is not allowed)");
  }
  return absl::OkStatus();
}

}  // namespace crm::server
