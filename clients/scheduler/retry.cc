#include "clients/scheduler/retry.h"

#include <algorithm>
#include <thread>

#include "crm/client/status_names.h"

namespace crm::scheduler {

bool IsTransient(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
      return true;
    default:
      return false;
  }
}

std::string DescribeStatus(const grpc::Status& status) {
  std::string text = crm::StatusCodeName(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      max_(std::max(max, initial_)),
      random_(std::random_device{}()) {}

std::chrono::milliseconds Backoff::Next() {
  std::chrono::milliseconds ceiling = initial_;
  for (int k = 0; k < attempt_ && ceiling < max_; ++k) ceiling *= 2;
  ceiling = std::min(ceiling, max_);
  if (attempt_ < 62) ++attempt_;
  std::uniform_int_distribution<int64_t> jitter(ceiling.count() / 2, ceiling.count());
  return std::chrono::milliseconds(jitter(random_));
}

bool SleepUnless(std::chrono::milliseconds duration, const std::function<bool()>& interrupt) {
  constexpr auto kSlice = std::chrono::milliseconds(20);
  const auto until = std::chrono::steady_clock::now() + duration;
  while (true) {
    if (interrupt && interrupt()) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kSlice));
  }
}

}  // namespace crm::scheduler
