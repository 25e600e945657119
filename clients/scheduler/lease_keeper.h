// Keeps a run's lease alive from a background thread while a worker works the run.
#ifndef CRM_CLIENTS_SCHEDULER_LEASE_KEEPER_H_
#define CRM_CLIENTS_SCHEDULER_LEASE_KEEPER_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "clients/scheduler/scheduler_api.h"

namespace crm::scheduler {

struct LeaseTiming {
  // The lease length asked for on every renewal.
  std::chrono::milliseconds lease{std::chrono::seconds(60)};
  // How often to renew; normally lease / 3.
  std::chrono::milliseconds renew_every{std::chrono::seconds(20)};
  // Backoff between failed renewals (kept inside what is left of the lease).
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
};

// Renews every `renew_every` with RenewLease. The lease counts as lost — for good —
// when a renewal answers FAILED_PRECONDITION or NOT_FOUND (stale token, run taken over
// or cancelled), or when the local clock says it ran out because renewals kept
// failing. The expiry is tracked on the monotonic clock from when the granting call
// was sent (conservative, and immune to clock skew with the server). A renewal that
// returns a lease_token replaces the current one.
class LeaseKeeper {
 public:
  // `granted_at`: steady time just before the ClaimRun call that returned the lease.
  LeaseKeeper(SchedulerApi& api, std::string run, std::string token, LeaseTiming timing,
              std::chrono::steady_clock::time_point granted_at);
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;
  ~LeaseKeeper();

  void Start();
  // Stops renewing (the lease then lapses unless the run was completed). Idempotent.
  void Stop();

  std::string token() const;
  bool lost() const;
  // Why the lease was lost; empty while it is held.
  std::string lost_reason() const;
  // Time left on the lease by the local clock (zero or negative once lapsed).
  std::chrono::milliseconds remaining() const;
  // Successful renewals so far.
  int renewals() const;

 private:
  void Loop();
  bool LostLocked() const;

  SchedulerApi& api_;
  const std::string run_;
  const LeaseTiming timing_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::string token_;
  std::chrono::steady_clock::time_point granted_at_;
  std::chrono::steady_clock::time_point expires_;
  bool lost_ = false;
  std::string lost_reason_;
  bool stopping_ = false;
  int renewals_ = 0;
  std::thread thread_;
};

}  // namespace crm::scheduler

#endif  // CRM_CLIENTS_SCHEDULER_LEASE_KEEPER_H_
