#ifndef CRM_SERVER_AUTH_API_KEY_CODEC_H_
#define CRM_SERVER_AUTH_API_KEY_CODEC_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace crm::server {

// An API key is `crm_{key id}_{secret}`: the key id (16 base32 characters, 80 random
// bits) is public and finds the stored record; the secret (52 base32 characters, 256
// random bits) is shown once and stored only as its SHA-256. A plain hash is enough
// because the secret is random, not a password: there is nothing to brute-force.
struct ParsedApiKey {
  std::string key_id;
  std::string secret;
};

struct NewApiKey {
  std::string key_id;
  std::string secret_sha256;  // 32 raw bytes, what storage keeps
  std::string full_key;       // returned to the caller once
};

NewApiKey GenerateApiKey();
std::optional<ParsedApiKey> ParseApiKey(absl::string_view key);
std::string Sha256(absl::string_view data);
// Constant-time comparison, so response timing reveals nothing about a stored hash.
bool SecretMatches(absl::string_view secret, absl::string_view stored_sha256);

}  // namespace crm::server

#endif  // CRM_SERVER_AUTH_API_KEY_CODEC_H_
