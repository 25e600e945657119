#include "clients/scheduler/text_util.h"

#include <cstdint>
#include <vector>

namespace crm::scheduler {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
size_t ValidSequenceLength(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint32_t min_code = 0;
  uint32_t code = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min_code = 0x80, code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min_code = 0x800, code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min_code = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

// Valid UTF-8 code points of `text`, invalid bytes replaced.
std::vector<std::string> CodePoints(const std::string& text) {
  std::vector<std::string> points;
  points.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = ValidSequenceLength(text, i);
    if (length == 0) {
      points.emplace_back(kReplacement);
      ++i;
    } else {
      points.emplace_back(text.substr(i, length));
      i += length;
    }
  }
  return points;
}

}  // namespace

std::string TrimWhitespace(const std::string& text) {
  constexpr char kSpace[] = " \t\r\n\f\v";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string SanitizeUtf8(const std::string& text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size() && chars < max_chars; ++chars) {
    const size_t length = ValidSequenceLength(text, i);
    if (length == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

std::string SanitizeMessage(const std::string& text, size_t max_chars) {
  std::string cleaned = text;
  for (char& c : cleaned) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t' && c != '\r') || byte == 0x7F) c = ' ';
  }
  return SanitizeUtf8(cleaned, max_chars);
}

std::string Utf8Tail(const std::string& text, size_t max_chars) {
  const std::vector<std::string> points = CodePoints(text);
  const size_t first = points.size() > max_chars ? points.size() - max_chars : 0;
  std::string out;
  for (size_t k = first; k < points.size(); ++k) out += points[k];
  return out;
}

}  // namespace crm::scheduler
