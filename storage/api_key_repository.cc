#include "storage/api_key_repository.h"

#include <cppconn/resultset.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "key_id, tenant_id, role, display_name, state, create_time, revoke_time";

v1::ApiKey ApiKeyFromRow(sql::ResultSet& row) {
  v1::ApiKey key;
  key.set_name(absl::StrCat("tenants/", GetOptionalString(row, "tenant_id").value_or("-"),
                            "/apiKeys/", std::string(row.getString("key_id"))));
  key.set_role(static_cast<v1::Role>(row.getInt("role")));
  key.set_display_name(row.getString("display_name"));
  key.set_state(static_cast<v1::ApiKey::State>(row.getInt("state")));
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), key.mutable_create_time());
  if (auto revoked = GetOptionalDatetime(row, "revoke_time")) {
    ToProtoTimestamp(*revoked, key.mutable_revoke_time());
  }
  return key;
}

absl::StatusOr<v1::ApiKey> ReadKey(Transaction& tx, const std::string& tenant_id,
                                   absl::string_view key_id) {
  auto row = tx.Query(absl::StrCat("SELECT ", kColumns,
                                   " FROM api_keys WHERE tenant_id = ? AND key_id = ?"),
                      {tenant_id, std::string(key_id)});
  if (!row->next()) {
    return absl::NotFoundError(
        absl::StrCat("tenants/", tenant_id, "/apiKeys/", key_id, " does not exist"));
  }
  return ApiKeyFromRow(*row);
}

}  // namespace

absl::StatusOr<v1::ApiKey> ApiKeyRepository::Create(const std::string& key_id,
                                                    const std::string& tenant_id,
                                                    const v1::ApiKey& key,
                                                    const std::string& secret_sha256,
                                                    absl::Time deadline) {
  return RunGlobalTransactionFor<v1::ApiKey>(pool_, deadline, [&](Transaction& tx) {
    tx.Execute(
        "INSERT INTO api_keys (key_id, tenant_id, role, display_name, secret_sha256, state, "
        "create_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {key_id, NullIfEmpty(tenant_id), static_cast<int64_t>(key.role()), key.display_name(),
         secret_sha256, static_cast<int64_t>(v1::ApiKey::STATE_ACTIVE),
         ToSqlDatetime(NowMicros())});
    return ReadKey(tx, tenant_id, key_id);
  });
}

absl::Status ApiKeyRepository::EnsurePlatformKey(const std::string& key_id,
                                                 const std::string& secret_sha256,
                                                 absl::Time deadline) {
  return RunGlobalTransaction(pool_, deadline, [&](Transaction& tx) -> absl::Status {
    auto row = tx.Query("SELECT secret_sha256, tenant_id FROM api_keys WHERE key_id = ?", {key_id});
    if (row->next()) {
      if (std::string(row->getString("secret_sha256")) != secret_sha256 ||
          !row->isNull("tenant_id")) {
        return absl::FailedPreconditionError(
            "the bootstrap admin key file does not match the key stored under its id");
      }
      return absl::OkStatus();
    }
    tx.Execute(
        "INSERT INTO api_keys (key_id, tenant_id, role, display_name, secret_sha256, state, "
        "create_time) VALUES (?, NULL, ?, 'bootstrap platform admin', ?, ?, ?)",
        {key_id, static_cast<int64_t>(v1::ROLE_PLATFORM_ADMIN), secret_sha256,
         static_cast<int64_t>(v1::ApiKey::STATE_ACTIVE), ToSqlDatetime(NowMicros())});
    return absl::OkStatus();
  });
}

absl::StatusOr<StoredApiKey> ApiKeyRepository::FindForAuthentication(absl::string_view key_id,
                                                                     absl::Time deadline) {
  StoredApiKey result;
  absl::Status status = RunGlobalTransaction(pool_, deadline, [&](Transaction& tx) -> absl::Status {
    auto row = tx.Query(
        "SELECT key_id, tenant_id, role, secret_sha256, state FROM api_keys WHERE key_id = ?",
        {std::string(key_id)});
    if (!row->next()) return absl::NotFoundError("no such key");
    result.key_id = row->getString("key_id");
    result.tenant_id = GetOptionalString(*row, "tenant_id");
    result.role = static_cast<v1::Role>(row->getInt("role"));
    result.secret_sha256 = row->getString("secret_sha256");
    result.revoked = row->getInt("state") != v1::ApiKey::STATE_ACTIVE;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Page<v1::ApiKey>> ApiKeyRepository::List(const std::string& tenant_id,
                                                        bool show_revoked,
                                                        const std::optional<ListCursor>& after,
                                                        int page_size, absl::Time deadline) {
  Page<v1::ApiKey> page;
  absl::Status status = RunGlobalTransaction(pool_, deadline, [&](Transaction& tx) -> absl::Status {
    page.items.clear();
    page.next.reset();
    auto rows = tx.Query(
        absl::StrCat("SELECT ", kColumns,
                     " FROM api_keys WHERE tenant_id = ? AND key_id > ? AND (? OR state = ?) "
                     "ORDER BY key_id LIMIT ?"),
        {tenant_id, after ? after->id : std::string(), show_revoked,
         static_cast<int64_t>(v1::ApiKey::STATE_ACTIVE), static_cast<int64_t>(page_size) + 1});
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == page_size) {
        const std::string& name = page.items.back().name();
        page.next = ListCursor{"", name.substr(name.rfind('/') + 1)};
        break;
      }
      page.items.push_back(ApiKeyFromRow(*rows));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<v1::ApiKey> ApiKeyRepository::Revoke(const std::string& tenant_id,
                                                    absl::string_view key_id, absl::Time deadline) {
  return RunGlobalTransactionFor<v1::ApiKey>(pool_, deadline, [&](Transaction& tx) {
    tx.Execute(
        "UPDATE api_keys SET state = ?, revoke_time = COALESCE(revoke_time, ?) WHERE tenant_id = ? "
        "AND key_id = ?",
        {static_cast<int64_t>(v1::ApiKey::STATE_REVOKED), ToSqlDatetime(NowMicros()), tenant_id,
         std::string(key_id)});
    return ReadKey(tx, tenant_id, key_id);
  });
}

}  // namespace crm::storage
