#include "storage/moments_source.h"

#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

// One page of a due-time ordered list from `table` (its id column, contact column
// and time column), `condition` narrowing it. `(time, id) > cursor` is the keyset.
absl::StatusOr<Page<StoredMoment>> TimeOrderedPage(ConnectionPool& pool, const TenantId& tenant,
                                                   const char* table, const char* id_column,
                                                   const char* time_column, const char* condition,
                                                   absl::Time start, absl::Time end,
                                                   const std::optional<ListCursor>& after, int page_size,
                                                   absl::Time deadline) {
  return RunTransactionFor<Page<StoredMoment>>(pool, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<Page<StoredMoment>> {
    std::vector<SqlValue> params = {tenant.value(), ToSqlDatetime(start), ToSqlDatetime(end)};
    std::string keyset;
    if (after) {
      keyset = absl::StrCat(" AND (", time_column, " > ? OR (", time_column, " = ? AND ", id_column, " > ?))");
      params.insert(params.end(), {after->sort_value, after->sort_value, after->id});
    }
    params.push_back(static_cast<int64_t>(page_size + 1));
    auto rows = tx.Query(absl::StrCat("SELECT ", id_column, " AS subject_id, contact_id, ", time_column,
                                      " AS due_time FROM ", table, " WHERE tenant_id = ? AND ", condition, " AND ",
                                      time_column, " >= ? AND ", time_column, " < ?", keyset, " ORDER BY ",
                                      time_column, ", ", id_column, " LIMIT ?"),
                         params);
    Page<StoredMoment> page;
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == page_size) {
        const StoredMoment& last = page.items.back();
        page.next = ListCursor{ToSqlDatetime(last.due_time), last.subject_id};
        break;
      }
      StoredMoment moment;
      moment.subject_id = rows->getString("subject_id");
      moment.contact_id = rows->getString("contact_id");
      moment.due_time = FromSqlDatetime(rows->getString("due_time"));
      page.items.push_back(std::move(moment));
    }
    return page;
  });
}

}  // namespace

absl::StatusOr<Page<StoredMoment>> MomentsSource::Birthdays(const TenantId& tenant, const std::vector<int>& month_days,
                                                            const std::optional<ListCursor>& after, int page_size,
                                                            absl::Time deadline) {
  return RunTransactionFor<Page<StoredMoment>>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<Page<StoredMoment>> {
    Page<StoredMoment> page;
    if (month_days.empty()) return page;
    std::vector<SqlValue> params = {tenant.value(), after ? after->id : std::string()};
    for (int month_day : month_days) params.push_back(static_cast<int64_t>(month_day));
    params.push_back(static_cast<int64_t>(page_size + 1));
    auto rows = tx.Query(
        absl::StrCat("SELECT contact_id, MONTH(birthday) AS m, DAY(birthday) AS d FROM contacts WHERE "
                     "tenant_id = ? AND contact_id > ? AND birthday IS NOT NULL AND "
                     "MONTH(birthday) * 100 + DAY(birthday) IN (",
                     absl::StrJoin(std::vector<std::string>(month_days.size(), "?"), ", "),
                     ") ORDER BY contact_id LIMIT ?"),
        params);
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == page_size) {
        page.next = ListCursor{"", page.items.back().contact_id};
        break;
      }
      StoredMoment moment;
      moment.contact_id = rows->getString("contact_id");
      moment.birthday_month = rows->getInt("m");
      moment.birthday_day = rows->getInt("d");
      page.items.push_back(std::move(moment));
    }
    return page;
  });
}

absl::StatusOr<Page<StoredMoment>> MomentsSource::FollowUpsDue(const TenantId& tenant, absl::Time start,
                                                               absl::Time end, const std::optional<ListCursor>& after,
                                                               int page_size, absl::Time deadline) {
  return TimeOrderedPage(pool_, tenant, "leads", "lead_id", "next_follow_up_time", "status = 1", start, end, after,
                         page_size, deadline);
}

absl::StatusOr<Page<StoredMoment>> MomentsSource::ComplaintsDue(const TenantId& tenant, absl::Time start,
                                                                absl::Time end, const std::optional<ListCursor>& after,
                                                                int page_size, absl::Time deadline) {
  return TimeOrderedPage(pool_, tenant, "complaints", "complaint_id", "due_time", "status IN (1, 2)", start, end,
                         after, page_size, deadline);
}

}  // namespace crm::storage
