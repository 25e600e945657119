#include "storage/interaction_repository.h"

#include <cppconn/resultset.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "storage/complaint_repository.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/lead_repository.h"
#include "storage/list_page.h"
#include "storage/purchase_repository.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "interaction_id, contact_id, interaction_type, direction, channel, outcome, "
    "satisfaction_score, interaction_time, performed_by, notes, revision, create_time";
constexpr char kContactPrefix[] = "contacts/";
constexpr char kInteractionPrefix[] = "interactions/";
constexpr char kPurchasePrefix[] = "purchases/";
constexpr char kComplaintPrefix[] = "complaints/";
constexpr char kFollowUpPrefix[] = "leadFollowUps/";

v1::Interaction InteractionFromRow(sql::ResultSet& row) {
  v1::Interaction interaction;
  interaction.set_name(absl::StrCat(kInteractionPrefix, std::string(row.getString("interaction_id"))));
  interaction.set_contact(absl::StrCat(kContactPrefix, std::string(row.getString("contact_id"))));
  interaction.set_type(static_cast<v1::Interaction::Type>(row.getInt("interaction_type")));
  interaction.set_direction(static_cast<v1::Interaction::Direction>(row.getInt("direction")));
  interaction.set_channel(row.getString("channel"));
  interaction.set_outcome(row.getString("outcome"));
  if (!row.isNull("satisfaction_score")) {
    interaction.set_satisfaction_score(row.getInt("satisfaction_score"));
  }
  ToProtoTimestamp(FromSqlDatetime(row.getString("interaction_time")),
                   interaction.mutable_interaction_time());
  interaction.set_performed_by(row.getString("performed_by"));
  interaction.set_notes(row.getString("notes"));
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), interaction.mutable_create_time());
  interaction.set_etag(EtagForRevision(row.getInt64("revision")));
  return interaction;
}

absl::StatusOr<v1::Interaction> ReadInteraction(Transaction& tx, absl::string_view id) {
  auto row = tx.Query(absl::StrCat("SELECT ", kColumns,
                                   " FROM interactions WHERE tenant_id = ? AND interaction_id = ?"),
                      {tx.tenant().value(), std::string(id)});
  if (!row->next()) return absl::NotFoundError(absl::StrCat(kInteractionPrefix, id, " does not exist"));
  return InteractionFromRow(*row);
}

bool ContactExists(Transaction& tx, const std::string& contact_id, bool lock) {
  auto row = tx.Query(absl::StrCat("SELECT 1 FROM contacts WHERE tenant_id = ? AND contact_id = ?",
                                   lock ? " LOCK IN SHARE MODE" : ""),
                      {tx.tenant().value(), contact_id});
  return row->next();
}

// For entries at exactly the cursor's time, the bound on this source's id: entries
// are ordered by full resource name, so a source whose prefix sorts before the
// cursor's has all its same-time rows after the cursor ("~" is above every id), one
// that sorts after has none ("" is below every id), and the cursor's own source
// continues below the cursor's id.
std::string SameTimeIdBound(absl::string_view prefix, absl::string_view cursor_name) {
  if (absl::StartsWith(cursor_name, prefix)) return std::string(cursor_name.substr(prefix.size()));
  return prefix < cursor_name ? "~" : "";
}

}  // namespace

const ListTable& InteractionRepository::Table() {
  static const ListTable table{"interactions", "interaction_id", kColumns};
  return table;
}

absl::StatusOr<v1::Interaction> InteractionRepository::Log(const TenantId& tenant,
                                                           const v1::Interaction& interaction,
                                                           absl::string_view request_id,
                                                           absl::Time deadline) {
  const std::string interaction_id = NewResourceId();
  absl::string_view contact_id = interaction.contact();
  absl::ConsumePrefix(&contact_id, kContactPrefix);
  return RunTransactionFor<v1::Interaction>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Interaction> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "LogInteraction", interaction_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) return ReadInteraction(tx, **replay);
        if (!ContactExists(tx, std::string(contact_id), /*lock=*/true)) {
          return absl::NotFoundError(absl::StrCat("contact: ", interaction.contact(), " does not exist"));
        }
        tx.Execute(absl::StrCat("INSERT INTO interactions (tenant_id, ", kColumns,
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"),
                   {tenant.value(), interaction_id, std::string(contact_id),
                    static_cast<int64_t>(interaction.type()),
                    static_cast<int64_t>(interaction.direction()), interaction.channel(),
                    interaction.outcome(),
                    interaction.has_satisfaction_score()
                        ? SqlValue(static_cast<int64_t>(interaction.satisfaction_score()))
                        : SqlValue(nullptr),
                    ToSqlDatetime(FromProtoTimestamp(interaction.interaction_time())),
                    interaction.performed_by(), interaction.notes(), ToSqlDatetime(NowMicros())});
        return ReadInteraction(tx, interaction_id);
      });
}

absl::StatusOr<v1::Interaction> InteractionRepository::Get(const TenantId& tenant,
                                                           absl::string_view interaction_id,
                                                           absl::Time deadline) {
  return RunTransactionFor<v1::Interaction>(pool_, tenant, deadline, [&](Transaction& tx) {
    return ReadInteraction(tx, interaction_id);
  });
}

absl::StatusOr<Page<v1::Interaction>> InteractionRepository::List(const TenantId& tenant,
                                                                  const ListQuery& query,
                                                                  absl::Time deadline) {
  return ReadListPage<v1::Interaction>(pool_, &tenant, Table(), query, deadline, InteractionFromRow);
}

absl::StatusOr<Page<v1::TimelineEntry>> InteractionRepository::Timeline(
    const TenantId& tenant, absl::string_view contact_id, const std::optional<ListCursor>& after,
    int page_size, absl::Time deadline) {
  return RunTransactionFor<Page<v1::TimelineEntry>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<Page<v1::TimelineEntry>> {
        if (!ContactExists(tx, std::string(contact_id), /*lock=*/false)) {
          return absl::NotFoundError(absl::StrCat(kContactPrefix, contact_id, " does not exist"));
        }
        // Reads one source: rows strictly after the cursor in (time desc, name desc).
        const auto read = [&](const char* table, const char* id_column, const char* time_column,
                              const std::string& columns, absl::string_view prefix) {
          std::string sql = absl::StrCat("SELECT ", columns, " FROM ", table,
                                         " WHERE tenant_id = ? AND contact_id = ?");
          std::vector<SqlValue> params = {tenant.value(), std::string(contact_id)};
          if (after) {
            absl::StrAppend(&sql, " AND (", time_column, " < ? OR (", time_column, " = ? AND ",
                            id_column, " < ?))");
            params.push_back(after->sort_value);
            params.push_back(after->sort_value);
            params.push_back(SameTimeIdBound(prefix, after->id));
          }
          absl::StrAppend(&sql, " ORDER BY ", time_column, " DESC, ", id_column, " DESC LIMIT ?");
          params.push_back(static_cast<int64_t>(page_size) + 1);
          return tx.Query(sql, params);
        };
        std::vector<v1::TimelineEntry> entries;
        auto purchases = read("purchases", "purchase_id", "purchase_time",
                              PurchaseRepository::Table().columns, kPurchasePrefix);
        while (purchases->next()) {
          v1::TimelineEntry entry;
          *entry.mutable_purchase() = PurchaseRepository::FromRow(*purchases);
          *entry.mutable_time() = entry.purchase().purchase_time();
          entries.push_back(std::move(entry));
        }
        auto interactions = read("interactions", "interaction_id", "interaction_time", kColumns,
                                 kInteractionPrefix);
        while (interactions->next()) {
          v1::TimelineEntry entry;
          *entry.mutable_interaction() = InteractionFromRow(*interactions);
          *entry.mutable_time() = entry.interaction().interaction_time();
          entries.push_back(std::move(entry));
        }
        auto complaints = read("complaints", "complaint_id", "create_time",
                               ComplaintRepository::Table().columns, kComplaintPrefix);
        while (complaints->next()) {
          v1::TimelineEntry entry;
          *entry.mutable_complaint() = ComplaintRepository::FromRow(*complaints);
          *entry.mutable_time() = entry.complaint().create_time();
          entries.push_back(std::move(entry));
        }
        auto follow_ups = read("lead_follow_ups", "follow_up_id", "follow_up_time",
                               LeadRepository::FollowUpTable().columns, kFollowUpPrefix);
        while (follow_ups->next()) {
          v1::TimelineEntry entry;
          *entry.mutable_follow_up() = LeadRepository::FollowUpFromRow(*follow_ups);
          *entry.mutable_time() = entry.follow_up().follow_up_time();
          entries.push_back(std::move(entry));
        }
        const auto name_of = [](const v1::TimelineEntry& entry) -> const std::string& {
          if (entry.has_purchase()) return entry.purchase().name();
          if (entry.has_complaint()) return entry.complaint().name();
          if (entry.has_follow_up()) return entry.follow_up().name();
          return entry.interaction().name();
        };
        std::sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
          const absl::Time ta = FromProtoTimestamp(a.time()), tb = FromProtoTimestamp(b.time());
          if (ta != tb) return ta > tb;
          return name_of(a) > name_of(b);
        });
        Page<v1::TimelineEntry> page;
        for (v1::TimelineEntry& entry : entries) {
          if (static_cast<int>(page.items.size()) == page_size) {
            const v1::TimelineEntry& last = page.items.back();
            page.next = ListCursor{ToSqlDatetime(FromProtoTimestamp(last.time())), name_of(last)};
            break;
          }
          page.items.push_back(std::move(entry));
        }
        return page;
      });
}

}  // namespace crm::storage
