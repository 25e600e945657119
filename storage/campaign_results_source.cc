#include "storage/campaign_results_source.h"

#include <cppconn/resultset.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

// ` AND p.product_category IN (?, …)` with its values, or nothing for "any purchase".
// Only purchases (type 1) respond and count as sales; refunds do not.
std::string CategoryCondition(const std::vector<std::string>& categories, std::vector<SqlValue>* params) {
  if (categories.empty()) return "";
  for (const std::string& category : categories) params->push_back(category);
  return absl::StrCat(" AND p.product_category IN (",
                      absl::StrJoin(std::vector<std::string>(categories.size(), "?"), ", "), ")");
}

constexpr char kSentStates[] = "(2, 3, 5)";

}  // namespace

absl::StatusOr<std::vector<RecipientTally>> CampaignResultsSource::Tallies(const TenantId& tenant,
                                                                           absl::string_view campaign_id,
                                                                           absl::Time deadline) {
  return RunTransactionFor<std::vector<RecipientTally>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<RecipientTally>> {
        auto rows = tx.Query(
            "SELECT cell_index, is_control, delivery_state, COUNT(*) AS members FROM campaign_recipients "
            "WHERE tenant_id = ? AND campaign_id = ? GROUP BY cell_index, is_control, delivery_state",
            {tenant.value(), std::string(campaign_id)});
        std::vector<RecipientTally> tallies;
        while (rows->next()) {
          tallies.push_back({rows->getInt("cell_index"), rows->getInt("is_control") != 0,
                             rows->getInt("delivery_state"), rows->getInt64("members")});
        }
        return tallies;
      });
}

absl::StatusOr<std::vector<PurchaseResponder>> CampaignResultsSource::PurchaseResponders(
    const TenantId& tenant, absl::string_view campaign_id, absl::Time campaign_start, int window_days,
    const std::vector<std::string>& categories, absl::Time deadline) {
  return RunTransactionFor<std::vector<PurchaseResponder>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<PurchaseResponder>> {
        // Each member's window starts at its own sent time (test) or at the campaign
        // start (control); purchases_by_contact serves the join.
        const std::string start = ToSqlDatetime(campaign_start);
        std::vector<SqlValue> params = {start, start, static_cast<int64_t>(window_days)};
        const std::string categories_sql = CategoryCondition(categories, &params);
        params.insert(params.end(), {tenant.value(), std::string(campaign_id)});
        auto rows = tx.Query(
            absl::StrCat(
                "SELECT r.contact_id, r.cell_index, r.is_control, SUM(p.amount_micros) AS revenue, "
                "SUM(COALESCE(p.gross_margin_micros, p.amount_micros)) AS margin FROM campaign_recipients r "
                "JOIN purchases p ON p.tenant_id = r.tenant_id AND p.contact_id = r.contact_id "
                "AND p.purchase_type = 1 AND p.purchase_time >= IF(r.is_control = 1, ?, r.sent_time) "
                "AND p.purchase_time < IF(r.is_control = 1, ?, r.sent_time) + INTERVAL ? DAY",
                categories_sql,
                " WHERE r.tenant_id = ? AND r.campaign_id = ? AND (r.is_control = 1 OR r.delivery_state IN ",
                kSentStates, ") GROUP BY r.contact_id, r.cell_index, r.is_control"),
            params);
        std::vector<PurchaseResponder> responders;
        while (rows->next()) {
          responders.push_back({rows->getString("contact_id"), rows->getInt("cell_index"),
                                rows->getInt("is_control") != 0, rows->getInt64("revenue"),
                                rows->getInt64("margin")});
        }
        return responders;
      });
}

absl::StatusOr<std::vector<RecordedResponse>> CampaignResultsSource::Responses(const TenantId& tenant,
                                                                               absl::string_view campaign_id,
                                                                               absl::Time deadline) {
  return RunTransactionFor<std::vector<RecordedResponse>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<RecordedResponse>> {
        auto rows = tx.Query(
            absl::StrCat("SELECT x.contact_id, r.cell_index, r.is_control, r.delivery_state IN ", kSentStates,
                         " AS sent, r.sent_time, x.kind, x.response_time FROM campaign_responses x JOIN "
                         "campaign_recipients r ON r.tenant_id = x.tenant_id AND r.campaign_id = x.campaign_id "
                         "AND r.contact_id = x.contact_id WHERE x.tenant_id = ? AND x.campaign_id = ?"),
            {tenant.value(), std::string(campaign_id)});
        std::vector<RecordedResponse> responses;
        while (rows->next()) {
          RecordedResponse response;
          response.contact_id = rows->getString("contact_id");
          response.cell_index = rows->getInt("cell_index");
          response.control = rows->getInt("is_control") != 0;
          response.sent = rows->getInt("sent") != 0;
          response.sent_time = GetOptionalDatetime(*rows, "sent_time");
          response.kind = rows->getInt("kind");
          response.response_time = FromSqlDatetime(rows->getString("response_time"));
          responses.push_back(std::move(response));
        }
        return responses;
      });
}

absl::StatusOr<int64_t> CampaignResultsSource::SalesTotal(const TenantId& tenant, absl::Time start,
                                                          absl::Time end,
                                                          const std::vector<std::string>& categories,
                                                          absl::Time deadline) {
  return RunTransactionFor<int64_t>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<int64_t> {
    std::vector<SqlValue> params = {tenant.value(), ToSqlDatetime(start), ToSqlDatetime(end)};
    const std::string categories_sql = CategoryCondition(categories, &params);
    auto row = tx.Query(absl::StrCat("SELECT COALESCE(SUM(p.amount_micros), 0) AS total FROM purchases p "
                                     "WHERE p.tenant_id = ? AND p.purchase_type = 1 AND p.purchase_time >= ? AND "
                                     "p.purchase_time < ?",
                                     categories_sql),
                        params);
    row->next();
    return row->getInt64("total");
  });
}

absl::Status CampaignResultsSource::ForEachPurchase(const TenantId& tenant, absl::Time start, absl::Time end,
                                                    const std::vector<std::string>& categories,
                                                    const std::function<void(const PurchasePoint&)>& visit,
                                                    absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    std::vector<SqlValue> params = {tenant.value(), ToSqlDatetime(start), ToSqlDatetime(end)};
    const std::string categories_sql = CategoryCondition(categories, &params);
    auto rows = tx.Query(absl::StrCat("SELECT p.contact_id, p.purchase_time, p.amount_micros FROM purchases p "
                                      "WHERE p.tenant_id = ? AND p.purchase_type = 1 AND p.purchase_time >= ? AND "
                                      "p.purchase_time < ?",
                                      categories_sql, " ORDER BY p.purchase_time"),
                         params);
    while (rows->next()) {
      visit({rows->getString("contact_id"), FromSqlDatetime(rows->getString("purchase_time")),
             rows->getInt64("amount_micros")});
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> CampaignResultsSource::SentTestMembers(const TenantId& tenant,
                                                                                absl::string_view campaign_id,
                                                                                absl::Time deadline) {
  return RunTransactionFor<std::vector<std::string>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<std::string>> {
        auto rows = tx.Query(absl::StrCat("SELECT contact_id FROM campaign_recipients WHERE tenant_id = ? AND "
                                          "campaign_id = ? AND is_control = 0 AND delivery_state IN ",
                                          kSentStates),
                             {tenant.value(), std::string(campaign_id)});
        std::vector<std::string> members;
        while (rows->next()) members.push_back(rows->getString("contact_id"));
        return members;
      });
}

absl::StatusOr<std::vector<PurchasePoint>> CampaignResultsSource::SentMemberPurchases(
    const TenantId& tenant, absl::string_view campaign_id, absl::Time start, absl::Time end,
    absl::Time deadline) {
  return RunTransactionFor<std::vector<PurchasePoint>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<std::vector<PurchasePoint>> {
        auto rows = tx.Query(
            absl::StrCat("SELECT r.contact_id, p.purchase_time, p.amount_micros FROM campaign_recipients r "
                         "JOIN purchases p ON p.tenant_id = r.tenant_id AND p.contact_id = r.contact_id AND "
                         "p.purchase_type = 1 AND p.purchase_time >= ? AND p.purchase_time < ? WHERE r.tenant_id = ? AND "
                         "r.campaign_id = ? AND r.is_control = 0 AND r.delivery_state IN ",
                         kSentStates, " ORDER BY r.contact_id, p.purchase_time"),
            {ToSqlDatetime(start), ToSqlDatetime(end), tenant.value(), std::string(campaign_id)});
        std::vector<PurchasePoint> purchases;
        while (rows->next()) {
          purchases.push_back({rows->getString("contact_id"), FromSqlDatetime(rows->getString("purchase_time")),
                               rows->getInt64("amount_micros")});
        }
        return purchases;
      });
}

}  // namespace crm::storage
