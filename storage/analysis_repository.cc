#include "storage/analysis_repository.h"

#include <cppconn/resultset.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/container/flat_hash_set.h"
#include "storage/existing_ids.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/list_page.h"
#include "storage/money.h"
#include "storage/multi_row_insert.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kRunPrefix[] = "analysisRuns/";
constexpr char kContactPrefix[] = "contacts/";

constexpr char kRunColumns[] =
    "run_id, state, as_of, window_seconds, settings, progress, stage, details, create_time, "
    "start_time, end_time, error_code, error_message, customers, active_customers, purchases, "
    "results_pruned";

constexpr char kValueColumns[] =
    "contact_id, recency_days, frequency, monetary_micros, recency_score, frequency_score, "
    "monetary_score, rfm_segment, abc_class, value_tier, expected_value_micros, "
    "historical_value_micros, current_value_micros, clv_micros, additional_value_micros, p_alive, "
    "expected_purchases, lifecycle_stage, lifecycle_rule, repeat_purchases, days_first_to_last, "
    "days_since_first";
constexpr int kValueColumnCount = 22;

constexpr int64_t kPending = v1::AnalysisRun::STATE_PENDING;
constexpr int64_t kRunning = v1::AnalysisRun::STATE_RUNNING;
constexpr int64_t kSucceeded = v1::AnalysisRun::STATE_SUCCEEDED;
constexpr int64_t kFailed = v1::AnalysisRun::STATE_FAILED;

// Rows per transaction when writing or deleting results: big enough for multi-row
// INSERTs to pay off, small enough that no transaction holds locks for long.
constexpr int kRowsPerTransaction = 5000;

v1::AnalysisRun RunFromRow(sql::ResultSet& row, absl::string_view current_run_id) {
  v1::AnalysisRun run;
  const std::string id = row.getString("run_id");
  run.set_name(absl::StrCat(kRunPrefix, id));
  run.set_state(static_cast<v1::AnalysisRun::State>(row.getInt("state")));
  ToProtoTimestamp(FromSqlDatetime(row.getString("as_of")), run.mutable_as_of());
  run.mutable_window()->set_seconds(row.getInt64("window_seconds"));
  run.mutable_settings()->ParseFromString(std::string(row.getString("settings")));
  run.set_progress(row.getDouble("progress"));
  run.set_stage(row.getString("stage"));
  v1::AnalysisRun details;
  details.ParseFromString(std::string(row.getString("details")));
  *run.mutable_timings() = details.timings();
  *run.mutable_unavailable() = details.unavailable();
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), run.mutable_create_time());
  if (std::optional<absl::Time> start = GetOptionalDatetime(row, "start_time")) {
    ToProtoTimestamp(*start, run.mutable_start_time());
  }
  if (std::optional<absl::Time> end = GetOptionalDatetime(row, "end_time")) {
    ToProtoTimestamp(*end, run.mutable_end_time());
  }
  run.set_error_code(row.getString("error_code"));
  run.set_error_message(row.getString("error_message"));
  run.set_customers(row.getInt64("customers"));
  run.set_active_customers(row.getInt64("active_customers"));
  run.set_purchases(row.getInt64("purchases"));
  run.set_results_pruned(row.getBoolean("results_pruned"));
  run.set_current(id == current_run_id);
  return run;
}

absl::Status NoLongerOwned(absl::string_view run_id) {
  return absl::AbortedError(absl::StrCat(kRunPrefix, run_id, " is no longer this worker's (taken as abandoned)"));
}

std::string CurrentRunIdIn(Transaction& tx) {
  auto row = tx.Query(absl::StrCat("SELECT ", kCurrentRunIdSql, " AS run_id"), {tx.tenant().value()});
  if (!row->next() || row->isNull("run_id")) return "";
  return row->getString("run_id");
}

absl::StatusOr<v1::AnalysisRun> ReadRun(Transaction& tx, absl::string_view run_id) {
  auto row = tx.Query(absl::StrCat("SELECT ", kRunColumns, " FROM analysis_runs WHERE tenant_id = ? AND run_id = ?"),
                      {tx.tenant().value(), std::string(run_id)});
  if (!row->next()) return absl::NotFoundError(absl::StrCat(kRunPrefix, run_id, " does not exist"));
  return RunFromRow(*row, CurrentRunIdIn(tx));
}

// The timings and unavailable results of `run`, as stored in `details`.
std::string DetailsOf(const v1::AnalysisRun& run) {
  v1::AnalysisRun details;
  *details.mutable_timings() = run.timings();
  *details.mutable_unavailable() = run.unavailable();
  return details.SerializeAsString();
}

SqlValue OptionalInt(const std::optional<int64_t>& value) {
  return value ? SqlValue(*value) : SqlValue(nullptr);
}
SqlValue OptionalDouble(const std::optional<double>& value) {
  return value ? SqlValue(*value) : SqlValue(nullptr);
}

void AppendValueRow(const std::string& tenant_id, const std::string& run_id, const CustomerValueRow& v,
                    std::vector<SqlValue>* out) {
  out->insert(out->end(),
              {tenant_id, run_id, v.contact_id, v.recency_days, v.frequency, v.monetary_micros,
               static_cast<int64_t>(v.recency_score), static_cast<int64_t>(v.frequency_score),
               static_cast<int64_t>(v.monetary_score), static_cast<int64_t>(v.rfm_segment),
               static_cast<int64_t>(v.abc_class), static_cast<int64_t>(v.value_tier), v.expected_value_micros,
               v.historical_value_micros, v.current_value_micros, OptionalInt(v.clv_micros),
               OptionalInt(v.additional_value_micros), OptionalDouble(v.p_alive),
               OptionalDouble(v.expected_purchases), static_cast<int64_t>(v.lifecycle_stage), v.lifecycle_rule,
               v.repeat_purchases, v.days_first_to_last, v.days_since_first});
}

// The INSERT of `rows` result rows (one of InsertChunks' sizes), built once.
const std::string& ValueInsertSql(int rows) {
  static const auto* statements = [] {
    auto* by_size = new std::vector<std::pair<int, std::string>>();
    std::string placeholders = "(?, ?";
    for (int c = 0; c < kValueColumnCount; ++c) absl::StrAppend(&placeholders, ", ?");
    placeholders += ")";
    for (int size : {1000, 250, 50, 10, 1}) {
      by_size->emplace_back(size, MultiRowInsertSql(absl::StrCat("INSERT INTO customer_values (tenant_id, run_id, ",
                                                                 kValueColumns, ") VALUES "),
                                                    placeholders, size));
    }
    return by_size;
  }();
  for (const auto& [size, sql] : *statements) {
    if (size == rows) return sql;
  }
  return statements->back().second;  // unreachable: InsertChunks only makes these sizes
}

CustomerValueRow ValueRowFromRow(sql::ResultSet& row) {
  CustomerValueRow v;
  v.contact_id = row.getString("contact_id");
  v.recency_days = row.getInt64("recency_days");
  v.frequency = row.getInt64("frequency");
  v.monetary_micros = row.getInt64("monetary_micros");
  v.recency_score = row.getInt("recency_score");
  v.frequency_score = row.getInt("frequency_score");
  v.monetary_score = row.getInt("monetary_score");
  v.rfm_segment = row.getInt("rfm_segment");
  v.abc_class = row.getInt("abc_class");
  v.value_tier = row.getInt("value_tier");
  v.expected_value_micros = row.getInt64("expected_value_micros");
  v.historical_value_micros = row.getInt64("historical_value_micros");
  v.current_value_micros = row.getInt64("current_value_micros");
  if (!row.isNull("clv_micros")) v.clv_micros = row.getInt64("clv_micros");
  if (!row.isNull("additional_value_micros")) v.additional_value_micros = row.getInt64("additional_value_micros");
  if (!row.isNull("p_alive")) v.p_alive = row.getDouble("p_alive");
  if (!row.isNull("expected_purchases")) v.expected_purchases = row.getDouble("expected_purchases");
  v.lifecycle_stage = row.getInt("lifecycle_stage");
  v.lifecycle_rule = row.getString("lifecycle_rule");
  v.repeat_purchases = row.getInt64("repeat_purchases");
  v.days_first_to_last = row.getInt64("days_first_to_last");
  v.days_since_first = row.getInt64("days_since_first");
  return v;
}

v1::CustomerValue ValueFromRow(sql::ResultSet& row, absl::string_view run_id) {
  const CustomerValueRow v = ValueRowFromRow(row);
  v1::CustomerValue out;
  out.set_name(absl::StrCat(kRunPrefix, run_id, "/customerValues/", v.contact_id));
  out.set_contact(absl::StrCat(kContactPrefix, v.contact_id));
  out.set_run(absl::StrCat(kRunPrefix, run_id));
  out.set_recency_days(v.recency_days);
  out.set_frequency(v.frequency);
  MoneyFromMicros(v.monetary_micros, out.mutable_monetary());
  out.set_recency_score(v.recency_score);
  out.set_frequency_score(v.frequency_score);
  out.set_monetary_score(v.monetary_score);
  out.set_rfm_segment(static_cast<v1::RfmSegment>(v.rfm_segment));
  out.set_abc_class(static_cast<v1::AbcClass>(v.abc_class));
  out.set_value_tier(static_cast<v1::ValueTier>(v.value_tier));
  MoneyFromMicros(v.expected_value_micros, out.mutable_expected_value());
  MoneyFromMicros(v.historical_value_micros, out.mutable_historical_value());
  MoneyFromMicros(v.current_value_micros, out.mutable_current_value());
  if (v.clv_micros) MoneyFromMicros(*v.clv_micros, out.mutable_clv());
  if (v.additional_value_micros) MoneyFromMicros(*v.additional_value_micros, out.mutable_additional_value());
  if (v.p_alive) out.set_p_alive(*v.p_alive);
  if (v.expected_purchases) out.set_expected_purchases(*v.expected_purchases);
  out.set_lifecycle_stage(static_cast<v1::LifecycleStage>(v.lifecycle_stage));
  out.set_lifecycle_rule(v.lifecycle_rule);
  out.set_repeat_purchases(v.repeat_purchases);
  out.set_days_first_to_last(v.days_first_to_last);
  out.set_days_since_first(v.days_since_first);
  return out;
}

}  // namespace

absl::StatusOr<v1::AnalysisRun> AnalysisRepository::Create(const TenantId& tenant, const v1::AnalysisRun& run,
                                                           absl::string_view request_id,
                                                           absl::Duration stale_after, absl::Time deadline,
                                                           bool* created) {
  const std::string run_id = NewResourceId();
  return RunTransactionFor<v1::AnalysisRun>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::AnalysisRun> {
    absl::StatusOr<std::optional<std::string>> replay = ClaimRequestId(tx, request_id, "RunAnalysis", run_id);
    if (!replay.ok()) return replay.status();
    *created = !replay->has_value();
    if (replay->has_value()) return ReadRun(tx, **replay);
    const absl::Time now = NowMicros();
    // A run whose worker stopped refreshing it (its server died) frees the slot.
    tx.Execute(
        "UPDATE analysis_runs SET state = ?, end_time = ?, active_slot = NULL, error_code = 'ABORTED', "
        "error_message = ? WHERE tenant_id = ? AND active_slot = 1 AND heartbeat_time < ?",
        {kFailed, ToSqlDatetime(now),
         std::string("abandoned: the server running it stopped before it finished; start a new run"),
         tenant.value(), ToSqlDatetime(now - stale_after)});
    // The unique (tenant_id, active_slot) key admits one PENDING or RUNNING run.
    const bool inserted = tx.InsertUnlessDuplicate(
        "INSERT INTO analysis_runs (tenant_id, run_id, state, as_of, window_seconds, settings, progress, stage, "
        "details, create_time, heartbeat_time, error_code, error_message, customers, active_customers, purchases, "
        "results_pruned, active_slot) VALUES (?, ?, ?, ?, ?, ?, 0, 'queued', '', ?, ?, '', '', 0, 0, 0, 0, 1)",
        {tenant.value(), run_id, kPending, ToSqlDatetime(FromProtoTimestamp(run.as_of())),
         static_cast<int64_t>(run.window().seconds()), run.settings().SerializeAsString(), ToSqlDatetime(now),
         ToSqlDatetime(now)});
    if (!inserted) {
      auto active = tx.Query("SELECT run_id, state FROM analysis_runs WHERE tenant_id = ? AND active_slot = 1",
                             {tenant.value()});
      std::string what = "another run is still PENDING or RUNNING";
      if (active->next()) {
        what = absl::StrCat(kRunPrefix, std::string(active->getString("run_id")), " is still ",
                            active->getInt("state") == kPending ? "PENDING" : "RUNNING");
      }
      return absl::FailedPreconditionError(
          absl::StrCat(what, ": a tenant runs one analysis at a time; wait for it (GetAnalysisRun) and retry"));
    }
    return ReadRun(tx, run_id);
  });
}

absl::StatusOr<v1::AnalysisRun> AnalysisRepository::Get(const TenantId& tenant, absl::string_view run_id,
                                                        absl::Time deadline) {
  return RunTransactionFor<v1::AnalysisRun>(pool_, tenant, deadline,
                                            [&](Transaction& tx) { return ReadRun(tx, run_id); });
}

absl::StatusOr<Page<v1::AnalysisRun>> AnalysisRepository::List(const TenantId& tenant, const ListQuery& query,
                                                               absl::Time deadline) {
  static const ListTable table{"analysis_runs", "run_id", kRunColumns};
  absl::StatusOr<std::string> current = CurrentRunId(tenant, deadline);
  if (!current.ok() && !absl::IsNotFound(current.status())) return current.status();
  const std::string current_id = current.value_or("");
  return ReadListPage<v1::AnalysisRun>(pool_, &tenant, table, query, deadline,
                                       [&](sql::ResultSet& row) { return RunFromRow(row, current_id); });
}

absl::StatusOr<std::string> AnalysisRepository::CurrentRunId(const TenantId& tenant, absl::Time deadline) {
  absl::StatusOr<std::string> id = RunTransactionFor<std::string>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::string> { return CurrentRunIdIn(tx); });
  if (id.ok() && id->empty()) {
    return absl::NotFoundError("no successful analysis run yet");
  }
  return id;
}

absl::StatusOr<bool> AnalysisRepository::MarkRunning(const TenantId& tenant, absl::string_view run_id,
                                                     absl::Time deadline) {
  return RunTransactionFor<bool>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<bool> {
    const std::string now = ToSqlDatetime(NowMicros());
    return tx.Execute("UPDATE analysis_runs SET state = ?, start_time = ?, heartbeat_time = ?, "
                      "stage = 'reading purchases' WHERE tenant_id = ? AND run_id = ? AND state = ?",
                      {kRunning, now, now, tenant.value(), std::string(run_id), kPending}) == 1;
  });
}

absl::Status AnalysisRepository::KeepPendingAlive(const TenantId& tenant, absl::string_view run_id,
                                                  absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    tx.Execute("UPDATE analysis_runs SET heartbeat_time = ? WHERE tenant_id = ? AND run_id = ? AND state = ?",
               {ToSqlDatetime(NowMicros()), tenant.value(), std::string(run_id), kPending});
    return absl::OkStatus();
  });
}

absl::Status AnalysisRepository::UpdateProgress(const TenantId& tenant, absl::string_view run_id, double progress,
                                                absl::string_view stage, absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    const int64_t updated = tx.Execute(
        "UPDATE analysis_runs SET progress = ?, stage = ?, heartbeat_time = ? WHERE tenant_id = ? AND run_id = ? "
        "AND state = ?",
        {progress, std::string(stage), ToSqlDatetime(NowMicros()), tenant.value(), std::string(run_id), kRunning});
    return updated == 1 ? absl::OkStatus() : NoLongerOwned(run_id);
  });
}

absl::Status AnalysisRepository::WriteValues(const TenantId& tenant, absl::string_view run_id,
                                             absl::Span<const CustomerValueRow> rows, absl::Time deadline) {
  const std::string run(run_id);
  for (size_t begin = 0; begin < rows.size(); begin += kRowsPerTransaction) {
    const size_t count = std::min<size_t>(kRowsPerTransaction, rows.size() - begin);
    absl::Status written = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
      std::vector<std::string> ids;
      ids.reserve(count);
      for (size_t i = begin; i < begin + count; ++i) ids.push_back(rows[i].contact_id);
      const absl::flat_hash_set<std::string> existing =
          ExistingIds(tx, "contacts", "contact_id", ids, " LOCK IN SHARE MODE");
      std::vector<const CustomerValueRow*> kept;
      kept.reserve(count);
      for (size_t i = begin; i < begin + count; ++i) {
        if (existing.contains(rows[i].contact_id)) kept.push_back(&rows[i]);
      }
      std::vector<SqlValue> values;
      for (const InsertChunk& chunk : InsertChunks(kept.size())) {
        values.clear();
        values.reserve(static_cast<size_t>(chunk.size) * (kValueColumnCount + 2));
        for (int i = 0; i < chunk.size; ++i) AppendValueRow(tenant.value(), run, *kept[chunk.begin + i], &values);
        tx.Execute(ValueInsertSql(chunk.size), values);
      }
      return absl::OkStatus();
    });
    if (!written.ok()) return written;
  }
  return absl::OkStatus();
}

absl::Status AnalysisRepository::Succeed(const TenantId& tenant, absl::string_view run_id,
                                         const v1::AnalysisRun& finished, const RunReport& report,
                                         absl::Time deadline) {
  std::vector<std::string> to_prune;
  absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    const std::string now = ToSqlDatetime(NowMicros());
    const int64_t updated = tx.Execute(
        "UPDATE analysis_runs SET state = ?, progress = 1, stage = 'done', details = ?, end_time = ?, active_slot = NULL, "
        "heartbeat_time = ?, customers = ?, active_customers = ?, purchases = ?, segment_summary = ?, "
        "pareto_curve = ?, model_fit = ? WHERE tenant_id = ? AND run_id = ? AND state = ?",
        {kSucceeded, DetailsOf(finished), now, now, finished.customers(), finished.active_customers(),
         finished.purchases(), report.segment_summary, report.pareto_curve, report.model_fit, tenant.value(),
         std::string(run_id), kRunning});
    if (updated != 1) return NoLongerOwned(run_id);
    to_prune.clear();
    auto old = tx.Query(
        "SELECT run_id FROM analysis_runs WHERE tenant_id = ? AND state = ? AND results_pruned = 0 "
        "ORDER BY run_id DESC LIMIT 1000 OFFSET ?",
        {tenant.value(), kSucceeded, static_cast<int64_t>(kRunsWithResults)});
    while (old->next()) to_prune.push_back(old->getString("run_id"));
    // Runs failed as abandoned may have left partial results.
    auto failed = tx.Query(
        "SELECT run_id FROM analysis_runs WHERE tenant_id = ? AND state = ? AND results_pruned = 0 LIMIT 1000",
        {tenant.value(), kFailed});
    while (failed->next()) to_prune.push_back(failed->getString("run_id"));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // The run has succeeded: a failure from here on only leaves rows for the next
  // success to delete.
  for (const std::string& old_run : to_prune) {
    if (!PruneValues(tenant, old_run, deadline).ok()) break;
  }
  return absl::OkStatus();
}

absl::Status AnalysisRepository::PruneValues(const TenantId& tenant, absl::string_view run_id, absl::Time deadline) {
  // Marked first, so nobody reads a half-deleted run's results.
  absl::Status marked = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    tx.Execute("UPDATE analysis_runs SET results_pruned = 1 WHERE tenant_id = ? AND run_id = ?",
               {tenant.value(), std::string(run_id)});
    return absl::OkStatus();
  });
  if (!marked.ok()) return marked;
  return DeleteValues(tenant, run_id, deadline);
}

absl::Status AnalysisRepository::Fail(const TenantId& tenant, absl::string_view run_id, absl::string_view error_code,
                                      absl::string_view error_message, const v1::AnalysisRun& details,
                                      absl::Time deadline) {
  bool failed = false;
  absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    const std::string now = ToSqlDatetime(NowMicros());
    failed = tx.Execute("UPDATE analysis_runs SET state = ?, stage = 'failed', details = ?, end_time = ?, "
                        "heartbeat_time = ?, active_slot = NULL, error_code = ?, error_message = ?, customers = ?, "
                        "active_customers = ?, purchases = ? WHERE tenant_id = ? AND run_id = ? AND state IN (?, ?)",
                        {kFailed, DetailsOf(details), now, now, std::string(error_code),
                         std::string(error_message.substr(0, 2000)), details.customers(), details.active_customers(),
                         details.purchases(), tenant.value(), std::string(run_id), kPending, kRunning}) == 1;
    return absl::OkStatus();
  });
  if (!status.ok() || !failed) return status;
  return PruneValues(tenant, run_id, deadline);
}

absl::Status AnalysisRepository::DeleteValues(const TenantId& tenant, absl::string_view run_id, absl::Time deadline) {
  while (true) {
    int64_t deleted = 0;
    absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
      deleted = tx.Execute("DELETE FROM customer_values WHERE tenant_id = ? AND run_id = ? LIMIT ?",
                           {tenant.value(), std::string(run_id), static_cast<int64_t>(kRowsPerTransaction)});
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    if (deleted < kRowsPerTransaction) return absl::OkStatus();
  }
}

absl::Status AnalysisRepository::CheckResultsReadable(const TenantId& tenant, absl::string_view run_id,
                                                      absl::Time deadline) {
  absl::StatusOr<v1::AnalysisRun> run = Get(tenant, run_id, deadline);
  if (!run.ok()) return run.status();
  if (run->state() != v1::AnalysisRun::STATE_SUCCEEDED) {
    return absl::FailedPreconditionError(absl::StrCat(run->name(), " is ", v1::AnalysisRun::State_Name(run->state()),
                                                      ": only a SUCCEEDED run has results"));
  }
  if (run->results_pruned()) {
    return absl::FailedPreconditionError(absl::StrCat(
        run->name(), " is older than the newest ", kRunsWithResults,
        " successful runs and its per-contact results were pruned: read a newer run"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RunReport> AnalysisRepository::GetReport(const TenantId& tenant, absl::string_view run_id,
                                                        absl::Time deadline) {
  return RunTransactionFor<RunReport>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<RunReport> {
    auto row = tx.Query("SELECT state, segment_summary, pareto_curve, model_fit FROM analysis_runs "
                        "WHERE tenant_id = ? AND run_id = ?",
                        {tenant.value(), std::string(run_id)});
    if (!row->next()) return absl::NotFoundError(absl::StrCat(kRunPrefix, run_id, " does not exist"));
    const auto state = static_cast<v1::AnalysisRun::State>(row->getInt("state"));
    if (state != v1::AnalysisRun::STATE_SUCCEEDED) {
      return absl::FailedPreconditionError(absl::StrCat(kRunPrefix, run_id, " is ", v1::AnalysisRun::State_Name(state),
                                                        ": only a SUCCEEDED run has results"));
    }
    RunReport report;
    report.segment_summary = row->getString("segment_summary");
    report.pareto_curve = row->getString("pareto_curve");
    report.model_fit = row->getString("model_fit");
    return report;
  });
}

absl::StatusOr<v1::CustomerValue> AnalysisRepository::GetValue(const TenantId& tenant, absl::string_view run_id,
                                                               absl::string_view contact_id, absl::Time deadline) {
  if (absl::Status readable = CheckResultsReadable(tenant, run_id, deadline); !readable.ok()) return readable;
  return RunTransactionFor<v1::CustomerValue>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::CustomerValue> {
    auto row = tx.Query(absl::StrCat("SELECT ", kValueColumns,
                                     " FROM customer_values WHERE tenant_id = ? AND run_id = ? AND contact_id = ?"),
                        {tenant.value(), std::string(run_id), std::string(contact_id)});
    if (!row->next()) {
      return absl::NotFoundError(absl::StrCat(kContactPrefix, contact_id, " has no results in ", kRunPrefix, run_id,
                                              " (no such contact, or no purchase before the run's as_of)"));
    }
    return ValueFromRow(*row, run_id);
  });
}

absl::StatusOr<Page<v1::CustomerValue>> AnalysisRepository::ListValues(const TenantId& tenant, absl::string_view run_id,
                                                                       const ListQuery& query, absl::Time deadline) {
  if (absl::Status readable = CheckResultsReadable(tenant, run_id, deadline); !readable.ok()) return readable;
  static const ListTable table{"customer_values", "contact_id", kValueColumns};
  ListQuery scoped = query;
  // The run restricts the rows first; ordering by CLV skips rows without one, so the
  // keyset condition on a nullable column stays exact.
  scoped.filter.sql = absl::StrCat("run_id = ?", query.sort_key == SortKey::kClv ? " AND clv_micros IS NOT NULL" : "",
                                   query.filter.sql.empty() ? "" : absl::StrCat(" AND (", query.filter.sql, ")"));
  scoped.filter.params.insert(scoped.filter.params.begin(), std::string(run_id));
  return ReadListPage<v1::CustomerValue>(pool_, &tenant, table, scoped, deadline,
                                         [&](sql::ResultSet& row) { return ValueFromRow(row, run_id); });
}

absl::Status AnalysisRepository::ScanValues(const TenantId& tenant, absl::string_view run_id,
                                            const std::function<void(const CustomerValueRow&)>& visit,
                                            absl::Time deadline) {
  if (absl::Status readable = CheckResultsReadable(tenant, run_id, deadline); !readable.ok()) return readable;
  std::string after;
  std::vector<CustomerValueRow> chunk;
  while (true) {
    absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
      chunk.clear();
      auto rows = tx.Query(absl::StrCat("SELECT ", kValueColumns,
                                        " FROM customer_values WHERE tenant_id = ? AND run_id = ? AND contact_id > ? "
                                        "ORDER BY contact_id LIMIT ?"),
                           {tenant.value(), std::string(run_id), after, static_cast<int64_t>(kRowsPerTransaction)});
      while (rows->next()) chunk.push_back(ValueRowFromRow(*rows));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    for (const CustomerValueRow& row : chunk) visit(row);
    if (static_cast<int>(chunk.size()) < kRowsPerTransaction) return absl::OkStatus();
    after = chunk.back().contact_id;
  }
}

}  // namespace crm::storage
