#include "storage/ids.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "absl/base/const_init.h"
#include "absl/synchronization/mutex.h"
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
  // Monotonic within the process (as ULID's monotonic mode): an id made in the same
  // millisecond as the previous one (or after the clock stepped back) is the previous
  // one plus one, so ids from one server sort in creation order. Ids from different
  // replicas within one millisecond sort arbitrarily.
  static absl::Mutex mutex(absl::kConstInit);
  static uint64_t last_millis = 0;
  static unsigned __int128 last_random = 0;
  constexpr unsigned __int128 kRandomMask = (static_cast<unsigned __int128>(1) << 80) - 1;

  std::array<unsigned char, 10> fresh;
  FillRandom(fresh.data(), static_cast<int>(fresh.size()));
  unsigned __int128 random = 0;
  for (unsigned char b : fresh) random = (random << 8) | b;
  uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  {
    absl::MutexLock lock(&mutex);
    if (millis <= last_millis && last_random < kRandomMask) {
      millis = last_millis;
      random = last_random + 1;
    }
    last_millis = millis;
    last_random = random;
  }
  // 48 bits of time then 80 bits of randomness -> 26 base32 digits, most significant
  // first (the first digit holds 3 bits).
  std::string id(26, '0');
  unsigned __int128 value = (static_cast<unsigned __int128>(millis) << 80) | random;
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
