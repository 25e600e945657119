#include "clients/scheduler/text_util.h"

#include <gtest/gtest.h>

namespace crm::scheduler {
namespace {

TEST(TrimWhitespace, StripsBothEnds) {
  EXPECT_EQ(TrimWhitespace("  key-123 \r\n"), "key-123");
  EXPECT_EQ(TrimWhitespace(" \t\n"), "");
  EXPECT_EQ(TrimWhitespace("a b"), "a b");
}

TEST(SanitizeUtf8, CutsAtCodePointsNotBytes) {
  const std::string umlauts = "\xC3\xA4\xC3\xB6\xC3\xBC";  // äöü
  EXPECT_EQ(SanitizeUtf8(umlauts, 2), "\xC3\xA4\xC3\xB6");
  EXPECT_EQ(SanitizeUtf8(std::string(600, 'x'), 500).size(), 500u);
  EXPECT_EQ(SanitizeUtf8("short", 500), "short");
}

TEST(SanitizeUtf8, ReplacesInvalidBytes) {
  EXPECT_EQ(SanitizeUtf8("a\xFF" "b", 10), "a\xEF\xBF\xBD" "b");
  // Truncated sequence, overlong encoding, UTF-16 surrogate.
  EXPECT_EQ(SanitizeUtf8("\xC3", 10), "\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("\xC0\xAF", 10), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80", 1), "\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98\x80", 10), "\xF0\x9F\x98\x80");  // emoji stays
}

TEST(SanitizeMessage, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(SanitizeMessage("\x1b[31mred\x1b[0m\nnext\tcol\r", 100),
            " [31mred [0m\nnext\tcol\r");
  EXPECT_EQ(SanitizeMessage(std::string("a\0b\x7f", 4), 100), "a b ");
  EXPECT_EQ(SanitizeMessage(std::string(900, 'y'), 500).size(), 500u);
}

TEST(Utf8Tail, KeepsTheEnd) {
  EXPECT_EQ(Utf8Tail("line1\nline2", 5), "line2");
  EXPECT_EQ(Utf8Tail("ab", 5), "ab");
  EXPECT_EQ(Utf8Tail("x\xC3\xA4\xC3\xB6", 1), "\xC3\xB6");
}

}  // namespace
}  // namespace crm::scheduler
