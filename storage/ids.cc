#include "storage/ids.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace crm::storage {
namespace {

constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

void FillRandom(unsigned char* out, int n) {
  // RAND_bytes only fails when the OS entropy source is broken; ids must never be
  // predictable, so that is fatal rather than a silent fallback.
  if (RAND_bytes(out, n) != 1) std::abort();
}

}  // namespace

std::string NewResourceId() {
  std::array<unsigned char, 16> bytes;
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(millis >> (8 * (5 - i)));
  FillRandom(bytes.data() + 6, 10);
  // 128 bits -> 26 base32 digits, most significant first (the first digit holds 3 bits).
  std::string id(26, '0');
  unsigned __int128 value = 0;
  for (unsigned char b : bytes) value = (value << 8) | b;
  for (int i = 25; i >= 0; --i) {
    id[i] = kAlphabet[static_cast<int>(value & 31)];
    value >>= 5;
  }
  return id;
}

bool IsResourceId(absl::string_view id) {
  if (id.size() != 26 || id[0] > '7') return false;
  for (char c : id) {
    bool found = false;
    for (const char* a = kAlphabet; *a; ++a) found |= (*a == c);
    if (!found) return false;
  }
  return true;
}

std::string RandomBase32(int n_bytes) {
  std::string raw(n_bytes, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(raw.data()), n_bytes);
  std::string out;
  int buffer = 0, bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

}  // namespace crm::storage
