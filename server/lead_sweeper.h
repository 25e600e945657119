#ifndef CRM_SERVER_LEAD_SWEEPER_H_
#define CRM_SERVER_LEAD_SWEEPER_H_

#include <cstdint>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/lead_repository.h"
#include "storage/tenant_repository.h"

namespace crm::server {

// The automatic no-contact rule of the prospect pipeline: an ACTIVE lead nobody
// reached for its tenant's LeadPolicy.no_contact_days becomes INVALID (reason
// UNREACHABLE), due for a revisit after revisit_days. Runs tenant by tenant (each
// statement touches one tenant) on a background thread, and on demand in tests.
class LeadSweeper {
 public:
  LeadSweeper(storage::TenantRepository& tenants, storage::LeadRepository& leads)
      : tenants_(tenants), leads_(leads) {}
  ~LeadSweeper() { Stop(); }

  // One pass over every tenant as of `now`. Returns how many leads it invalidated;
  // a tenant that fails is logged and skipped so one bad tenant stops no other.
  absl::StatusOr<int64_t> SweepOnce(absl::Time now);

  // Sweeps every `interval` on a background thread until Stop() (also on destruction).
  void Start(absl::Duration interval);
  void Stop();

 private:
  storage::TenantRepository& tenants_;
  storage::LeadRepository& leads_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_LEAD_SWEEPER_H_
