#include "storage/account_repository.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/list_page.h"
#include "storage/money.h"
#include "storage/row_codec.h"
#include "storage/sql_errors.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "account_id, display_name, industry, size, region, owner, annual_revenue_micros, "
    "credit_rating, payment_terms_days, key_account, tier, eval_financial, eval_cooperation, "
    "eval_prospects, eval_credit, external_id, tags, attributes, revision, create_time, "
    "update_time";

v1::Account AccountFromRow(sql::ResultSet& row) {
  v1::Account account;
  account.set_name(absl::StrCat("accounts/", std::string(row.getString("account_id"))));
  account.set_display_name(row.getString("display_name"));
  account.set_industry(row.getString("industry"));
  account.set_size(static_cast<v1::Account::Size>(row.getInt("size")));
  account.set_region(row.getString("region"));
  account.set_owner(row.getString("owner"));
  if (!row.isNull("annual_revenue_micros")) {
    MoneyFromMicros(row.getInt64("annual_revenue_micros"), account.mutable_annual_revenue());
  }
  account.set_credit_rating(static_cast<v1::Account::CreditRating>(row.getInt("credit_rating")));
  account.set_payment_terms_days(row.getInt("payment_terms_days"));
  account.set_key_account(row.getBoolean("key_account"));
  account.set_tier(static_cast<v1::Account::Tier>(row.getInt("tier")));
  v1::AccountEvaluation* evaluation = account.mutable_evaluation();
  evaluation->set_financial_score(row.getInt("eval_financial"));
  evaluation->set_cooperation_score(row.getInt("eval_cooperation"));
  evaluation->set_prospects_score(row.getInt("eval_prospects"));
  evaluation->set_credit_score(row.getInt("eval_credit"));
  account.set_external_id(GetOptionalString(row, "external_id").value_or(""));
  StringListFromJson(row.getString("tags"), account.mutable_tags());
  StringMapFromJson(row.getString("attributes"), account.mutable_attributes());
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), account.mutable_create_time());
  ToProtoTimestamp(FromSqlDatetime(row.getString("update_time")), account.mutable_update_time());
  account.set_etag(EtagForRevision(row.getInt64("revision")));
  return account;
}

// The writable columns in kColumns order, after account_id.
std::vector<SqlValue> WritableValues(const v1::Account& account) {
  return {account.display_name(),
          account.industry(),
          static_cast<int64_t>(account.size()),
          account.region(),
          account.owner(),
          account.has_annual_revenue() ? SqlValue(MoneyToMicros(account.annual_revenue()))
                                       : SqlValue(nullptr),
          static_cast<int64_t>(account.credit_rating()),
          static_cast<int64_t>(account.payment_terms_days()),
          account.key_account(),
          static_cast<int64_t>(account.tier()),
          static_cast<int64_t>(account.evaluation().financial_score()),
          static_cast<int64_t>(account.evaluation().cooperation_score()),
          static_cast<int64_t>(account.evaluation().prospects_score()),
          static_cast<int64_t>(account.evaluation().credit_score()),
          NullIfEmpty(account.external_id()),
          StringListToJson(account.tags()),
          StringMapToJson(account.attributes())};
}

absl::StatusOr<v1::Account> ReadAccount(Transaction& tx, absl::string_view account_id,
                                        bool for_update) {
  auto row = tx.Query(absl::StrCat("SELECT ", kColumns,
                                   " FROM accounts WHERE tenant_id = ? AND account_id = ?",
                                   for_update ? " FOR UPDATE" : ""),
                      {tx.tenant().value(), std::string(account_id)});
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat("accounts/", account_id, " does not exist"));
  }
  return AccountFromRow(*row);
}

absl::Status DuplicateExternalId(const v1::Account& account) {
  return absl::AlreadyExistsError(absl::StrCat(
      "external_id: another account of this tenant already has external_id \"",
      account.external_id(), "\""));
}

}  // namespace

const ListTable& AccountRepository::Table() {
  static const ListTable table{"accounts", "account_id", kColumns};
  return table;
}

absl::StatusOr<v1::Account> AccountRepository::Create(const TenantId& tenant,
                                                      const v1::Account& account,
                                                      absl::string_view request_id,
                                                      absl::Time deadline) {
  const std::string account_id = NewResourceId();
  return RunTransactionFor<v1::Account>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Account> {
    absl::StatusOr<std::optional<std::string>> replay =
        ClaimRequestId(tx, request_id, "CreateAccount", account_id);
    if (!replay.ok()) return replay.status();
    const std::string id = replay->value_or(account_id);
    if (!replay->has_value()) {
      const std::string now = ToSqlDatetime(NowMicros());
      std::vector<SqlValue> values = {tenant.value(), account_id};
      for (SqlValue& value : WritableValues(account)) values.push_back(std::move(value));
      values.push_back(now);
      values.push_back(now);
      const bool inserted = tx.InsertUnlessDuplicate(
          absl::StrCat("INSERT INTO accounts (tenant_id, ", kColumns,
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"),
          values);
      if (!inserted) return DuplicateExternalId(account);
    }
    return ReadAccount(tx, id, false);
  });
}

absl::StatusOr<v1::Account> AccountRepository::Get(const TenantId& tenant,
                                                   absl::string_view account_id,
                                                   absl::Time deadline) {
  return RunTransactionFor<v1::Account>(pool_, tenant, deadline, [&](Transaction& tx) {
    return ReadAccount(tx, account_id, false);
  });
}

absl::StatusOr<Page<v1::Account>> AccountRepository::List(const TenantId& tenant,
                                                          const ListQuery& query,
                                                          absl::Time deadline) {
  return ReadListPage<v1::Account>(pool_, &tenant, Table(), query, deadline, AccountFromRow);
}

absl::StatusOr<v1::Account> AccountRepository::Update(
    const TenantId& tenant, absl::string_view account_id, absl::string_view expected_etag,
    const std::function<absl::Status(v1::Account&)>& mutate, absl::Time deadline) {
  return RunTransactionFor<v1::Account>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Account> {
    absl::StatusOr<v1::Account> current = ReadAccount(tx, account_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    v1::Account updated = *current;
    if (absl::Status mutated = mutate(updated); !mutated.ok()) return mutated;
    std::vector<SqlValue> values = WritableValues(updated);
    values.push_back(ToSqlDatetime(NowMicros()));
    values.push_back(tenant.value());
    values.push_back(std::string(account_id));
    try {
      tx.Execute(
          "UPDATE accounts SET display_name = ?, industry = ?, size = ?, region = ?, owner = ?, "
          "annual_revenue_micros = ?, credit_rating = ?, payment_terms_days = ?, key_account = ?, "
          "tier = ?, eval_financial = ?, eval_cooperation = ?, eval_prospects = ?, eval_credit = ?, "
          "external_id = ?, tags = ?, attributes = ?, revision = revision + 1, update_time = ? "
          "WHERE tenant_id = ? AND account_id = ?",
          values);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() == kErrDuplicateKey) return DuplicateExternalId(updated);
      throw;
    }
    return ReadAccount(tx, account_id, false);
  });
}

absl::Status AccountRepository::Delete(const TenantId& tenant, absl::string_view account_id,
                                       absl::string_view expected_etag, absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    absl::StatusOr<v1::Account> current = ReadAccount(tx, account_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    const std::string now = ToSqlDatetime(NowMicros());
    tx.Execute(
        "UPDATE contacts SET account_id = NULL, revision = revision + 1, update_time = ? "
        "WHERE tenant_id = ? AND account_id = ?",
        {now, tenant.value(), std::string(account_id)});
    tx.Execute("DELETE FROM accounts WHERE tenant_id = ? AND account_id = ?",
               {tenant.value(), std::string(account_id)});
    return absl::OkStatus();
  });
}

}  // namespace crm::storage
