#include "clients/crmctl/demo_random.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace crm::crmctl {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

constexpr double kTwoPi = 6.283185307179586;

}  // namespace

uint64_t DemoHash(uint64_t seed, absl::string_view text, uint64_t index) {
  uint64_t hash = 0xCBF29CE484222325ULL;  // FNV-1a offset basis
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001B3ULL;
  }
  uint64_t state = hash ^ (seed * 0xD6E8FEB86659FD93ULL);
  SplitMix64(state);
  state ^= index * 0x9E3779B97F4A7C15ULL;
  return SplitMix64(state);
}

std::string DemoRequestId(uint64_t seed, absl::string_view kind, uint64_t index) {
  uint64_t high = DemoHash(seed, kind, index);
  uint64_t low = DemoHash(~seed, kind, index);
  high = (high & ~0xF000ULL) | 0x8000ULL;                       // version 8
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 9562 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF, high & 0xFFFF,
                         low >> 48, low & 0xFFFFFFFFFFFFULL);
}

DemoRandom::DemoRandom(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : state_) word = SplitMix64(state);
}

uint64_t DemoRandom::Next() {
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

double DemoRandom::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double DemoRandom::Uniform(double low, double high) { return low + (high - low) * Uniform(); }

int64_t DemoRandom::Between(int64_t low, int64_t high) {
  const uint64_t span = static_cast<uint64_t>(high - low) + 1;
  return low + static_cast<int64_t>(Next() % span);  // span is tiny: the modulo bias is nil
}

bool DemoRandom::Chance(double p) { return Uniform() < p; }

double DemoRandom::Exponential(double rate) { return -std::log1p(-Uniform()) / rate; }

double DemoRandom::Normal() {
  const double u1 = 1.0 - Uniform();  // (0, 1]: log is finite
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double DemoRandom::Gamma(double shape, double scale) {
  if (shape < 1.0) {
    const double u = 1.0 - Uniform();
    return Gamma(shape + 1.0, scale) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0;
    double v = 0;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = 1.0 - Uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v * scale;
  }
}

double DemoRandom::Beta(double a, double b) {
  const double x = Gamma(a, 1.0);
  const double y = Gamma(b, 1.0);
  return x / (x + y);
}

size_t DemoRandom::Pick(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double target = Uniform() * total;
  size_t last_possible = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (target < weights[i]) return i;
    target -= weights[i];
    last_possible = i;
  }
  return last_possible;  // rounding left the target a hair above the last weight
}

}  // namespace crm::crmctl
