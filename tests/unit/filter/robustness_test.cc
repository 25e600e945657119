// Throws generated junk and near-miss filters at CompileFilter: whatever the
// input, the answer is a valid fragment or INVALID_ARGUMENT starting with
// "filter: ", never a crash or another code. Also meant for ASan/UBSan runs.
#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "server/filter/filter.h"
#include "tests/unit/filter/test_catalog.h"

namespace crm::filter {
namespace {

using ::crm::filter::testing::TestCatalog;

void ExpectWellBehaved(std::string_view filter) {
  absl::StatusOr<storage::SqlFragment> fragment =
      CompileFilter(filter, TestCatalog());
  if (fragment.ok()) {
    EXPECT_EQ(static_cast<size_t>(
                  std::count(fragment->sql.begin(), fragment->sql.end(), '?')),
              fragment->params.size())
        << filter;
    return;
  }
  EXPECT_EQ(fragment.status().code(), absl::StatusCode::kInvalidArgument)
      << filter;
  const std::string message(fragment.status().message());
  EXPECT_EQ(message.rfind("filter: ", 0), 0u) << message;
  EXPECT_NE(message.find(" at position "), std::string::npos) << message;
}

TEST(RobustnessTest, RandomBytes) {
  std::mt19937 random(20260102);  // Fixed seed: failures must be reproducible.
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 80);
  for (int i = 0; i < 5000; ++i) {
    std::string filter(length(random), '\0');
    for (char& c : filter) c = static_cast<char>(byte(random));
    ExpectWellBehaved(filter);
  }
}

TEST(RobustnessTest, RandomTokenSoup) {
  const std::vector<std::string> pieces = {"display_name",
                                           "stage",
                                           "score",
                                           "create_time",
                                           "birth_date",
                                           "tags",
                                           "attributes",
                                           "attributes.tier",
                                           "lifetime_value",
                                           "is_key_account",
                                           "employee_count",
                                           "AND",
                                           "OR",
                                           "NOT",
                                           "-",
                                           "(",
                                           ")",
                                           "=",
                                           "!=",
                                           "<",
                                           "<=",
                                           ">",
                                           ">=",
                                           ":",
                                           "\"x\"",
                                           "'2026-01-02'",
                                           "\"2026-01-02T03:04:05Z\"",
                                           "5",
                                           "-5",
                                           "12.5",
                                           "1e3",
                                           "true",
                                           "false",
                                           "LEAD",
                                           "\"",
                                           "\\",
                                           "tier",
                                           "and",
                                           "9223372036854775808",
                                           " ",
                                           "  "};
  std::mt19937 random(160);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(1, 30);
  std::bernoulli_distribution space(0.7);
  for (int i = 0; i < 20000; ++i) {
    std::string filter;
    for (int n = count(random); n > 0; --n) {
      filter += pieces[pick(random)];
      if (space(random)) filter += ' ';
    }
    ExpectWellBehaved(filter);
  }
}

TEST(RobustnessTest, PathologicalShapes) {
  ExpectWellBehaved(std::string(2000, '('));
  ExpectWellBehaved(std::string(2000, ')'));
  ExpectWellBehaved(std::string(2000, '-'));
  ExpectWellBehaved(std::string(2000, '"'));
  ExpectWellBehaved(std::string(2000, '\\'));
  ExpectWellBehaved(std::string(2000, 'a'));
  ExpectWellBehaved(std::string(2000, '9'));
  std::string nots;
  while (nots.size() < 1990) nots += "NOT ";
  ExpectWellBehaved(nots + "stage=LEAD");
  std::string alternating;
  while (alternating.size() < 1990) alternating += "-(";
  ExpectWellBehaved(alternating);
  ExpectWellBehaved(std::string(1, '\0'));
  ExpectWellBehaved(std::string("stage = \"\0\"", 12));
}

}  // namespace
}  // namespace crm::filter
