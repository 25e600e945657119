// Which failures are worth retrying, jittered exponential backoff, and sleeps that end
// early on shutdown.
#ifndef CRM_CLIENTS_SCHEDULER_RETRY_H_
#define CRM_CLIENTS_SCHEDULER_RETRY_H_

#include <chrono>
#include <functional>
#include <random>
#include <string>

#include <grpcpp/support/status.h>

namespace crm::scheduler {

// UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED: the same call may
// succeed later.
bool IsTransient(grpc::StatusCode code);

// "CODE: message", for logs.
std::string DescribeStatus(const grpc::Status& status);

// Jittered exponential backoff: the n-th delay is uniform in [d/2, d] with
// d = min(max, initial · 2^n).
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max);

  std::chrono::milliseconds Next();
  void Reset() { attempt_ = 0; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int attempt_ = 0;
  std::mt19937_64 random_;
};

// Sleeps for `duration` in short slices, returning false as soon as `interrupt()` is
// true (checked before the first slice too), true when the full time passed.
bool SleepUnless(std::chrono::milliseconds duration, const std::function<bool()>& interrupt);

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_RETRY_H_
