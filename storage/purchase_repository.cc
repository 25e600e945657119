#include "storage/purchase_repository.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "storage/existing_ids.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/lead_conversion.h"
#include "storage/list_page.h"
#include "storage/multi_row_insert.h"
#include "storage/money.h"
#include "storage/row_codec.h"
#include "storage/sql_errors.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "purchase_id, contact_id, purchase_time, amount_micros, gross_margin_micros, quantity, "
    "product_category, product, channel, store_id, purchase_type, external_id, revision, "
    "create_time";
// Placeholders of one inserted row: every column of kColumns after tenant_id, with
// revision fixed at 1.
constexpr char kRowPlaceholders[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)";

constexpr char kContactPrefix[] = "contacts/";

std::string ContactIdOf(const v1::Purchase& purchase) {
  absl::string_view id = purchase.contact();
  absl::ConsumePrefix(&id, kContactPrefix);
  return std::string(id);
}

v1::Purchase PurchaseFromRow(sql::ResultSet& row) {
  v1::Purchase purchase;
  purchase.set_name(absl::StrCat("purchases/", std::string(row.getString("purchase_id"))));
  purchase.set_contact(absl::StrCat(kContactPrefix, std::string(row.getString("contact_id"))));
  ToProtoTimestamp(FromSqlDatetime(row.getString("purchase_time")), purchase.mutable_purchase_time());
  MoneyFromMicros(row.getInt64("amount_micros"), purchase.mutable_amount());
  if (!row.isNull("gross_margin_micros")) {
    MoneyFromMicros(row.getInt64("gross_margin_micros"), purchase.mutable_gross_margin());
  }
  purchase.set_quantity(row.getInt64("quantity"));
  purchase.set_product_category(row.getString("product_category"));
  purchase.set_product(row.getString("product"));
  purchase.set_channel(static_cast<v1::Purchase::Channel>(row.getInt("channel")));
  purchase.set_store_id(row.getString("store_id"));
  purchase.set_type(static_cast<v1::Purchase::Type>(row.getInt("purchase_type")));
  purchase.set_external_id(GetOptionalString(row, "external_id").value_or(""));
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), purchase.mutable_create_time());
  purchase.set_etag(EtagForRevision(row.getInt64("revision")));
  return purchase;
}

// Appends the values of one row in kColumns order (tenant first).
void AppendRowValues(const std::string& tenant_id, const std::string& purchase_id,
                     const v1::Purchase& purchase, const std::string& now,
                     std::vector<SqlValue>* values) {
  values->push_back(tenant_id);
  values->push_back(purchase_id);
  values->push_back(ContactIdOf(purchase));
  values->push_back(ToSqlDatetime(FromProtoTimestamp(purchase.purchase_time())));
  values->push_back(MoneyToMicros(purchase.amount()));
  values->push_back(purchase.has_gross_margin() ? SqlValue(MoneyToMicros(purchase.gross_margin()))
                                                : SqlValue(nullptr));
  values->push_back(purchase.quantity());
  values->push_back(purchase.product_category());
  values->push_back(purchase.product());
  values->push_back(static_cast<int64_t>(purchase.channel()));
  values->push_back(purchase.store_id());
  values->push_back(static_cast<int64_t>(purchase.type()));
  values->push_back(NullIfEmpty(purchase.external_id()));
  values->push_back(now);
}

// `INSERT ... VALUES (..), (..)` for `rows` rows. A row whose external_id is already
// stored changes nothing (the no-op update keeps the first row) and counts 0 in the
// affected-row total; REPLACE or INSERT IGNORE are not used (IGNORE would also hide
// strict-mode errors).
std::string MultiRowInsert(int rows) {
  return MultiRowInsertSql(absl::StrCat("INSERT INTO purchases (tenant_id, ", kColumns, ") VALUES "),
                           kRowPlaceholders, rows, " ON DUPLICATE KEY UPDATE purchase_id = purchase_id");
}

absl::StatusOr<v1::Purchase> ReadPurchase(Transaction& tx, absl::string_view purchase_id,
                                          bool for_update) {
  auto row = tx.Query(absl::StrCat("SELECT ", kColumns,
                                   " FROM purchases WHERE tenant_id = ? AND purchase_id = ?",
                                   for_update ? " FOR UPDATE" : ""),
                      {tx.tenant().value(), std::string(purchase_id)});
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat("purchases/", purchase_id, " does not exist"));
  }
  return PurchaseFromRow(*row);
}

// The subset of `contact_ids` the tenant has, under a shared lock so a concurrent
// DeleteContact cannot leave purchases without their contact.
absl::flat_hash_set<std::string> ExistingContacts(Transaction& tx,
                                                  const absl::flat_hash_set<std::string>& ids) {
  return ExistingIds(tx, "contacts", "contact_id", std::vector<std::string>(ids.begin(), ids.end()),
                     " LOCK IN SHARE MODE");
}

absl::Status ContactMissing(const v1::Purchase& purchase) {
  return absl::NotFoundError(absl::StrCat("contact: ", purchase.contact(), " does not exist"));
}

}  // namespace

v1::Purchase PurchaseRepository::FromRow(sql::ResultSet& row) { return PurchaseFromRow(row); }

const ListTable& PurchaseRepository::Table() {
  static const ListTable table{"purchases", "purchase_id", kColumns};
  return table;
}

absl::StatusOr<v1::Purchase> PurchaseRepository::Record(const TenantId& tenant,
                                                        const v1::Purchase& purchase,
                                                        absl::string_view request_id,
                                                        absl::Time deadline) {
  const std::string purchase_id = NewResourceId();
  return RunTransactionFor<v1::Purchase>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Purchase> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "RecordPurchase", purchase_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) return ReadPurchase(tx, **replay, false);
        if (ExistingContacts(tx, {ContactIdOf(purchase)}).empty()) return ContactMissing(purchase);
        std::vector<SqlValue> values;
        AppendRowValues(tenant.value(), purchase_id, purchase, ToSqlDatetime(NowMicros()), &values);
        const bool inserted = tx.InsertUnlessDuplicate(
            absl::StrCat("INSERT INTO purchases (tenant_id, ", kColumns, ") VALUES ",
                         kRowPlaceholders),
            values);
        if (!inserted) {
          return absl::AlreadyExistsError(absl::StrCat(
              "external_id: a purchase with external_id \"", purchase.external_id(),
              "\" is already recorded"));
        }
        if (purchase.type() == v1::Purchase::TYPE_PURCHASE) {
          ConvertLeadsOnPurchases(tx, {{ContactIdOf(purchase), purchase_id,
                                        FromProtoTimestamp(purchase.purchase_time())}});
        }
        return ReadPurchase(tx, purchase_id, false);
      });
}

absl::StatusOr<v1::Purchase> PurchaseRepository::Get(const TenantId& tenant,
                                                     absl::string_view purchase_id,
                                                     absl::Time deadline) {
  return RunTransactionFor<v1::Purchase>(pool_, tenant, deadline, [&](Transaction& tx) {
    return ReadPurchase(tx, purchase_id, false);
  });
}

absl::StatusOr<Page<v1::Purchase>> PurchaseRepository::List(const TenantId& tenant,
                                                            const ListQuery& query,
                                                            absl::Time deadline) {
  return ReadListPage<v1::Purchase>(pool_, &tenant, Table(), query, deadline, PurchaseFromRow);
}

absl::Status PurchaseRepository::Delete(const TenantId& tenant, absl::string_view purchase_id,
                                        absl::string_view expected_etag, absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    absl::StatusOr<v1::Purchase> current = ReadPurchase(tx, purchase_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    tx.Execute("DELETE FROM purchases WHERE tenant_id = ? AND purchase_id = ?",
               {tenant.value(), std::string(purchase_id)});
    return absl::OkStatus();
  });
}

absl::StatusOr<ImportBatchResult> PurchaseRepository::ImportBatch(
    const TenantId& tenant, const std::vector<v1::Purchase>& rows, bool all_or_nothing,
    absl::Time deadline) {
  // Ids are made outside the transaction so a retried attempt reuses them.
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) ids.push_back(NewResourceId());
  return RunTransactionFor<ImportBatchResult>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<ImportBatchResult> {
        ImportBatchResult result;
        absl::flat_hash_set<std::string> contact_ids;
        for (const v1::Purchase& row : rows) contact_ids.insert(ContactIdOf(row));
        const absl::flat_hash_set<std::string> existing = ExistingContacts(tx, contact_ids);
        std::vector<int> good;
        for (size_t i = 0; i < rows.size(); ++i) {
          if (existing.contains(ContactIdOf(rows[i]))) {
            good.push_back(static_cast<int>(i));
          } else {
            result.errors.emplace_back(static_cast<int>(i), ContactMissing(rows[i]));
          }
        }
        if (all_or_nothing && !result.errors.empty()) return result;
        const std::string now = ToSqlDatetime(NowMicros());
        for (const InsertChunk& chunk : InsertChunks(good.size())) {
          std::vector<SqlValue> values;
          values.reserve(static_cast<size_t>(chunk.size) * 14);
          for (int i = 0; i < chunk.size; ++i) {
            const int row = good[chunk.begin + i];
            AppendRowValues(tenant.value(), ids[row], rows[row], now, &values);
          }
          result.imported += tx.Execute(MultiRowInsert(chunk.size), values);
        }
        result.skipped = static_cast<int64_t>(good.size()) - result.imported;
        // Only rows written now may convert: a skipped row's id was never stored.
        absl::flat_hash_set<std::string> written;
        if (result.skipped > 0) {
          std::vector<std::string> candidate_ids;
          for (int row : good) candidate_ids.push_back(ids[row]);
          written = ExistingIds(tx, "purchases", "purchase_id", candidate_ids, "");
        }
        std::vector<ConvertingPurchase> converting;
        for (int row : good) {
          if (rows[row].type() != v1::Purchase::TYPE_PURCHASE) continue;
          if (result.skipped > 0 && !written.contains(ids[row])) continue;
          converting.push_back({ContactIdOf(rows[row]), ids[row],
                                FromProtoTimestamp(rows[row].purchase_time())});
        }
        ConvertLeadsOnPurchases(tx, converting);
        return result;
      });
}

absl::Status PurchaseRepository::ScanFacts(const TenantId& tenant, absl::Time before,
                                          const std::function<void(const Fact&)>& visit,
                                          absl::Time deadline, int chunk_rows,
                                          const std::function<bool()>& keep_going) {
  struct Row {
    std::string contact_id;
    int64_t micros = 0;
    int64_t amount = 0;
    std::optional<int64_t> margin;
    bool refund = false;
  };
  std::vector<Row> chunk;
  std::string after;  // last purchase_id read; "" sorts before every id
  const std::string before_text = ToSqlDatetime(before);
  while (true) {
    if (keep_going && !keep_going()) return absl::CancelledError("the purchase scan was stopped");
    // The chunk is read inside the transaction and visited after it commits, so a
    // transaction the pool has to rerun never shows a row twice.
    std::string last;
    absl::Status status = RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
      chunk.clear();
      // Times as integer microseconds since the epoch (sessions run in UTC): no text
      // parsing per row.
      auto rows = tx.Query(
          "SELECT purchase_id, contact_id, TIMESTAMPDIFF(MICROSECOND, '1970-01-01', purchase_time) "
          "AS micros, amount_micros, gross_margin_micros, purchase_type FROM purchases "
          "WHERE tenant_id = ? AND purchase_id > ? AND purchase_time < ? ORDER BY purchase_id LIMIT ?",
          {tenant.value(), after, before_text, static_cast<int64_t>(chunk_rows)});
      while (rows->next()) {
        Row row;
        row.contact_id = rows->getString(2);
        row.micros = rows->getInt64(3);
        row.amount = rows->getInt64(4);
        if (!rows->isNull(5)) row.margin = rows->getInt64(5);
        row.refund = rows->getInt(6) == static_cast<int>(v1::Purchase::TYPE_REFUND);
        chunk.push_back(std::move(row));
        last = rows->getString(1);
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    for (const Row& row : chunk) {
      visit(Fact{row.contact_id, absl::FromUnixMicros(row.micros), row.amount, row.margin, row.refund});
    }
    if (static_cast<int>(chunk.size()) < chunk_rows) return absl::OkStatus();
    after = std::move(last);
  }
}

}  // namespace crm::storage
