#include "storage/lead_repository.h"

#include <cppconn/resultset.h>

#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "storage/existing_ids.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/list_page.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kLeadPrefix[] = "leads/";
constexpr char kContactPrefix[] = "contacts/";
constexpr char kPurchasePrefix[] = "purchases/";
constexpr char kFollowUpPrefix[] = "leadFollowUps/";

// Columns a lead's life changes, in the order LeadValues() binds them.
constexpr const char* kMutableColumns[] = {
    "source_detail",    "needs",          "intended_product",      "intended_purchase_date",
    "intent",           "owner",          "status",                "next_follow_up_time",
    "next_follow_up_method", "follow_up_count", "first_reach_time", "last_contact_time",
    "convert_time",     "conversion_purchase_id", "invalid_time",  "invalid_reason",
    "invalid_note",     "revisit_time"};

const std::string& LeadColumns() {
  static const std::string* columns = new std::string(absl::StrCat(
      "lead_id, contact_id, source, ", absl::StrJoin(kMutableColumns, ", "),
      ", revision, create_time, update_time"));
  return *columns;
}

constexpr char kFollowUpColumns[] =
    "follow_up_id, lead_id, contact_id, method, outcome, follow_up_time, performed_by, notes, "
    "create_time";

// Sets a nullable time through `mutable_field` only when the column holds one (calling
// a mutable_ accessor would mark the field present).
template <typename MutableField>
void SetTimeIfPresent(sql::ResultSet& row, const char* column, MutableField mutable_field) {
  if (std::optional<absl::Time> time = GetOptionalDatetime(row, column)) {
    ToProtoTimestamp(*time, mutable_field());
  }
}

v1::Lead LeadFromRow(sql::ResultSet& row) {
  v1::Lead lead;
  lead.set_name(absl::StrCat(kLeadPrefix, std::string(row.getString("lead_id"))));
  lead.set_contact(absl::StrCat(kContactPrefix, std::string(row.getString("contact_id"))));
  lead.set_source(static_cast<v1::Lead::Source>(row.getInt("source")));
  lead.set_source_detail(row.getString("source_detail"));
  lead.set_needs(row.getString("needs"));
  lead.set_intended_product(row.getString("intended_product"));
  if (std::optional<v1::Date> date = GetOptionalDate(row, "intended_purchase_date")) {
    *lead.mutable_intended_purchase_date() = *date;
  }
  lead.set_intent(static_cast<v1::Lead::Intent>(row.getInt("intent")));
  lead.set_owner(row.getString("owner"));
  lead.set_status(static_cast<v1::Lead::Status>(row.getInt("status")));
  SetTimeIfPresent(row, "next_follow_up_time", [&] { return lead.mutable_next_follow_up_time(); });
  lead.set_next_follow_up_method(
      static_cast<v1::LeadFollowUp::Method>(row.getInt("next_follow_up_method")));
  lead.set_follow_up_count(row.getInt("follow_up_count"));
  SetTimeIfPresent(row, "first_reach_time", [&] { return lead.mutable_first_reach_time(); });
  ToProtoTimestamp(FromSqlDatetime(row.getString("last_contact_time")),
                   lead.mutable_last_contact_time());
  SetTimeIfPresent(row, "convert_time", [&] { return lead.mutable_convert_time(); });
  if (std::optional<std::string> purchase = GetOptionalString(row, "conversion_purchase_id")) {
    lead.set_conversion_purchase(absl::StrCat(kPurchasePrefix, *purchase));
  }
  SetTimeIfPresent(row, "invalid_time", [&] { return lead.mutable_invalid_time(); });
  lead.set_invalid_reason(static_cast<v1::Lead::InvalidReason>(row.getInt("invalid_reason")));
  lead.set_invalid_note(row.getString("invalid_note"));
  SetTimeIfPresent(row, "revisit_time", [&] { return lead.mutable_revisit_time(); });
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), lead.mutable_create_time());
  ToProtoTimestamp(FromSqlDatetime(row.getString("update_time")), lead.mutable_update_time());
  lead.set_etag(EtagForRevision(row.getInt64("revision")));
  return lead;
}

// The values of kMutableColumns, in order.
std::vector<SqlValue> LeadValues(const v1::Lead& lead) {
  absl::string_view purchase_id = lead.conversion_purchase();
  absl::ConsumePrefix(&purchase_id, kPurchasePrefix);
  return {lead.source_detail(),
          lead.needs(),
          lead.intended_product(),
          lead.has_intended_purchase_date() ? SqlValue(DateToSql(lead.intended_purchase_date()))
                                            : SqlValue(nullptr),
          static_cast<int64_t>(lead.intent()),
          lead.owner(),
          static_cast<int64_t>(lead.status()),
          OptionalDatetimeValue(lead.has_next_follow_up_time(), lead.next_follow_up_time()),
          static_cast<int64_t>(lead.next_follow_up_method()),
          static_cast<int64_t>(lead.follow_up_count()),
          OptionalDatetimeValue(lead.has_first_reach_time(), lead.first_reach_time()),
          ToSqlDatetime(FromProtoTimestamp(lead.last_contact_time())),
          OptionalDatetimeValue(lead.has_convert_time(), lead.convert_time()),
          NullIfEmpty(std::string(purchase_id)),
          OptionalDatetimeValue(lead.has_invalid_time(), lead.invalid_time()),
          static_cast<int64_t>(lead.invalid_reason()),
          lead.invalid_note(),
          OptionalDatetimeValue(lead.has_revisit_time(), lead.revisit_time())};
}

absl::StatusOr<v1::Lead> ReadLead(Transaction& tx, absl::string_view id, bool for_update) {
  auto row = tx.Query(absl::StrCat("SELECT ", LeadColumns(),
                                   " FROM leads WHERE tenant_id = ? AND lead_id = ?",
                                   for_update ? " FOR UPDATE" : ""),
                      {tx.tenant().value(), std::string(id)});
  if (!row->next()) return absl::NotFoundError(absl::StrCat(kLeadPrefix, id, " does not exist"));
  return LeadFromRow(*row);
}

void WriteLead(Transaction& tx, absl::string_view lead_id, const v1::Lead& lead) {
  static const std::string* sql = new std::string(absl::StrCat(
      "UPDATE leads SET ", absl::StrJoin(kMutableColumns, ", ", [](std::string* out, const char* c) {
        absl::StrAppend(out, c, " = ?");
      }),
      ", revision = revision + 1, update_time = ? WHERE tenant_id = ? AND lead_id = ?"));
  std::vector<SqlValue> values = LeadValues(lead);
  values.push_back(ToSqlDatetime(NowMicros()));
  values.push_back(tx.tenant().value());
  values.push_back(std::string(lead_id));
  tx.Execute(*sql, values);
}

v1::LeadFollowUp FollowUpRow(sql::ResultSet& row) {
  v1::LeadFollowUp follow_up;
  follow_up.set_name(absl::StrCat(kFollowUpPrefix, std::string(row.getString("follow_up_id"))));
  follow_up.set_lead(absl::StrCat(kLeadPrefix, std::string(row.getString("lead_id"))));
  follow_up.set_contact(absl::StrCat(kContactPrefix, std::string(row.getString("contact_id"))));
  follow_up.set_method(static_cast<v1::LeadFollowUp::Method>(row.getInt("method")));
  follow_up.set_outcome(static_cast<v1::LeadFollowUp::Outcome>(row.getInt("outcome")));
  ToProtoTimestamp(FromSqlDatetime(row.getString("follow_up_time")),
                   follow_up.mutable_follow_up_time());
  follow_up.set_performed_by(row.getString("performed_by"));
  follow_up.set_notes(row.getString("notes"));
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), follow_up.mutable_create_time());
  return follow_up;
}

absl::StatusOr<v1::LeadFollowUp> ReadFollowUp(Transaction& tx, absl::string_view id) {
  auto row = tx.Query(absl::StrCat("SELECT ", kFollowUpColumns,
                                   " FROM lead_follow_ups WHERE tenant_id = ? AND follow_up_id = ?"),
                      {tx.tenant().value(), std::string(id)});
  if (!row->next()) return absl::NotFoundError(absl::StrCat(kFollowUpPrefix, id, " does not exist"));
  return FollowUpRow(*row);
}

}  // namespace

const ListTable& LeadRepository::Table() {
  static const ListTable table{"leads", "lead_id", LeadColumns().c_str()};
  return table;
}

const ListTable& LeadRepository::FollowUpTable() {
  static const ListTable table{"lead_follow_ups", "follow_up_id", kFollowUpColumns};
  return table;
}

v1::LeadFollowUp LeadRepository::FollowUpFromRow(sql::ResultSet& row) { return FollowUpRow(row); }

absl::StatusOr<v1::Lead> LeadRepository::Create(const TenantId& tenant, const v1::Lead& lead,
                                                absl::string_view request_id, absl::Time deadline) {
  const std::string lead_id = NewResourceId();
  absl::string_view contact_id = lead.contact();
  absl::ConsumePrefix(&contact_id, kContactPrefix);
  return RunTransactionFor<v1::Lead>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Lead> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "CreateLead", lead_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) return ReadLead(tx, **replay, false);
        if (ExistingIds(tx, "contacts", "contact_id", {std::string(contact_id)}, " LOCK IN SHARE MODE")
                .empty()) {
          return absl::NotFoundError(absl::StrCat("lead.contact: ", lead.contact(), " does not exist"));
        }
        static const std::string* sql = new std::string(absl::StrCat(
            "INSERT INTO leads (tenant_id, lead_id, contact_id, source, ",
            absl::StrJoin(kMutableColumns, ", "), ", revision, create_time, update_time) VALUES (?, ?, ?, ?, ",
            absl::StrJoin(std::vector<std::string>(std::size(kMutableColumns), "?"), ", "),
            ", 1, ?, ?)"));
        std::vector<SqlValue> values = {tenant.value(), lead_id, std::string(contact_id),
                                        static_cast<int64_t>(lead.source())};
        for (SqlValue& value : LeadValues(lead)) values.push_back(std::move(value));
        const std::string now = ToSqlDatetime(FromProtoTimestamp(lead.create_time()));
        values.push_back(now);
        values.push_back(now);
        tx.Execute(*sql, values);
        return ReadLead(tx, lead_id, false);
      });
}

absl::StatusOr<v1::Lead> LeadRepository::Get(const TenantId& tenant, absl::string_view lead_id,
                                             absl::Time deadline) {
  return RunTransactionFor<v1::Lead>(pool_, tenant, deadline, [&](Transaction& tx) {
    return ReadLead(tx, lead_id, false);
  });
}

absl::StatusOr<Page<v1::Lead>> LeadRepository::List(const TenantId& tenant, const ListQuery& query,
                                                    absl::Time deadline) {
  return ReadListPage<v1::Lead>(pool_, &tenant, Table(), query, deadline, LeadFromRow);
}

absl::StatusOr<Page<v1::Lead>> LeadRepository::ListDue(const TenantId& tenant, ListQuery query,
                                                       absl::Time due_before, absl::Time deadline) {
  const std::string condition =
      absl::StrCat("status = ", static_cast<int>(v1::Lead::STATUS_ACTIVE),
                   " AND next_follow_up_time IS NOT NULL AND next_follow_up_time < ?");
  query.filter.sql = query.filter.sql.empty() ? condition
                                              : absl::StrCat("(", query.filter.sql, ") AND ", condition);
  query.filter.params.push_back(ToSqlDatetime(due_before));
  return ReadListPage<v1::Lead>(pool_, &tenant, Table(), query, deadline, LeadFromRow);
}

absl::StatusOr<v1::Lead> LeadRepository::Update(const TenantId& tenant, absl::string_view lead_id,
                                                absl::string_view expected_etag,
                                                const std::function<absl::Status(v1::Lead&)>& mutate,
                                                absl::Time deadline) {
  return RunTransactionFor<v1::Lead>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Lead> {
        absl::StatusOr<v1::Lead> current = ReadLead(tx, lead_id, /*for_update=*/true);
        if (!current.ok()) return current.status();
        if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
          return etag;
        }
        v1::Lead updated = *current;
        if (absl::Status mutated = mutate(updated); !mutated.ok()) return mutated;
        WriteLead(tx, lead_id, updated);
        return ReadLead(tx, lead_id, false);
      });
}

absl::StatusOr<std::pair<v1::LeadFollowUp, v1::Lead>> LeadRepository::RecordFollowUp(
    const TenantId& tenant, absl::string_view lead_id, const v1::LeadFollowUp& follow_up,
    absl::string_view request_id,
    const std::function<absl::Status(v1::Lead&, const v1::LeadFollowUp&)>& mutate,
    absl::Time deadline) {
  using Result = std::pair<v1::LeadFollowUp, v1::Lead>;
  const std::string follow_up_id = NewResourceId();
  return RunTransactionFor<Result>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<Result> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "RecordFollowUp", follow_up_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) {
          absl::StatusOr<v1::LeadFollowUp> first = ReadFollowUp(tx, **replay);
          if (!first.ok()) return first.status();
          absl::string_view first_lead = first->lead();
          absl::ConsumePrefix(&first_lead, kLeadPrefix);
          absl::StatusOr<v1::Lead> lead = ReadLead(tx, first_lead, false);
          if (!lead.ok()) return lead.status();
          return Result{*std::move(first), *std::move(lead)};
        }
        absl::StatusOr<v1::Lead> lead = ReadLead(tx, lead_id, /*for_update=*/true);
        if (!lead.ok()) return lead.status();
        if (absl::Status mutated = mutate(*lead, follow_up); !mutated.ok()) return mutated;
        absl::string_view contact_id = lead->contact();
        absl::ConsumePrefix(&contact_id, kContactPrefix);
        tx.Execute(absl::StrCat("INSERT INTO lead_follow_ups (tenant_id, ", kFollowUpColumns,
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   {tenant.value(), follow_up_id, std::string(lead_id), std::string(contact_id),
                    static_cast<int64_t>(follow_up.method()),
                    static_cast<int64_t>(follow_up.outcome()),
                    ToSqlDatetime(FromProtoTimestamp(follow_up.follow_up_time())),
                    follow_up.performed_by(), follow_up.notes(), ToSqlDatetime(NowMicros())});
        WriteLead(tx, lead_id, *lead);
        absl::StatusOr<v1::LeadFollowUp> stored = ReadFollowUp(tx, follow_up_id);
        if (!stored.ok()) return stored.status();
        absl::StatusOr<v1::Lead> written = ReadLead(tx, lead_id, false);
        if (!written.ok()) return written.status();
        return Result{*std::move(stored), *std::move(written)};
      });
}

absl::StatusOr<int64_t> LeadRepository::InvalidateUnreached(const TenantId& tenant,
                                                            const UnreachedLeadRule& rule,
                                                            absl::Time deadline) {
  constexpr int64_t kBatch = 500;
  int64_t total = 0;
  while (true) {
    absl::StatusOr<int64_t> changed = RunTransactionFor<int64_t>(
        pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<int64_t> {
          const std::string now = ToSqlDatetime(rule.now);
          return tx.Execute(
              "UPDATE leads SET status = ?, invalid_time = ?, invalid_reason = ?, invalid_note = ?, "
              "revisit_time = ?, next_follow_up_time = NULL, revision = revision + 1, "
              "update_time = ? WHERE tenant_id = ? AND status = ? AND last_contact_time < ? "
              "LIMIT ?",
              {static_cast<int64_t>(v1::Lead::STATUS_INVALID), now,
               static_cast<int64_t>(v1::Lead::INVALID_REASON_UNREACHABLE), rule.note,
               ToSqlDatetime(rule.revisit_time), now, tenant.value(),
               static_cast<int64_t>(v1::Lead::STATUS_ACTIVE),
               ToSqlDatetime(rule.last_contact_before), kBatch});
        });
    if (!changed.ok()) return changed.status();
    total += *changed;
    if (*changed < kBatch) return total;
  }
}

absl::StatusOr<std::vector<LeadSourceCounts>> LeadRepository::Funnel(const TenantId& tenant,
                                                                     absl::Time start, absl::Time end,
                                                                     absl::Time deadline) {
  return RunTransactionFor<std::vector<LeadSourceCounts>>(
      pool_, tenant, deadline,
      [&](Transaction& tx) -> absl::StatusOr<std::vector<LeadSourceCounts>> {
        std::map<int, LeadSourceCounts> by_source;
        const std::vector<SqlValue> range = {tenant.value(), ToSqlDatetime(start), ToSqlDatetime(end)};
        constexpr char kInRange[] = " FROM leads WHERE tenant_id = ? AND create_time >= ? AND create_time < ?";
        auto counts = tx.Query(
            absl::StrCat("SELECT source, COUNT(*) AS created, "
                         "SUM(first_reach_time IS NOT NULL) AS contacted, "
                         "SUM(status = ", static_cast<int>(v1::Lead::STATUS_CONVERTED), ") AS converted, "
                         "SUM(status = ", static_cast<int>(v1::Lead::STATUS_INVALID), ") AS invalid",
                         kInRange, " GROUP BY source"),
            range);
        while (counts->next()) {
          LeadSourceCounts& entry = by_source[counts->getInt("source")];
          entry.source = static_cast<v1::Lead::Source>(counts->getInt("source"));
          entry.created = counts->getInt64("created");
          entry.contacted = counts->getInt64("contacted");
          entry.converted = counts->getInt64("converted");
          entry.invalid = counts->getInt64("invalid");
        }
        auto reasons = tx.Query(
            absl::StrCat("SELECT source, invalid_reason, COUNT(*) AS n", kInRange, " AND status = ",
                         static_cast<int>(v1::Lead::STATUS_INVALID),
                         " GROUP BY source, invalid_reason ORDER BY source, invalid_reason"),
            range);
        while (reasons->next()) {
          by_source[reasons->getInt("source")].invalid_reasons.emplace_back(
              static_cast<v1::Lead::InvalidReason>(reasons->getInt("invalid_reason")),
              reasons->getInt64("n"));
        }
        auto conversions = tx.Query(
            absl::StrCat("SELECT source, TIMESTAMPDIFF(MICROSECOND, create_time, convert_time) AS micros",
                         kInRange, " AND status = ", static_cast<int>(v1::Lead::STATUS_CONVERTED)),
            range);
        while (conversions->next()) {
          by_source[conversions->getInt("source")].times_to_convert.push_back(
              absl::Microseconds(conversions->getInt64("micros")));
        }
        std::vector<LeadSourceCounts> out;
        for (auto& [source, entry] : by_source) out.push_back(std::move(entry));
        return out;
      });
}

}  // namespace crm::storage
