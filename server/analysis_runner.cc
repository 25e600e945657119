#include "server/analysis_runner.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "server/analysis_input.h"
#include "server/services/analysis_report.h"
#include "server/validation/analysis_rules.h"
#include "storage/row_codec.h"

namespace crm::server {
namespace {

// The share of a run's progress each stage usually takes.
constexpr double kReadShare = 0.45;
constexpr double kComputeShare = 0.15;
// Results are written (and progress reported) this many rows at a time.
constexpr size_t kWriteSliceRows = 50000;
// Every step of a run must finish within this (each transaction is far shorter).
constexpr absl::Duration kStepTime = absl::Hours(1);

const char* kStopped = "the server stopped during the run: start it again";

// Lower CPU priority for this thread only (Linux applies nice values per thread), so
// a run yields to the threads serving calls.
void LowerThreadPriority() {
  const auto thread_id = static_cast<id_t>(syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, thread_id, 10) != 0) spdlog::debug("analysis worker keeps normal priority");
}

void AddTiming(const char* stage, absl::Duration took, v1::AnalysisRun* details) {
  v1::StageTiming* timing = details->add_timings();
  timing->set_stage(stage);
  const int64_t nanos = absl::ToInt64Nanoseconds(took);
  timing->mutable_duration()->set_seconds(nanos / 1000000000);
  timing->mutable_duration()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

AnalysisRunner::AnalysisRunner(storage::AnalysisRepository& runs, storage::PurchaseRepository& purchases,
                               storage::AnalysisSources& sources, int workers)
    : runs_(runs), purchases_(purchases), sources_(sources) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
  if (workers > 0) workers_.emplace_back([this] { KeepQueuedAlive(); });
}

void AnalysisRunner::KeepQueuedAlive() {
  absl::MutexLock lock(&mutex_);
  while (!mutex_.AwaitWithTimeout(absl::Condition(&stopping_), kStaleAfter / 10)) {
    std::vector<std::pair<storage::TenantId, std::string>> queued;
    for (const Job& job : queue_) {
      queued.emplace_back(job.tenant, job.run.name().substr(job.run.name().rfind('/') + 1));
    }
    mutex_.Unlock();
    for (const auto& [tenant, run_id] : queued) {
      if (absl::Status kept = runs_.KeepPendingAlive(tenant, run_id, absl::Now() + absl::Seconds(30)); !kept.ok()) {
        spdlog::warn("cannot refresh queued analysis run {}: {}", run_id, kept.ToString());
      }
    }
    mutex_.Lock();
  }
}

bool AnalysisRunner::HasCapacity() {
  absl::MutexLock lock(&mutex_);
  return !stopping_ && static_cast<int>(queue_.size()) < kMaxQueuedRuns;
}

absl::Status AnalysisRunner::Submit(const storage::TenantId& tenant, const v1::AnalysisRun& run,
                                    const std::string& time_zone, const std::string& currency) {
  {
    absl::MutexLock lock(&mutex_);
    if (!stopping_ && static_cast<int>(queue_.size()) < kMaxQueuedRuns) {
      queue_.push_back(Job{tenant, run, time_zone, currency});
      return absl::OkStatus();
    }
  }
  const absl::Status refused = absl::ResourceExhaustedError(
      "the analysis queue is full or the server is stopping: retry in a few minutes");
  const std::string run_id = run.name().substr(run.name().rfind('/') + 1);
  (void)runs_.Fail(tenant, run_id, "RESOURCE_EXHAUSTED", refused.message(), v1::AnalysisRun(),
                   absl::Now() + absl::Seconds(30));
  return refused;
}

bool AnalysisRunner::stopping() {
  absl::MutexLock lock(&mutex_);
  return stopping_;
}

void AnalysisRunner::Work() {
  LowerThreadPriority();
  while (true) {
    std::optional<Job> job;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](AnalysisRunner* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      if (stopping_) return;
      job.emplace(std::move(queue_.front()));
      queue_.pop_front();
    }
    Execute(job->tenant, job->run, job->time_zone, job->currency);
  }
}

void AnalysisRunner::Stop() {
  std::deque<Job> abandoned;
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    abandoned.swap(queue_);
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
  for (const Job& job : abandoned) {
    const std::string run_id = job.run.name().substr(job.run.name().rfind('/') + 1);
    (void)runs_.Fail(job.tenant, run_id, "UNAVAILABLE", "the server stopped before the run started: start it again",
                     v1::AnalysisRun(), absl::Now() + absl::Seconds(10));
  }
}

void AnalysisRunner::Execute(const storage::TenantId& tenant, const v1::AnalysisRun& run,
                             const std::string& time_zone, const std::string& currency) {
  const std::string run_id = run.name().substr(run.name().rfind('/') + 1);
  v1::AnalysisRun details;
  Job job{tenant, run, time_zone, currency};
  absl::StatusOr<bool> claimed = runs_.MarkRunning(tenant, run_id, absl::Now() + kStepTime);
  absl::Status status = claimed.status();
  if (claimed.ok() && !*claimed) {
    // Another request took the run as abandoned while it waited, and failed it.
    spdlog::info("analysis run {} of tenant {} skipped: no longer PENDING", run_id, tenant.value());
    return;
  }
  if (status.ok()) status = Steps(job, run_id, &details);
  if (status.ok()) return;
  spdlog::info("analysis run {} of tenant {} failed: {}", run_id, tenant.value(), status.ToString());
  absl::Status failed = runs_.Fail(tenant, run_id, absl::StatusCodeToString(status.code()), status.message(), details,
                                   absl::Now() + absl::Minutes(5));
  if (!failed.ok()) spdlog::warn("cannot record the failure of analysis run {}: {}", run_id, failed.ToString());
}

absl::Status AnalysisRunner::Steps(const Job& job, const std::string& run_id, v1::AnalysisRun* details) {
  const storage::TenantId& tenant = job.tenant;
  const analysis::ValueAnalysisSettings settings = SettingsForRun(job.run, TenantTimeZone(job.time_zone));

  // Reading.
  absl::Time started = absl::Now();
  absl::StatusOr<int64_t> total = sources_.CountPurchasesBefore(tenant, settings.as_of, absl::Now() + kStepTime);
  if (!total.ok()) return total.status();
  // Stops the scan when the server stops or the run is no longer this worker's.
  absl::Status progress_status;
  const auto on_read = [&](int64_t read) {
    const double share = *total > 0 ? std::min(1.0, static_cast<double>(read) / static_cast<double>(*total)) : 1.0;
    progress_status = runs_.UpdateProgress(tenant, run_id, kReadShare * share,
                                           absl::StrCat("reading purchases (", read, " of ", *total, ")"),
                                           absl::Now() + kStepTime);
    return progress_status.ok() && !stopping();
  };
  absl::StatusOr<TenantPurchases> input =
      LoadTenantPurchases(purchases_, tenant, settings.as_of, absl::Now() + kStepTime, on_read);
  if (absl::IsCancelled(input.status())) {
    return stopping() ? absl::UnavailableError(kStopped) : progress_status;
  }
  if (!input.ok()) return input.status();
  details->set_purchases(static_cast<int64_t>(input->records.size()));
  AddTiming("reading purchases", absl::Now() - started, details);
  if (stopping()) return absl::UnavailableError(kStopped);

  // Computing.
  started = absl::Now();
  if (absl::Status progress = runs_.UpdateProgress(tenant, run_id, kReadShare, "computing", absl::Now() + kStepTime);
      !progress.ok()) {
    return progress;
  }
  absl::StatusOr<analysis::ValueAnalysis> result =
      analysis::AnalyzeCustomerValue(input->records, input->contact_ids.size(), settings);
  if (!result.ok()) return result.status();
  input->records = {};  // the purchases are no longer needed: keep the peak low
  const std::vector<storage::CustomerValueRow> rows = CustomerValueRows(*result, input->contact_ids);
  details->set_customers(static_cast<int64_t>(rows.size()));
  details->set_active_customers(result->customers_with_purchases);
  for (v1::UnavailableResult& unavailable : UnavailableResults(*result)) *details->add_unavailable() = std::move(unavailable);
  storage::RunReport report;
  report.segment_summary = BuildSegmentSummary(*result, job.currency).SerializeAsString();
  report.pareto_curve = BuildParetoCurve(*result, settings.abc).SerializeAsString();
  report.model_fit = BuildModelFit(*result).SerializeAsString();
  result = absl::UnknownError("released");  // frees the per-customer results
  AddTiming("computing", absl::Now() - started, details);
  if (stopping()) return absl::UnavailableError(kStopped);

  // Writing.
  started = absl::Now();
  for (size_t begin = 0; begin < rows.size(); begin += kWriteSliceRows) {
    const size_t end = std::min(rows.size(), begin + kWriteSliceRows);
    const double share = static_cast<double>(begin) / static_cast<double>(rows.size());
    if (absl::Status progress =
            runs_.UpdateProgress(tenant, run_id, kReadShare + kComputeShare + (1 - kReadShare - kComputeShare) * share,
                                 absl::StrCat("writing results (", begin, " of ", rows.size(), ")"),
                                 absl::Now() + kStepTime);
        !progress.ok()) {
      return progress;
    }
    const absl::Span<const storage::CustomerValueRow> slice(rows.data() + begin, end - begin);
    if (absl::Status written = runs_.WriteValues(tenant, run_id, slice, absl::Now() + kStepTime); !written.ok()) {
      return written;
    }
    if (stopping()) return absl::UnavailableError(kStopped);
  }
  AddTiming("writing results", absl::Now() - started, details);
  return runs_.Succeed(tenant, run_id, *details, report, absl::Now() + kStepTime);
}

}  // namespace crm::server
