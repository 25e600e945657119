// Small string helpers of the scheduler: trimming, and making free text (a command's
// stderr) fit a proto string field.
#ifndef CRM_CLIENTS_SCHEDULER_TEXT_UTIL_H_
#define CRM_CLIENTS_SCHEDULER_TEXT_UTIL_H_

#include <cstddef>
#include <string>

namespace crm::scheduler {

// `text` without leading and trailing ASCII whitespace.
std::string TrimWhitespace(const std::string& text);

// `text` as valid UTF-8 (each invalid byte becomes U+FFFD) cut to at most `max_chars`
// code points. Proto3 strings must be valid UTF-8; error_message allows 500 characters.
std::string SanitizeUtf8(const std::string& text, size_t max_chars);

// SanitizeUtf8 for a multi-line message a server will validate: control characters
// other than newline, tab and carriage return (ANSI colour codes in a command's stderr,
// NULs) become spaces. Fits DeliveryReport.error_message.
std::string SanitizeMessage(const std::string& text, size_t max_chars);

// The last `max_chars` code points of SanitizeUtf8(text), for "the tail of stderr".
std::string Utf8Tail(const std::string& text, size_t max_chars);

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_TEXT_UTIL_H_
