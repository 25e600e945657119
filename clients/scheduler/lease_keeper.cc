#include "clients/scheduler/lease_keeper.h"

#include <utility>

#include <google/protobuf/util/time_util.h>
#include <spdlog/spdlog.h>

#include "clients/scheduler/retry.h"

namespace crm::scheduler {

using Clock = std::chrono::steady_clock;

LeaseKeeper::LeaseKeeper(SchedulerApi& api, std::string run, std::string token,
                         LeaseTiming timing, Clock::time_point granted_at)
    : api_(api),
      run_(std::move(run)),
      timing_(timing),
      token_(std::move(token)),
      granted_at_(granted_at),
      expires_(granted_at + timing.lease) {}

LeaseKeeper::~LeaseKeeper() { Stop(); }

void LeaseKeeper::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void LeaseKeeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::string LeaseKeeper::token() const {
  std::lock_guard lock(mutex_);
  return token_;
}

bool LeaseKeeper::LostLocked() const { return lost_ || Clock::now() >= expires_; }

bool LeaseKeeper::lost() const {
  std::lock_guard lock(mutex_);
  return LostLocked();
}

std::string LeaseKeeper::lost_reason() const {
  std::lock_guard lock(mutex_);
  if (lost_) return lost_reason_;
  if (Clock::now() >= expires_) return "the lease ran out before it could be renewed";
  return "";
}

std::chrono::milliseconds LeaseKeeper::remaining() const {
  std::lock_guard lock(mutex_);
  return std::chrono::duration_cast<std::chrono::milliseconds>(expires_ - Clock::now());
}

int LeaseKeeper::renewals() const {
  std::lock_guard lock(mutex_);
  return renewals_;
}

void LeaseKeeper::Loop() {
  Backoff backoff(timing_.backoff_initial, timing_.backoff_max);
  std::unique_lock lock(mutex_);
  Clock::time_point next = granted_at_ + timing_.renew_every;
  while (!stopping_) {
    if (wake_.wait_until(lock, next, [this] { return stopping_; })) break;
    if (Clock::now() >= expires_) {
      lost_ = true;
      lost_reason_ = "the lease ran out before it could be renewed";
      break;
    }
    crm::v1::RenewLeaseRequest request;
    request.set_run(run_);
    request.set_lease_token(token_);
    *request.mutable_lease_duration() =
        google::protobuf::util::TimeUtil::MillisecondsToDuration(timing_.lease.count());
    lock.unlock();
    const Clock::time_point sent_at = Clock::now();
    crm::v1::ClaimRunResponse response;
    const grpc::Status status = api_.RenewLease(request, &response);
    lock.lock();
    if (status.ok()) {
      if (!response.lease_token().empty()) token_ = response.lease_token();
      expires_ = sent_at + timing_.lease;
      next = sent_at + timing_.renew_every;
      ++renewals_;
      backoff.Reset();
      continue;
    }
    const grpc::StatusCode code = status.error_code();
    if (code == grpc::StatusCode::FAILED_PRECONDITION || code == grpc::StatusCode::NOT_FOUND) {
      lost_ = true;
      lost_reason_ = "RenewLease refused: " + DescribeStatus(status);
      break;
    }
    // Anything else: try again while the lease lasts.
    spdlog::warn("RenewLease for {} failed: {} (retrying)", run_, DescribeStatus(status));
    const Clock::time_point now = Clock::now();
    next = std::min(now + backoff.Next(), expires_);
  }
}

}  // namespace crm::scheduler
