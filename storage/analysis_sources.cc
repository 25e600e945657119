#include "storage/analysis_sources.h"

#include <cppconn/resultset.h>

#include "crm/v1/purchase.pb.h"
#include "storage/existing_ids.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr int64_t kPurchaseType = v1::Purchase::TYPE_PURCHASE;
constexpr int kSaleChunkRows = 20000;

}  // namespace

absl::Status AnalysisSources::ScanSales(const TenantId& tenant, absl::Time start, absl::Time end,
                                        const std::string& category, const std::function<void(const Sale&)>& visit,
                                        absl::Time deadline) {
  std::string after_time = ToSqlDatetime(start);
  std::string after_id;  // "" sorts before every id: the first chunk starts at `start`
  std::vector<Sale> chunk;
  std::string last_time, last_id;
  while (true) {
    absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
      chunk.clear();
      auto rows = tx.Query(
          "SELECT purchase_id, contact_id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', purchase_time) AS micros, "
          "purchase_time, amount_micros, gross_margin_micros, quantity, store_id, product_category FROM purchases "
          "WHERE tenant_id = ? AND (purchase_time > ? OR (purchase_time = ? AND purchase_id > ?)) "
          "AND purchase_time < ? AND purchase_type = ? AND (? = '' OR product_category = ?) "
          "ORDER BY purchase_time, purchase_id LIMIT ?",
          {tenant.value(), after_time, after_time, after_id, ToSqlDatetime(end), kPurchaseType, category, category,
           static_cast<int64_t>(kSaleChunkRows)});
      while (rows->next()) {
        Sale sale;
        sale.contact_id = rows->getString("contact_id");
        sale.time = absl::FromUnixMicros(rows->getInt64("micros"));
        sale.amount_micros = rows->getInt64("amount_micros");
        if (!rows->isNull("gross_margin_micros")) sale.margin_micros = rows->getInt64("gross_margin_micros");
        sale.quantity = rows->getInt64("quantity");
        sale.store_id = rows->getString("store_id");
        sale.product_category = rows->getString("product_category");
        last_time = rows->getString("purchase_time");
        last_id = rows->getString("purchase_id");
        chunk.push_back(std::move(sale));
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    for (const Sale& sale : chunk) visit(sale);
    if (static_cast<int>(chunk.size()) < kSaleChunkRows) return absl::OkStatus();
    after_time = last_time;
    after_id = last_id;
  }
}

// Runs ForEachRowWithValueIn over `ids` in transactions of at most 5000 ids, so no
// transaction grows with the tenant.
absl::Status AnalysisSources::ForEachRowOfIds(const TenantId& tenant, const char* table, const char* select_list,
                                              const char* suffix, const std::vector<std::string>& ids,
                                              const std::function<void(sql::ResultSet&)>& visit, absl::Time deadline) {
  constexpr size_t kIdsPerTransaction = 5000;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerTransaction) {
    const std::vector<std::string> batch(
        ids.begin() + static_cast<std::ptrdiff_t>(begin),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), begin + kIdsPerTransaction)));
    absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
      ForEachRowWithValueIn(tx, table, "contact_id", select_list, batch, suffix, visit);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::flat_hash_map<std::string, absl::Time>> AnalysisSources::FirstPurchaseTimes(
    const TenantId& tenant, const std::vector<std::string>& contact_ids, absl::Time deadline) {
  absl::flat_hash_map<std::string, absl::Time> first;
  // MIN over (tenant, contact, purchase_time): one index dive per contact. The type is
  // not in that index, so the first purchase is found among each contact's rows.
  absl::Status status = ForEachRowOfIds(
      tenant, "purchases", "contact_id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', MIN(purchase_time)) AS micros",
      " AND purchase_type = 1 GROUP BY contact_id", contact_ids,
      [&](sql::ResultSet& row) {
        first[std::string(row.getString("contact_id"))] = absl::FromUnixMicros(row.getInt64("micros"));
      },
      deadline);
  if (!status.ok()) return status;
  return first;
}

absl::StatusOr<absl::flat_hash_map<std::string, AnalysisSources::ContactProfile>> AnalysisSources::ContactProfiles(
    const TenantId& tenant, const std::vector<std::string>& contact_ids, absl::Time deadline) {
  absl::flat_hash_map<std::string, ContactProfile> profiles;
  absl::Status status = ForEachRowOfIds(
      tenant, "contacts", "contact_id, store_id, birthday", "", contact_ids,
      [&](sql::ResultSet& row) {
        ContactProfile& profile = profiles[std::string(row.getString("contact_id"))];
        profile.store_id = GetOptionalString(row, "store_id").value_or("");
        profile.birthday = GetOptionalDate(row, "birthday");
      },
      deadline);
  if (!status.ok()) return status;
  return profiles;
}

absl::StatusOr<absl::flat_hash_map<std::string, double>> AnalysisSources::MeanSatisfactionByContact(
    const TenantId& tenant, absl::Time deadline) {
  absl::flat_hash_map<std::string, std::pair<double, int64_t>> sums;
  absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    sums.clear();
    for (const char* table : {"interactions", "complaints"}) {
      auto rows = tx.Query(std::string("SELECT contact_id, SUM(satisfaction_score) AS total, COUNT(*) AS n FROM ") +
                               table +
                               " WHERE tenant_id = ? AND satisfaction_score IS NOT NULL GROUP BY contact_id",
                           {tenant.value()});
      while (rows->next()) {
        auto& [total, n] = sums[std::string(rows->getString("contact_id"))];
        total += rows->getDouble("total");
        n += rows->getInt64("n");
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  absl::flat_hash_map<std::string, double> means;
  for (const auto& [contact, sum] : sums) means[contact] = sum.first / static_cast<double>(sum.second);
  return means;
}

absl::StatusOr<bool> AnalysisSources::HasPurchasesBetween(const TenantId& tenant, absl::Time start, absl::Time end,
                                                          absl::Time deadline) {
  return RunTransactionFor<bool>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<bool> {
    auto row = tx.Query(
        "SELECT 1 FROM purchases WHERE tenant_id = ? AND purchase_time >= ? AND purchase_time < ? "
        "AND purchase_type = ? LIMIT 1",
        {tenant.value(), ToSqlDatetime(start), ToSqlDatetime(end), kPurchaseType});
    return row->next();
  });
}

absl::StatusOr<int64_t> AnalysisSources::CountPurchasesBefore(const TenantId& tenant, absl::Time before,
                                                              absl::Time deadline) {
  return RunTransactionFor<int64_t>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<int64_t> {
    auto row = tx.Query("SELECT COUNT(*) FROM purchases WHERE tenant_id = ? AND purchase_time < ?",
                        {tenant.value(), ToSqlDatetime(before)});
    return row->next() ? row->getInt64(1) : 0;
  });
}

}  // namespace crm::storage
