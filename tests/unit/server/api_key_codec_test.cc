#include "server/auth/api_key_codec.h"

#include <gtest/gtest.h>

#include <set>

namespace crm::server {
namespace {

TEST(ApiKeyCodecTest, GeneratedKeysParseBackAndMatchTheirHash) {
  const NewApiKey key = GenerateApiKey();
  ASSERT_EQ(key.full_key.size(), 4u + 16u + 1u + 52u);
  std::optional<ParsedApiKey> parsed = ParseApiKey(key.full_key);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->key_id, key.key_id);
  EXPECT_TRUE(SecretMatches(parsed->secret, key.secret_sha256));
  EXPECT_FALSE(SecretMatches(parsed->secret + "x", key.secret_sha256));
  EXPECT_EQ(key.secret_sha256.size(), 32u);
  EXPECT_EQ(key.full_key.find(key.secret_sha256), std::string::npos);
}

TEST(ApiKeyCodecTest, KeysAreUnique) {
  std::set<std::string> ids, keys;
  for (int i = 0; i < 1000; ++i) {
    NewApiKey key = GenerateApiKey();
    ids.insert(key.key_id);
    keys.insert(key.full_key);
  }
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(keys.size(), 1000u);
}

TEST(ApiKeyCodecTest, MalformedKeysAreRejected) {
  const std::string good = GenerateApiKey().full_key;
  EXPECT_FALSE(ParseApiKey("").has_value());
  EXPECT_FALSE(ParseApiKey("crm_").has_value());
  EXPECT_FALSE(ParseApiKey(good.substr(1)).has_value());
  EXPECT_FALSE(ParseApiKey(good + "a").has_value());
  std::string upper = good;
  upper[5] = 'A';
  EXPECT_FALSE(ParseApiKey(upper).has_value());
  std::string no_separator = good;
  no_separator[20] = 'a';
  EXPECT_FALSE(ParseApiKey(no_separator).has_value());
  std::string injected = good;
  injected[10] = '\'';
  EXPECT_FALSE(ParseApiKey(injected).has_value());
}

}  // namespace
}  // namespace crm::server
