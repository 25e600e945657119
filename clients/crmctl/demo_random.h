// Deterministic randomness for the demo dataset: the same seed gives the same tenant
// whichever standard library crmctl is built with. std::mt19937 is portable but the std
// distributions are not (libstdc++ and libc++ draw normals and gammas differently), so
// the few distributions the generator needs are written out here.
#ifndef CRM_CLIENTS_CRMCTL_DEMO_RANDOM_H_
#define CRM_CLIENTS_CRMCTL_DEMO_RANDOM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::crmctl {

// A stable 64-bit hash of (seed, text, index): FNV-1a over the text, mixed with the
// numbers by SplitMix64's finaliser. Used to give every contact its own random stream
// and every create its own request id.
uint64_t DemoHash(uint64_t seed, absl::string_view text, uint64_t index);

// A request id (AIP-155) that is a function of its inputs, shaped like a UUID (version
// 8, "custom", RFC 9562): replaying the seeding with the same seed replays the same
// creates, which the server answers with the first results.
std::string DemoRequestId(uint64_t seed, absl::string_view kind, uint64_t index);

// xoshiro256** seeded through SplitMix64.
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed);

  uint64_t Next();
  // Uniform in [0, 1), 53 random bits.
  double Uniform();
  // Uniform in [low, high).
  double Uniform(double low, double high);
  // Uniform integer in [low, high] (inclusive).
  int64_t Between(int64_t low, int64_t high);
  // True with probability p.
  bool Chance(double p);
  // Exponential with the given rate (mean 1 / rate).
  double Exponential(double rate);
  // Standard normal (Box-Muller; one of the pair is discarded to keep the stream simple).
  double Normal();
  // Gamma(shape, scale) by Marsaglia and Tsang; shapes below 1 use the boost
  // Gamma(shape + 1) × U^(1/shape).
  double Gamma(double shape, double scale);
  // Beta(a, b) as X / (X + Y) of two gammas.
  double Beta(double a, double b);
  // An index drawn with probability proportional to `weights` (not all zero).
  size_t Pick(const std::vector<double>& weights);

 private:
  uint64_t state_[4];
};

}  // namespace crm::crmctl

#endif  // CRM_CLIENTS_CRMCTL_DEMO_RANDOM_H_
