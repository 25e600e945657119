#include "server/auth/api_key_codec.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "absl/strings/string_view.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/ids.h"

namespace crm::server {
namespace {

constexpr absl::string_view kPrefix = "crm_";
constexpr size_t kKeyIdLength = 16;   // 10 random bytes
constexpr size_t kSecretLength = 52;  // 32 random bytes

bool IsBase32(absl::string_view text) {
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
    if (!ok || c == 'i' || c == 'l' || c == 'o' || c == 'u') return false;
  }
  return true;
}

}  // namespace

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

NewApiKey GenerateApiKey() {
  NewApiKey key;
  key.key_id = storage::RandomBase32(10);
  const std::string secret = storage::RandomBase32(32);
  key.secret_sha256 = Sha256(secret);
  key.full_key = absl::StrCat(kPrefix, key.key_id, "_", secret);
  return key;
}

std::optional<ParsedApiKey> ParseApiKey(absl::string_view key) {
  if (!absl::StartsWith(key, kPrefix)) return std::nullopt;
  key.remove_prefix(kPrefix.size());
  if (key.size() != kKeyIdLength + 1 + kSecretLength || key[kKeyIdLength] != '_') {
    return std::nullopt;
  }
  ParsedApiKey parsed{std::string(key.substr(0, kKeyIdLength)),
                      std::string(key.substr(kKeyIdLength + 1))};
  if (!IsBase32(parsed.key_id) || !IsBase32(parsed.secret)) return std::nullopt;
  return parsed;
}

bool SecretMatches(absl::string_view secret, absl::string_view stored_sha256) {
  const std::string digest = Sha256(secret);
  return stored_sha256.size() == digest.size() &&
         CRYPTO_memcmp(digest.data(), stored_sha256.data(), digest.size()) == 0;
}

}  // namespace crm::server
