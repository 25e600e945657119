#ifndef CRM_STORAGE_LIST_PAGE_H_
#define CRM_STORAGE_LIST_PAGE_H_

#include <cppconn/resultset.h>

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/strings/str_cat.h"
#include "storage/list_query.h"
#include "storage/money.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {

// Where the page after `last` starts. Works for any resource message with `name`
// (`.../{id}`) and `create_time`; the other sort keys need the matching field (the
// service only offers sort keys its resource has).
template <typename Resource>
ListCursor CursorAfter(const Resource& last, const ListTable& table, SortKey key) {
  ListCursor cursor;
  cursor.id = last.name().substr(last.name().rfind('/') + 1);
  switch (key) {
    case SortKey::kDisplayName:
      if constexpr (requires { last.display_name(); }) cursor.sort_value = last.display_name();
      break;
    case SortKey::kUpdateTime:
      if constexpr (requires { last.update_time(); }) {
        cursor.sort_value = ToSqlDatetime(FromProtoTimestamp(last.update_time()));
      }
      break;
    case SortKey::kPurchaseTime:
      if constexpr (requires { last.purchase_time(); }) {
        cursor.sort_value = ToSqlDatetime(FromProtoTimestamp(last.purchase_time()));
      }
      break;
    case SortKey::kInteractionTime:
      if constexpr (requires { last.interaction_time(); }) {
        cursor.sort_value = ToSqlDatetime(FromProtoTimestamp(last.interaction_time()));
      }
      break;
    case SortKey::kNextFollowUpTime:
      if constexpr (requires { last.next_follow_up_time(); }) {
        cursor.sort_value = ToSqlDatetime(FromProtoTimestamp(last.next_follow_up_time()));
      }
      break;
    case SortKey::kClv:
      if constexpr (requires { last.clv(); }) cursor.sort_value = absl::StrCat(MoneyToMicros(last.clv()));
      break;
    case SortKey::kExpectedValue:
      if constexpr (requires { last.expected_value(); }) {
        cursor.sort_value = absl::StrCat(MoneyToMicros(last.expected_value()));
      }
      break;
    case SortKey::kCreateTime:
      if constexpr (requires { last.create_time(); }) {
        if (!table.id_is_time_ordered) cursor.sort_value = ToSqlDatetime(FromProtoTimestamp(last.create_time()));
      }
      break;
  }
  return cursor;
}

// Runs a List query (per tenant, or global when `tenant` is null) and reads one page:
// the statement asks for page_size + 1 rows, and the extra row only says that a next
// page exists.
template <typename Resource>
absl::StatusOr<Page<Resource>> ReadListPage(ConnectionPool& pool, const TenantId* tenant,
                                            const ListTable& table, const ListQuery& query,
                                            absl::Time deadline,
                                            const std::function<Resource(sql::ResultSet&)>& from_row) {
  const SqlFragment statement = tenant != nullptr
                                    ? BuildListStatement(table, tenant->value(), query)
                                    : BuildGlobalListStatement(table, query);
  const std::function<absl::StatusOr<Page<Resource>>(Transaction&)> read =
      [&](Transaction& tx) -> absl::StatusOr<Page<Resource>> {
    Page<Resource> page;
    auto rows = tx.Query(statement.sql, statement.params);
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == query.page_size) {
        page.next = CursorAfter(page.items.back(), table, query.sort_key);
        break;
      }
      page.items.push_back(from_row(*rows));
    }
    return page;
  };
  if (tenant == nullptr) return RunGlobalTransactionFor<Page<Resource>>(pool, deadline, read);
  return RunTransactionFor<Page<Resource>>(pool, *tenant, deadline, read);
}

}  // namespace crm::storage

#endif  // CRM_STORAGE_LIST_PAGE_H_
