#ifndef CRM_STORAGE_ANALYSIS_REPOSITORY_H_
#define CRM_STORAGE_ANALYSIS_REPOSITORY_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crm/v1/value_analysis.pb.h"
#include "storage/connection_pool.h"
#include "storage/list_query.h"
#include "storage/tenant_id.h"

namespace crm::storage {

// One contact's row of a run's results (customer_values), in storage units.
struct CustomerValueRow {
  std::string contact_id;
  int64_t recency_days = 0;
  int64_t frequency = 0;
  int64_t monetary_micros = 0;
  int recency_score = 0;
  int frequency_score = 0;
  int monetary_score = 0;
  int rfm_segment = 0;  // v1::RfmSegment
  int abc_class = 0;    // v1::AbcClass
  int value_tier = 0;   // v1::ValueTier
  int64_t expected_value_micros = 0;
  int64_t historical_value_micros = 0;
  int64_t current_value_micros = 0;
  std::optional<int64_t> clv_micros;
  std::optional<int64_t> additional_value_micros;
  std::optional<double> p_alive;
  std::optional<double> expected_purchases;
  int lifecycle_stage = 0;  // v1::LifecycleStage
  std::string lifecycle_rule;
  int64_t repeat_purchases = 0;
  int64_t days_first_to_last = 0;
  int64_t days_since_first = 0;
};

// The aggregate results of a run, as serialized crm.v1 messages.
struct RunReport {
  std::string segment_summary;  // v1::SegmentSummary
  std::string pareto_curve;     // v1::ParetoCurve
  std::string model_fit;        // v1::ModelFit
};

// Value-analysis runs of one tenant and their results (analysis_runs,
// customer_values). The newest SUCCEEDED run is the tenant's current run.
class AnalysisRepository {
 public:
  // Successful runs whose per-contact results are kept; older ones are pruned.
  static constexpr int kRunsWithResults = 3;

  explicit AnalysisRepository(ConnectionPool& pool) : pool_(pool) {}

  // Creates a PENDING run from `run` (as_of, window, settings). Another PENDING or
  // RUNNING run of the tenant is FAILED_PRECONDITION naming it, unless its worker
  // stopped refreshing it for `stale_after` (its server died): that one is marked
  // FAILED first. A replayed `request_id` returns the first run (`*created` false).
  absl::StatusOr<v1::AnalysisRun> Create(const TenantId& tenant, const v1::AnalysisRun& run,
                                         absl::string_view request_id, absl::Duration stale_after,
                                         absl::Time deadline, bool* created);
  absl::StatusOr<v1::AnalysisRun> Get(const TenantId& tenant, absl::string_view run_id,
                                      absl::Time deadline);
  // Newest first (query.sort_key kCreateTime, descending).
  absl::StatusOr<Page<v1::AnalysisRun>> List(const TenantId& tenant, const ListQuery& query,
                                             absl::Time deadline);
  // The current run's id; NOT_FOUND when the tenant has no successful run.
  absl::StatusOr<std::string> CurrentRunId(const TenantId& tenant, absl::Time deadline);

  // A worker takes the run: RUNNING, start_time and heartbeat set. False when the run
  // is no longer PENDING (it was taken as abandoned meanwhile): skip it.
  absl::StatusOr<bool> MarkRunning(const TenantId& tenant, absl::string_view run_id, absl::Time deadline);
  // Refreshes the heartbeat of a run still waiting in a queue (PENDING).
  absl::Status KeepPendingAlive(const TenantId& tenant, absl::string_view run_id, absl::Time deadline);
  // Progress 0..1 and stage; refreshes the heartbeat. ABORTED when the run is no
  // longer RUNNING (taken as abandoned): the worker must stop. Succeed likewise.
  absl::Status UpdateProgress(const TenantId& tenant, absl::string_view run_id, double progress,
                              absl::string_view stage, absl::Time deadline);
  // Writes a slice of the results (multi-row INSERTs in one transaction), skipping
  // contacts deleted since the purchases were read: their rows are share-locked while
  // the slice is written, and a contact's deletion erases its results after deleting
  // the contact row, so an erased contact's results never come back.
  absl::Status WriteValues(const TenantId& tenant, absl::string_view run_id,
                           absl::Span<const CustomerValueRow> rows, absl::Time deadline);
  // SUCCEEDED with the counts, timings and unavailable results of `finished`, and the
  // report; then, best effort (the next success retries), deletes the results of
  // older runs beyond kRunsWithResults and the partial results of failed runs.
  absl::Status Succeed(const TenantId& tenant, absl::string_view run_id, const v1::AnalysisRun& finished,
                       const RunReport& report, absl::Time deadline);
  // FAILED with the error, unless the run already finished (then nothing changes);
  // any results already written are deleted.
  absl::Status Fail(const TenantId& tenant, absl::string_view run_id, absl::string_view error_code,
                    absl::string_view error_message, const v1::AnalysisRun& details, absl::Time deadline);

  // The report of a SUCCEEDED run; another state is FAILED_PRECONDITION.
  absl::StatusOr<RunReport> GetReport(const TenantId& tenant, absl::string_view run_id,
                                      absl::Time deadline);
  // One contact's results; NOT_FOUND when the contact has none in the run.
  absl::StatusOr<v1::CustomerValue> GetValue(const TenantId& tenant, absl::string_view run_id,
                                             absl::string_view contact_id, absl::Time deadline);
  // A page of a run's results; `query.filter` is over customer_values' columns.
  absl::StatusOr<Page<v1::CustomerValue>> ListValues(const TenantId& tenant, absl::string_view run_id,
                                                     const ListQuery& query, absl::Time deadline);
  // Visits every result row of a run in contact order (chunked reads).
  absl::Status ScanValues(const TenantId& tenant, absl::string_view run_id,
                          const std::function<void(const CustomerValueRow&)>& visit, absl::Time deadline);

 private:
  // A SUCCEEDED run with its results kept; otherwise FAILED_PRECONDITION / NOT_FOUND.
  absl::Status CheckResultsReadable(const TenantId& tenant, absl::string_view run_id, absl::Time deadline);
  absl::Status DeleteValues(const TenantId& tenant, absl::string_view run_id, absl::Time deadline);
  // Marks the run's results pruned, then deletes them.
  absl::Status PruneValues(const TenantId& tenant, absl::string_view run_id, absl::Time deadline);

  ConnectionPool& pool_;
};

// The SQL expression of the tenant's current run id (one `?`: the tenant id), for
// joins that read the current results.
inline constexpr char kCurrentRunIdSql[] =
    "(SELECT MAX(r.run_id) FROM analysis_runs r WHERE r.tenant_id = ? AND r.state = 3)";

}  // namespace crm::storage

#endif  // CRM_STORAGE_ANALYSIS_REPOSITORY_H_
