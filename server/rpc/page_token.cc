#include "server/rpc/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace crm::server {
namespace {

constexpr char kVersion = 1;
constexpr size_t kMacSize = 32;
constexpr size_t kMaxTokenSize = 2048;

void AppendField(std::string* out, absl::string_view field) {
  const uint16_t size = static_cast<uint16_t>(field.size());
  out->push_back(static_cast<char>(size >> 8));
  out->push_back(static_cast<char>(size & 0xFF));
  out->append(field.data(), field.size());
}

bool ReadField(absl::string_view* in, absl::string_view* field) {
  if (in->size() < 2) return false;
  const size_t size = (static_cast<unsigned char>((*in)[0]) << 8) | static_cast<unsigned char>((*in)[1]);
  if (in->size() < 2 + size) return false;
  *field = in->substr(2, size);
  in->remove_prefix(2 + size);
  return true;
}

absl::Status BadToken() {
  return absl::InvalidArgumentError(
      "page_token: not a token from the previous page of this same query (keep filter and "
      "order_by unchanged, and use tokens only with the key's own tenant)");
}

}  // namespace

std::string PageTokenCodec::Mac(absl::string_view payload) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), mac_key_.data(), static_cast<int>(mac_key_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string PageTokenCodec::Encode(absl::string_view scope, absl::string_view query_fingerprint,
                                   const storage::ListCursor& cursor) const {
  std::string payload(1, kVersion);
  AppendField(&payload, scope);
  AppendField(&payload, query_fingerprint);
  AppendField(&payload, cursor.sort_value.substr(0, 1024));
  AppendField(&payload, cursor.id);
  std::string token = payload + Mac(payload);
  return absl::WebSafeBase64Escape(token);
}

absl::StatusOr<storage::ListCursor> PageTokenCodec::Decode(absl::string_view token,
                                                          absl::string_view scope,
                                                          absl::string_view query_fingerprint) const {
  std::string raw;
  if (token.size() > kMaxTokenSize || !absl::WebSafeBase64Unescape(token, &raw) ||
      raw.size() < 1 + kMacSize) {
    return BadToken();
  }
  absl::string_view payload(raw.data(), raw.size() - kMacSize);
  const std::string expected = Mac(payload);
  if (CRYPTO_memcmp(expected.data(), raw.data() + payload.size(), kMacSize) != 0) return BadToken();
  if (payload[0] != kVersion) return BadToken();
  payload.remove_prefix(1);
  absl::string_view token_scope, token_query, sort_value, id;
  if (!ReadField(&payload, &token_scope) || !ReadField(&payload, &token_query) ||
      !ReadField(&payload, &sort_value) || !ReadField(&payload, &id) || !payload.empty()) {
    return BadToken();
  }
  if (token_scope != scope || token_query != query_fingerprint) return BadToken();
  return storage::ListCursor{std::string(sort_value), std::string(id)};
}

}  // namespace crm::server
