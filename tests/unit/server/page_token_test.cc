#include "server/rpc/page_token.h"

#include <gtest/gtest.h>

namespace crm::server {
namespace {

TEST(PageTokenTest, RoundTripsWithinTheSameScopeAndQuery) {
  PageTokenCodec codec("0123456789abcdef0123456789abcdef");
  const std::string token = codec.Encode("tenant-a", "query-1", {"2026-01-01 00:00:00.000000", "id-9"});
  absl::StatusOr<storage::ListCursor> cursor = codec.Decode(token, "tenant-a", "query-1");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->sort_value, "2026-01-01 00:00:00.000000");
  EXPECT_EQ(cursor->id, "id-9");
}

TEST(PageTokenTest, OtherScopeQueryKeyOrEditsAreInvalidArgument) {
  PageTokenCodec codec("0123456789abcdef0123456789abcdef");
  PageTokenCodec other_key("fedcba9876543210fedcba9876543210");
  const std::string token = codec.Encode("tenant-a", "query-1", {"v", "id"});
  EXPECT_EQ(codec.Decode(token, "tenant-b", "query-1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(codec.Decode(token, "tenant-a", "query-2").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(other_key.Decode(token, "tenant-a", "query-1").status().code(),
            absl::StatusCode::kInvalidArgument);
  for (size_t i = 0; i < token.size(); ++i) {
    std::string edited = token;
    edited[i] = edited[i] == 'x' ? 'y' : 'x';
    EXPECT_FALSE(codec.Decode(edited, "tenant-a", "query-1").ok()) << i;
  }
  for (const char* junk : {"", "%%%", "AAAA", "not a token at all"}) {
    EXPECT_EQ(codec.Decode(junk, "tenant-a", "query-1").status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(codec.Decode(std::string(5000, 'A'), "tenant-a", "query-1").ok());
}

}  // namespace
}  // namespace crm::server
