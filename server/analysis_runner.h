#ifndef CRM_SERVER_ANALYSIS_RUNNER_H_
#define CRM_SERVER_ANALYSIS_RUNNER_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "crm/v1/value_analysis.pb.h"
#include "storage/analysis_repository.h"
#include "storage/analysis_sources.h"
#include "storage/purchase_repository.h"
#include "storage/tenant_id.h"

namespace crm::server {

// Executes value-analysis runs on a small pool of background threads: read the
// tenant's purchases, compute (server/analysis), write the per-contact results in
// bounded transactions, then mark the run SUCCEEDED (it becomes current) or FAILED.
// The threads run at a lower CPU priority than the serving threads, and each uses one
// database connection at a time, so other tenants' calls keep their latency. One run
// per tenant at a time is enforced by the repository when runs are created.
class AnalysisRunner {
 public:
  // A worker refreshes its run at least this often; a run not refreshed for
  // kStaleAfter is taken as abandoned (its server died).
  static constexpr absl::Duration kStaleAfter = absl::Minutes(10);
  // Runs waiting beyond this are refused (RESOURCE_EXHAUSTED).
  static constexpr int kMaxQueuedRuns = 256;

  AnalysisRunner(storage::AnalysisRepository& runs, storage::PurchaseRepository& purchases,
                 storage::AnalysisSources& sources, int workers);
  ~AnalysisRunner() { Stop(); }

  // Whether a new run can be queued now.
  bool HasCapacity();
  // Queues a PENDING run of `tenant` (its zone and currency from the tenant settings).
  absl::Status Submit(const storage::TenantId& tenant, const v1::AnalysisRun& run, const std::string& time_zone,
                      const std::string& currency);
  // Executes one run on the calling thread (workers; benchmarks and tests).
  void Execute(const storage::TenantId& tenant, const v1::AnalysisRun& run, const std::string& time_zone,
               const std::string& currency);
  // Stops the workers: the running runs stop at their next step and, like the queued
  // ones, are marked FAILED (UNAVAILABLE: start them again).
  void Stop();

 private:
  struct Job {
    storage::TenantId tenant;
    v1::AnalysisRun run;
    std::string time_zone;
    std::string currency;
  };
  void Work();
  // Refreshes the heartbeat of queued runs, so a long queue is not taken for a dead
  // server's.
  void KeepQueuedAlive();
  bool stopping();
  // Runs the steps; a non-OK status fails the run with it.
  absl::Status Steps(const Job& job, const std::string& run_id, v1::AnalysisRun* details);

  storage::AnalysisRepository& runs_;
  storage::PurchaseRepository& purchases_;
  storage::AnalysisSources& sources_;
  absl::Mutex mutex_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace crm::server

#endif  // CRM_SERVER_ANALYSIS_RUNNER_H_
