#include "storage/campaign_repository.h"

#include <cppconn/resultset.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/campaign_completion.h"
#include "storage/contact_repository.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/list_page.h"
#include "storage/multi_row_insert.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kCampaignPrefix[] = "campaigns/";
constexpr char kContactPrefix[] = "contacts/";

constexpr char kColumns[] =
    "campaign_id, state, definition, start_time, end_time, audience, revision, create_time, "
    "update_time";

// The plan part of a campaign: everything but the output-only fields.
std::string DefinitionBlob(const v1::Campaign& campaign) {
  v1::Campaign definition = campaign;
  definition.clear_name();
  definition.clear_state();
  definition.clear_start_time();
  definition.clear_end_time();
  definition.clear_audience();
  definition.clear_create_time();
  definition.clear_update_time();
  definition.clear_etag();
  return definition.SerializeAsString();
}

v1::Campaign CampaignFromRow(sql::ResultSet& row) {
  v1::Campaign campaign;
  campaign.ParseFromString(std::string(row.getString("definition")));
  campaign.set_name(absl::StrCat(kCampaignPrefix, std::string(row.getString("campaign_id"))));
  campaign.set_state(static_cast<v1::Campaign::State>(row.getInt("state")));
  if (std::optional<absl::Time> start = GetOptionalDatetime(row, "start_time")) {
    ToProtoTimestamp(*start, campaign.mutable_start_time());
  }
  if (std::optional<absl::Time> end = GetOptionalDatetime(row, "end_time")) {
    ToProtoTimestamp(*end, campaign.mutable_end_time());
  }
  if (std::optional<std::string> audience = GetOptionalString(row, "audience")) {
    campaign.mutable_audience()->ParseFromString(*audience);
  }
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), campaign.mutable_create_time());
  ToProtoTimestamp(FromSqlDatetime(row.getString("update_time")), campaign.mutable_update_time());
  campaign.set_etag(EtagForRevision(row.getInt64("revision")));
  return campaign;
}

absl::StatusOr<v1::Campaign> ReadCampaign(Transaction& tx, absl::string_view id, const char* lock) {
  auto row = tx.Query(absl::StrCat("SELECT ", kColumns,
                                   " FROM campaigns WHERE tenant_id = ? AND campaign_id = ?", lock),
                      {tx.tenant().value(), std::string(id)});
  if (!row->next()) return absl::NotFoundError(absl::StrCat(kCampaignPrefix, id, " does not exist"));
  return CampaignFromRow(*row);
}

v1::CampaignRun RunFromRow(sql::ResultSet& row) {
  v1::CampaignRun run;
  run.set_name(absl::StrCat(kCampaignPrefix, std::string(row.getString("campaign_id")), "/runs/",
                            row.getInt("run_number")));
  run.set_state(static_cast<v1::CampaignRun::State>(row.getInt("state")));
  run.set_recipients(row.getInt("recipients"));
  run.set_handed_out(row.getInt("handed_out"));
  run.set_reported(row.getInt("reported"));
  run.set_skipped_by_policy(row.getInt("skipped_by_policy"));
  if (run.state() == v1::CampaignRun::STATE_IN_PROGRESS) {
    run.set_scheduler(row.getString("scheduler_id"));
    if (std::optional<absl::Time> expire = GetOptionalDatetime(row, "lease_expire_time")) {
      ToProtoTimestamp(*expire, run.mutable_lease_expire_time());
    }
  }
  if (std::optional<absl::Time> complete = GetOptionalDatetime(row, "complete_time")) {
    ToProtoTimestamp(*complete, run.mutable_complete_time());
  }
  return run;
}

void InsertRun(Transaction& tx, absl::string_view campaign_id, int run_number, int recipients,
               absl::Time now) {
  tx.Execute(
      "INSERT INTO campaign_runs (tenant_id, campaign_id, run_number, state, recipients, "
      "create_time) VALUES (?, ?, ?, 1, ?, ?)",
      {tx.tenant().value(), std::string(campaign_id), static_cast<int64_t>(run_number),
       static_cast<int64_t>(recipients), ToSqlDatetime(now)});
}

// Stored members of one snapshot chunk.
struct MemberRow {
  std::string contact_id;
  int cell_index;
  bool control;
  int run_number;
};

void InsertMembers(Transaction& tx, absl::string_view campaign_id, const std::vector<MemberRow>& rows) {
  for (const InsertChunk& chunk : InsertChunks(rows.size())) {
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(chunk.size) * 6);
    for (size_t i = chunk.begin; i < chunk.begin + chunk.size; ++i) {
      const MemberRow& row = rows[i];
      values.insert(values.end(), {tx.tenant().value(), std::string(campaign_id), row.contact_id,
                                   static_cast<int64_t>(row.cell_index), static_cast<int64_t>(row.control),
                                   static_cast<int64_t>(row.run_number)});
    }
    tx.Execute(MultiRowInsertSql("INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id, "
                                 "cell_index, is_control, run_number) VALUES ",
                                 "(?, ?, ?, ?, ?, ?)", chunk.size),
               values);
  }
}

// `SELECT … FROM contacts ⋈ current values` for the audience scan: the filters become
// 0/1 columns so every contact of the chunk is read once, whatever matches.
SqlFragment AudienceScanStatement(const TenantId& tenant, const AudienceFilterSql& filters,
                                  const std::string& after, int limit,
                                  const std::optional<absl::Time>& created_by = std::nullopt) {
  SqlFragment statement;
  std::string select = absl::StrCat("SELECT contacts.contact_id, COALESCE((", filters.audience.sql,
                                    "), 0) AS in_audience");
  statement.params = filters.audience.params;
  for (size_t i = 0; i < filters.cells.size(); ++i) {
    absl::StrAppend(&select, ", COALESCE((", filters.cells[i].sql, "), 0) AS cell", i);
    statement.params.insert(statement.params.end(), filters.cells[i].params.begin(),
                            filters.cells[i].params.end());
  }
  absl::StrAppend(&select,
                  ", consent_email, consent_sms, consent_phone, consent_direct_mail, "
                  "JSON_UNQUOTE(JSON_EXTRACT(emails, '$[0]')) AS first_email, "
                  "JSON_UNQUOTE(JSON_EXTRACT(phones, '$[0]')) AS first_phone, address FROM ",
                  ContactRepository::Table().table,
                  " WHERE contacts.tenant_id = ? AND contacts.contact_id > ?",
                  created_by ? " AND contacts.create_time <= ?" : "",
                  " ORDER BY contacts.contact_id LIMIT ?");
  statement.sql = std::move(select);
  statement.params.push_back(tenant.value());  // the join's current-run subquery
  statement.params.push_back(tenant.value());
  statement.params.push_back(after);
  if (created_by) statement.params.push_back(ToSqlDatetime(*created_by));
  statement.params.push_back(static_cast<int64_t>(limit));
  return statement;
}

AudienceCandidate CandidateFromRow(sql::ResultSet& row, size_t cells) {
  AudienceCandidate candidate;
  candidate.contact_id = row.getString("contact_id");
  candidate.in_audience = row.getInt("in_audience") != 0;
  candidate.cell_matches.resize(cells);
  for (size_t i = 0; i < cells; ++i) {
    candidate.cell_matches[i] = row.getInt(absl::StrCat("cell", i)) != 0;
  }
  candidate.consent[v1::CHANNEL_EMAIL] = row.getInt("consent_email");
  candidate.consent[v1::CHANNEL_SMS] = row.getInt("consent_sms");
  candidate.consent[v1::CHANNEL_PHONE] = row.getInt("consent_phone");
  candidate.consent[v1::CHANNEL_DIRECT_MAIL] = row.getInt("consent_direct_mail");
  candidate.first_email = GetOptionalString(row, "first_email").value_or("");
  candidate.first_phone = GetOptionalString(row, "first_phone").value_or("");
  candidate.address = row.getString("address");
  return candidate;
}

}  // namespace

const ListTable& CampaignRepository::Table() {
  static const ListTable table{"campaigns", "campaign_id", kColumns};
  return table;
}

absl::StatusOr<v1::Campaign> CampaignRepository::Create(const TenantId& tenant,
                                                        const v1::Campaign& campaign,
                                                        absl::string_view request_id,
                                                        absl::Time deadline) {
  const std::string campaign_id = NewResourceId();
  return RunTransactionFor<v1::Campaign>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Campaign> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "CreateCampaign", campaign_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) return ReadCampaign(tx, **replay, "");
        const std::string now = ToSqlDatetime(NowMicros());
        tx.Execute(
            "INSERT INTO campaigns (tenant_id, campaign_id, state, objective, campaign_type, "
            "schedule_start, schedule_end, definition, revision, create_time, update_time) "
            "VALUES (?, ?, 1, ?, ?, ?, ?, ?, 1, ?, ?)",
            {tenant.value(), campaign_id, static_cast<int64_t>(campaign.objective()),
             static_cast<int64_t>(campaign.type()),
             ToSqlDatetime(FromProtoTimestamp(campaign.schedule().start_time())),
             ToSqlDatetime(FromProtoTimestamp(campaign.schedule().end_time())), DefinitionBlob(campaign),
             now, now});
        return ReadCampaign(tx, campaign_id, "");
      });
}

absl::StatusOr<v1::Campaign> CampaignRepository::Get(const TenantId& tenant, absl::string_view campaign_id,
                                                     absl::Time deadline) {
  return RunTransactionFor<v1::Campaign>(pool_, tenant, deadline,
                                         [&](Transaction& tx) { return ReadCampaign(tx, campaign_id, ""); });
}

absl::StatusOr<Page<v1::Campaign>> CampaignRepository::List(const TenantId& tenant, const ListQuery& query,
                                                            absl::Time deadline) {
  return ReadListPage<v1::Campaign>(pool_, &tenant, Table(), query, deadline, CampaignFromRow);
}

absl::StatusOr<v1::Campaign> CampaignRepository::Update(
    const TenantId& tenant, absl::string_view campaign_id, absl::string_view expected_etag,
    const std::function<absl::Status(v1::Campaign&)>& mutate, absl::Time deadline) {
  return RunTransactionFor<v1::Campaign>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Campaign> {
        absl::StatusOr<v1::Campaign> current = ReadCampaign(tx, campaign_id, " FOR UPDATE");
        if (!current.ok()) return current.status();
        if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
          return etag;
        }
        v1::Campaign updated = *current;
        if (absl::Status mutated = mutate(updated); !mutated.ok()) return mutated;
        const absl::Time now = NowMicros();
        SqlValue end_time = OptionalDatetimeValue(current->has_end_time(), current->end_time());
        if (updated.state() == v1::Campaign::STATE_CANCELLED &&
            current->state() != v1::Campaign::STATE_CANCELLED) {
          end_time = ToSqlDatetime(now);
          // Open runs end; their leases stop working at once.
          tx.Execute(
              "UPDATE campaign_runs SET state = 4, complete_time = ? WHERE tenant_id = ? AND "
              "campaign_id = ? AND state IN (1, 2)",
              {ToSqlDatetime(now), tenant.value(), std::string(campaign_id)});
        }
        tx.Execute(
            "UPDATE campaigns SET state = ?, objective = ?, campaign_type = ?, schedule_start = ?, "
            "schedule_end = ?, definition = ?, end_time = ?, revision = revision + 1, update_time = ? "
            "WHERE tenant_id = ? AND campaign_id = ?",
            {static_cast<int64_t>(updated.state()), static_cast<int64_t>(updated.objective()),
             static_cast<int64_t>(updated.type()),
             ToSqlDatetime(FromProtoTimestamp(updated.schedule().start_time())),
             ToSqlDatetime(FromProtoTimestamp(updated.schedule().end_time())), DefinitionBlob(updated),
             end_time, ToSqlDatetime(now), tenant.value(), std::string(campaign_id)});
        // Runs may have completed while the campaign was paused: resuming it finishes it.
        if (updated.state() == v1::Campaign::STATE_RUNNING) CompleteCampaignIfFinished(tx, campaign_id, now);
        return ReadCampaign(tx, campaign_id, "");
      });
}

absl::Status CampaignRepository::Delete(const TenantId& tenant, absl::string_view campaign_id,
                                        absl::string_view expected_etag,
                                        const std::function<absl::Status(const v1::Campaign&)>& may_delete,
                                        absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    absl::StatusOr<v1::Campaign> current = ReadCampaign(tx, campaign_id, " FOR UPDATE");
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    if (absl::Status allowed = may_delete(*current); !allowed.ok()) return allowed;
    tx.Execute("DELETE FROM campaigns WHERE tenant_id = ? AND campaign_id = ?",
               {tenant.value(), std::string(campaign_id)});
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> CampaignRepository::ScanAudience(
    const TenantId& tenant, const AudienceFilterSql& filters, const std::string& after, int limit,
    const std::function<void(const AudienceCandidate&)>& visit, absl::Time deadline) {
  return RunTransactionFor<std::optional<std::string>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::optional<std::string>> {
        const SqlFragment statement = AudienceScanStatement(tenant, filters, after, limit);
        auto rows = tx.Query(statement.sql, statement.params);
        int read = 0;
        std::string last;
        while (rows->next()) {
          AudienceCandidate candidate = CandidateFromRow(*rows, filters.cells.size());
          last = candidate.contact_id;
          ++read;
          visit(candidate);
        }
        if (read < limit) return std::optional<std::string>();
        return std::optional<std::string>(last);
      });
}

absl::StatusOr<std::vector<std::array<int, 6>>> CampaignRepository::TouchCounts(
    const TenantId& tenant, const std::vector<std::string>& contact_ids, absl::Time since,
    absl::Time deadline) {
  std::vector<std::array<int, 6>> counts(contact_ids.size(), std::array<int, 6>{});
  if (contact_ids.empty()) return counts;
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < contact_ids.size(); ++i) index[contact_ids[i]] = i;
  absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    for (auto& row : counts) row.fill(0);
    constexpr size_t kBatch = 1000;
    for (size_t begin = 0; begin < contact_ids.size(); begin += kBatch) {
      const size_t end = std::min(contact_ids.size(), begin + kBatch);
      std::vector<SqlValue> params = {tenant.value(), ToSqlDatetime(since)};
      for (size_t i = begin; i < end; ++i) params.push_back(contact_ids[i]);
      auto rows = tx.Query(
          absl::StrCat("SELECT contact_id, channel, COUNT(*) AS touches FROM contact_touches "
                       "WHERE tenant_id = ? AND touch_time >= ? AND contact_id IN (",
                       absl::StrJoin(std::vector<std::string>(end - begin, "?"), ", "),
                       ") GROUP BY contact_id, channel"),
          params);
      while (rows->next()) {
        auto found = index.find(std::string(rows->getString("contact_id")));
        const int channel = rows->getInt("channel");
        if (found == index.end() || channel < 1 || channel > 5) continue;
        counts[found->second][channel] += rows->getInt("touches");
        counts[found->second][0] += rows->getInt("touches");
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return counts;
}

absl::StatusOr<std::vector<v1::Campaign>> CampaignRepository::CampaignsToAdvance(const TenantId& tenant,
                                                                                absl::Time now,
                                                                                absl::Time deadline) {
  return RunTransactionFor<std::vector<v1::Campaign>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<v1::Campaign>> {
        auto rows = tx.Query(
            absl::StrCat("SELECT ", kColumns,
                         " FROM campaigns WHERE tenant_id = ? AND ((state = 2 AND schedule_start <= ?) OR "
                         "(state = 3 AND snapshot_done = 0)) ORDER BY schedule_start LIMIT 20"),
            {tenant.value(), ToSqlDatetime(now)});
        std::vector<v1::Campaign> campaigns;
        while (rows->next()) campaigns.push_back(CampaignFromRow(*rows));
        return campaigns;
      });
}

absl::Status CampaignRepository::Start(const TenantId& tenant, absl::string_view campaign_id, absl::Time now,
                                       absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    auto row = tx.Query(
        "SELECT schedule_start, schedule_end FROM campaigns WHERE tenant_id = ? AND campaign_id = ? "
        "AND state = 2 AND start_time IS NULL FOR UPDATE SKIP LOCKED",
        {tenant.value(), std::string(campaign_id)});
    if (!row->next()) return absl::OkStatus();  // started, paused or held by another caller
    if (FromSqlDatetime(row->getString("schedule_start")) > now) return absl::OkStatus();
    const bool ended = FromSqlDatetime(row->getString("schedule_end")) <= now;
    tx.Execute(
        "UPDATE campaigns SET state = ?, start_time = ?, end_time = ?, snapshot_done = ?, "
        "revision = revision + 1, update_time = ? WHERE tenant_id = ? AND campaign_id = ?",
        {static_cast<int64_t>(ended ? v1::Campaign::STATE_COMPLETED : v1::Campaign::STATE_RUNNING),
         ToSqlDatetime(now), ended ? SqlValue(ToSqlDatetime(now)) : SqlValue(nullptr),
         static_cast<int64_t>(ended), ToSqlDatetime(now), tenant.value(), std::string(campaign_id)});
    return absl::OkStatus();
  });
}

absl::StatusOr<SnapshotStep> CampaignRepository::AdvanceSnapshot(const TenantId& tenant,
                                                                 absl::string_view campaign_id,
                                                                 const AudienceFilterSql& filters,
                                                                 const AssignMember& assign, bool stop,
                                                                 absl::Time deadline) {
  return RunTransactionFor<SnapshotStep>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<SnapshotStep> {
        // SKIP LOCKED: one caller freezes a campaign at a time; the others go on to
        // claim runs that already exist.
        auto row = tx.Query(
            "SELECT state, snapshot_done, snapshot_after, open_run, open_run_size, audience, start_time FROM "
            "campaigns WHERE tenant_id = ? AND campaign_id = ? FOR UPDATE SKIP LOCKED",
            {tenant.value(), std::string(campaign_id)});
        if (!row->next()) return SnapshotStep::kBusy;
        if (row->getInt("state") != kCampaignRunning || row->getInt("snapshot_done") != 0) {
          return SnapshotStep::kDone;
        }
        std::string after = row->getString("snapshot_after");
        int open_run = row->getInt("open_run");
        int open_run_size = row->getInt("open_run_size");
        v1::AudiencePreview tally;
        if (std::optional<std::string> blob = GetOptionalString(*row, "audience")) tally.ParseFromString(*blob);
        const absl::Time now = NowMicros();

        bool done = stop;
        std::vector<MemberRow> members;
        if (!stop) {
          // Contacts created after the start are not added to a frozen audience.
          const SqlFragment statement = AudienceScanStatement(tenant, filters, after, kSnapshotChunk,
                                                              GetOptionalDatetime(*row, "start_time"));
          auto rows = tx.Query(statement.sql, statement.params);
          int read = 0;
          while (rows->next()) {
            const AudienceCandidate candidate = CandidateFromRow(*rows, filters.cells.size());
            after = candidate.contact_id;
            ++read;
            std::optional<SnapshotMember> member = assign(candidate, tally);
            if (!member) continue;
            if (member->control) {
              members.push_back({candidate.contact_id, member->cell_index, true, 0});
              continue;
            }
            members.push_back({candidate.contact_id, member->cell_index, false, open_run});
            if (++open_run_size == kRunSize) {
              InsertRun(tx, campaign_id, open_run, open_run_size, now);
              ++open_run;
              open_run_size = 0;
            }
          }
          done = read < kSnapshotChunk;
        }
        InsertMembers(tx, campaign_id, members);
        if (done && open_run_size > 0) {
          InsertRun(tx, campaign_id, open_run, open_run_size, now);
          ++open_run;
          open_run_size = 0;
        }
        tx.Execute(
            "UPDATE campaigns SET snapshot_done = ?, snapshot_after = ?, open_run = ?, open_run_size = ?, "
            "audience = ? WHERE tenant_id = ? AND campaign_id = ?",
            {static_cast<int64_t>(done), after, static_cast<int64_t>(open_run),
             static_cast<int64_t>(open_run_size), tally.SerializeAsString(), tenant.value(),
             std::string(campaign_id)});
        if (done) CompleteCampaignIfFinished(tx, campaign_id, now);
        return done ? SnapshotStep::kDone : SnapshotStep::kAdvanced;
      });
}

absl::StatusOr<Page<v1::CampaignRun>> CampaignRepository::ListRuns(const TenantId& tenant,
                                                                   absl::string_view campaign_id, int after_run,
                                                                   int page_size, absl::Time deadline) {
  return RunTransactionFor<Page<v1::CampaignRun>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<Page<v1::CampaignRun>> {
        if (absl::StatusOr<v1::Campaign> campaign = ReadCampaign(tx, campaign_id, ""); !campaign.ok()) {
          return campaign.status();
        }
        auto rows = tx.Query(
            "SELECT * FROM campaign_runs WHERE tenant_id = ? AND campaign_id = ? AND run_number > ? "
            "ORDER BY run_number LIMIT ?",
            {tenant.value(), std::string(campaign_id), static_cast<int64_t>(after_run),
             static_cast<int64_t>(page_size + 1)});
        Page<v1::CampaignRun> page;
        int last = after_run;
        while (rows->next()) {
          if (static_cast<int>(page.items.size()) == page_size) {
            page.next = ListCursor{"", absl::StrCat(last)};
            break;
          }
          last = rows->getInt("run_number");
          page.items.push_back(RunFromRow(*rows));
        }
        return page;
      });
}

absl::StatusOr<v1::CampaignResponse> CampaignRepository::RecordResponse(const TenantId& tenant,
                                                                        absl::string_view campaign_id,
                                                                        const v1::CampaignResponse& response,
                                                                        absl::string_view request_id,
                                                                        absl::Time deadline) {
  const std::string response_id = NewResourceId();
  std::string contact_id = response.contact().substr(sizeof(kContactPrefix) - 1);
  const auto read = [&](Transaction& tx, const std::string& id) -> absl::StatusOr<v1::CampaignResponse> {
    auto row = tx.Query(
        "SELECT response_id, contact_id, kind, response_time, note, create_time FROM campaign_responses "
        "WHERE tenant_id = ? AND campaign_id = ? AND response_id = ?",
        {tenant.value(), std::string(campaign_id), id});
    if (!row->next()) return absl::NotFoundError("response does not exist");
    v1::CampaignResponse stored;
    stored.set_name(absl::StrCat(kCampaignPrefix, campaign_id, "/responses/", id));
    stored.set_contact(absl::StrCat(kContactPrefix, std::string(row->getString("contact_id"))));
    stored.set_kind(static_cast<v1::CampaignResponse::Kind>(row->getInt("kind")));
    ToProtoTimestamp(FromSqlDatetime(row->getString("response_time")), stored.mutable_response_time());
    stored.set_note(row->getString("note"));
    ToProtoTimestamp(FromSqlDatetime(row->getString("create_time")), stored.mutable_create_time());
    return stored;
  };
  return RunTransactionFor<v1::CampaignResponse>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::CampaignResponse> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "RecordResponse", response_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) {
          absl::StatusOr<v1::CampaignResponse> first = read(tx, **replay);
          if (absl::IsNotFound(first.status())) {
            return absl::InvalidArgumentError(
                "request_id: already used for a response to another campaign; use a new request_id");
          }
          return first;
        }
        if (absl::StatusOr<v1::Campaign> campaign = ReadCampaign(tx, campaign_id, " LOCK IN SHARE MODE");
            !campaign.ok()) {
          return campaign.status();
        }
        auto member = tx.Query(
            "SELECT 1 FROM campaign_recipients WHERE tenant_id = ? AND campaign_id = ? AND contact_id = ?",
            {tenant.value(), std::string(campaign_id), contact_id});
        if (!member->next()) {
          return absl::NotFoundError(absl::StrCat("response.contact: ", response.contact(),
                                                  " is not in the audience of ", kCampaignPrefix, campaign_id));
        }
        tx.Execute(
            "INSERT INTO campaign_responses (tenant_id, campaign_id, response_id, contact_id, kind, "
            "response_time, note, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {tenant.value(), std::string(campaign_id), response_id, contact_id,
             static_cast<int64_t>(response.kind()),
             ToSqlDatetime(FromProtoTimestamp(response.response_time())), response.note(),
             ToSqlDatetime(NowMicros())});
        return read(tx, response_id);
      });
}

}  // namespace crm::storage
