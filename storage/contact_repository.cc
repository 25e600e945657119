#include "storage/contact_repository.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <array>

#include "absl/strings/string_view.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "storage/idempotency.h"
#include "storage/existing_ids.h"
#include "storage/ids.h"
#include "storage/list_page.h"
#include "storage/multi_row_insert.h"
#include "storage/row_codec.h"
#include "storage/sql_errors.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "contact_id, given_name, family_name, display_name, emails, phones, birthday, gender, "
    "region, city, address, account_id, owner, store_id, source, tags, attributes, "
    "consent_email, consent_email_time, consent_sms, consent_sms_time, consent_phone, "
    "consent_phone_time, consent_direct_mail, consent_direct_mail_time, lifecycle_stage, "
    "external_id, revision, create_time, update_time";

// kColumns as read through kContactWithValues: the lifecycle stage is the current
// value analysis's where the contact has a result there.
constexpr char kJoinedColumns[] =
    "contacts.contact_id, given_name, family_name, display_name, emails, phones, birthday, "
    "gender, region, city, address, account_id, owner, store_id, source, tags, attributes, "
    "consent_email, consent_email_time, consent_sms, consent_sms_time, consent_phone, "
    "consent_phone_time, consent_direct_mail, consent_direct_mail_time, "
    "COALESCE(v.lifecycle_stage, contacts.lifecycle_stage) AS lifecycle_stage, "
    "external_id, revision, create_time, update_time";

// Contacts with their results in the tenant's current value-analysis run (alias v;
// one `?`: the tenant id). A primary-key lookup per contact; the run id is computed
// once per statement.
constexpr char kContactWithValues[] =
    "contacts LEFT JOIN customer_values v ON v.tenant_id = contacts.tenant_id AND "
    "v.contact_id = contacts.contact_id AND v.run_id = "
    "(SELECT MAX(r.run_id) FROM analysis_runs r WHERE r.tenant_id = ? AND r.state = 3)";

constexpr char kUpdateSql[] =
    "UPDATE contacts SET given_name = ?, family_name = ?, display_name = ?, emails = ?, "
    "phones = ?, birthday = ?, gender = ?, region = ?, city = ?, address = ?, account_id = ?, "
    "owner = ?, store_id = ?, source = ?, tags = ?, attributes = ?, consent_email = ?, "
    "consent_email_time = ?, consent_sms = ?, consent_sms_time = ?, consent_phone = ?, "
    "consent_phone_time = ?, consent_direct_mail = ?, consent_direct_mail_time = ?, "
    "lifecycle_stage = ?, external_id = ?, revision = revision + 1, update_time = ? "
    "WHERE tenant_id = ? AND contact_id = ?";

struct ConsentColumns {
  v1::Channel channel;
  const char* state;
  const char* time;
};
constexpr std::array<ConsentColumns, 4> kConsentColumns = {{
    {v1::CHANNEL_EMAIL, "consent_email", "consent_email_time"},
    {v1::CHANNEL_SMS, "consent_sms", "consent_sms_time"},
    {v1::CHANNEL_PHONE, "consent_phone", "consent_phone_time"},
    {v1::CHANNEL_DIRECT_MAIL, "consent_direct_mail", "consent_direct_mail_time"},
}};

constexpr char kAccountPrefix[] = "accounts/";

std::string AccountIdOf(const v1::Contact& contact) {
  return contact.account().empty() ? std::string()
                                   : contact.account().substr(sizeof(kAccountPrefix) - 1);
}

v1::Contact ContactFromRow(sql::ResultSet& row) {
  v1::Contact contact;
  contact.set_name(absl::StrCat("contacts/", std::string(row.getString("contact_id"))));
  contact.set_given_name(row.getString("given_name"));
  contact.set_family_name(row.getString("family_name"));
  contact.set_display_name(row.getString("display_name"));
  StringListFromJson(row.getString("emails"), contact.mutable_emails());
  StringListFromJson(row.getString("phones"), contact.mutable_phones());
  if (std::optional<v1::Date> birthday = GetOptionalDate(row, "birthday")) {
    *contact.mutable_birthday() = *birthday;
  }
  contact.set_gender(static_cast<v1::Contact::Gender>(row.getInt("gender")));
  contact.set_region(row.getString("region"));
  contact.set_city(row.getString("city"));
  contact.set_address(row.getString("address"));
  if (auto account = GetOptionalString(row, "account_id")) {
    contact.set_account(absl::StrCat(kAccountPrefix, *account));
  }
  contact.set_owner(row.getString("owner"));
  contact.set_store_id(row.getString("store_id"));
  contact.set_source(row.getString("source"));
  StringListFromJson(row.getString("tags"), contact.mutable_tags());
  StringMapFromJson(row.getString("attributes"), contact.mutable_attributes());
  for (const ConsentColumns& columns : kConsentColumns) {
    const auto state = static_cast<v1::ConsentState>(row.getInt(columns.state));
    const std::optional<absl::Time> time = GetOptionalDatetime(row, columns.time);
    if (state == v1::CONSENT_STATE_UNKNOWN && !time) continue;
    v1::ChannelConsent* consent = contact.add_consents();
    consent->set_channel(columns.channel);
    consent->set_state(state);
    if (time) ToProtoTimestamp(*time, consent->mutable_update_time());
  }
  contact.set_lifecycle_stage(static_cast<v1::LifecycleStage>(row.getInt("lifecycle_stage")));
  contact.set_external_id(GetOptionalString(row, "external_id").value_or(""));
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), contact.mutable_create_time());
  ToProtoTimestamp(FromSqlDatetime(row.getString("update_time")), contact.mutable_update_time());
  contact.set_etag(EtagForRevision(row.getInt64("revision")));
  return contact;
}

// The writable columns in kColumns order, after contact_id and up to external_id.
std::vector<SqlValue> WritableValues(const v1::Contact& contact) {
  std::vector<SqlValue> values = {
      contact.given_name(),
      contact.family_name(),
      contact.display_name(),
      StringListToJson(contact.emails()),
      StringListToJson(contact.phones()),
      contact.has_birthday() ? SqlValue(DateToSql(contact.birthday())) : SqlValue(nullptr),
      static_cast<int64_t>(contact.gender()),
      contact.region(),
      contact.city(),
      contact.address(),
      NullIfEmpty(AccountIdOf(contact)),
      contact.owner(),
      contact.store_id(),
      contact.source(),
      StringListToJson(contact.tags()),
      StringMapToJson(contact.attributes()),
  };
  for (const ConsentColumns& columns : kConsentColumns) {
    SqlValue state = static_cast<int64_t>(v1::CONSENT_STATE_UNKNOWN);
    SqlValue time = nullptr;
    for (const v1::ChannelConsent& consent : contact.consents()) {
      if (consent.channel() != columns.channel) continue;
      state = static_cast<int64_t>(consent.state());
      if (consent.has_update_time()) time = ToSqlDatetime(FromProtoTimestamp(consent.update_time()));
    }
    values.push_back(std::move(state));
    values.push_back(std::move(time));
  }
  values.push_back(static_cast<int64_t>(contact.lifecycle_stage()));
  values.push_back(NullIfEmpty(contact.external_id()));
  return values;
}

// A locking read takes the contacts row only (a join would also lock the analysis
// rows, and runs write those); it returns the stored lifecycle stage.
absl::StatusOr<v1::Contact> ReadContact(Transaction& tx, absl::string_view contact_id,
                                        bool for_update) {
  auto row = for_update
                 ? tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM contacts WHERE tenant_id = ? AND contact_id = ? FOR UPDATE"),
                            {tx.tenant().value(), std::string(contact_id)})
                 : tx.Query(absl::StrCat("SELECT ", kJoinedColumns, " FROM ", kContactWithValues,
                                         " WHERE contacts.tenant_id = ? AND contacts.contact_id = ?"),
                            {tx.tenant().value(), tx.tenant().value(), std::string(contact_id)});
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat("contacts/", contact_id, " does not exist"));
  }
  return ContactFromRow(*row);
}

// The account must exist in the same tenant; the shared lock keeps a concurrent
// DeleteAccount from leaving a dangling reference.
absl::Status CheckAccountReference(Transaction& tx, const v1::Contact& contact) {
  const std::string account_id = AccountIdOf(contact);
  if (account_id.empty()) return absl::OkStatus();
  auto row = tx.Query(
      "SELECT 1 FROM accounts WHERE tenant_id = ? AND account_id = ? LOCK IN SHARE MODE",
      {tx.tenant().value(), account_id});
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat("account: ", contact.account(), " does not exist"));
  }
  return absl::OkStatus();
}

void WriteIdentities(Transaction& tx, absl::string_view contact_id, const v1::Contact& contact) {
  tx.Execute("DELETE FROM contact_identities WHERE tenant_id = ? AND contact_id = ?",
             {tx.tenant().value(), std::string(contact_id)});
  auto insert = [&](ContactLookupKey kind, const std::string& value) {
    tx.Execute(
        "INSERT INTO contact_identities (tenant_id, kind, identity_value, contact_id) VALUES "
        "(?, ?, ?, ?)",
        {tx.tenant().value(), static_cast<int64_t>(kind), value, std::string(contact_id)});
  };
  for (const std::string& email : contact.emails()) insert(ContactLookupKey::kEmail, email);
  for (const std::string& phone : contact.phones()) insert(ContactLookupKey::kPhone, phone);
}

absl::Status DuplicateExternalId(const v1::Contact& contact) {
  return absl::AlreadyExistsError(absl::StrCat(
      "external_id: another contact of this tenant already has external_id \"",
      contact.external_id(), "\""));
}

// Writes `updated` over the row read as `current` (with a new revision) and keeps the
// lookup index in step.
absl::Status WriteContact(Transaction& tx, absl::string_view contact_id, const v1::Contact& current,
                          const v1::Contact& updated) {
  std::vector<SqlValue> values = WritableValues(updated);
  values.push_back(ToSqlDatetime(NowMicros()));
  values.push_back(tx.tenant().value());
  values.push_back(std::string(contact_id));
  try {
    tx.Execute(kUpdateSql, values);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kErrDuplicateKey) return DuplicateExternalId(updated);
    throw;
  }
  const auto same = [](const auto& a, const auto& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  };
  if (!same(updated.emails(), current.emails()) || !same(updated.phones(), current.phones())) {
    WriteIdentities(tx, contact_id, updated);
  }
  return absl::OkStatus();
}

// The values of one inserted contacts row (tenant first) and the placeholders that
// take them (revision is fixed at 1, just before the two times).
std::vector<SqlValue> InsertValues(const std::string& tenant_id, const std::string& contact_id,
                                   const v1::Contact& contact, const std::string& now) {
  std::vector<SqlValue> values = {tenant_id, contact_id};
  for (SqlValue& value : WritableValues(contact)) values.push_back(std::move(value));
  values.push_back(now);
  values.push_back(now);
  return values;
}

const std::string& InsertRowPlaceholders() {
  static const std::string* placeholders = [] {
    const size_t count = InsertValues("", "", v1::Contact(), "").size();
    std::string row = "(";
    for (size_t i = 0; i < count; ++i) absl::StrAppend(&row, i == 0 ? "" : ", ", i + 2 == count ? "1, ?" : "?");
    return new std::string(absl::StrCat(row, ")"));
  }();
  return *placeholders;
}

std::string InsertContactsSql(int rows) {
  return MultiRowInsertSql(absl::StrCat("INSERT INTO contacts (tenant_id, ", kColumns, ") VALUES "),
                           InsertRowPlaceholders(), rows);
}

// The lookup rows (kind, value) of a contact's emails and phones.
void AppendIdentityValues(const std::string& tenant_id, const std::string& contact_id,
                          const v1::Contact& contact, std::vector<SqlValue>* values) {
  const auto add = [&](ContactLookupKey kind, const std::string& value) {
    values->push_back(tenant_id);
    values->push_back(static_cast<int64_t>(kind));
    values->push_back(value);
    values->push_back(contact_id);
  };
  for (const std::string& email : contact.emails()) add(ContactLookupKey::kEmail, email);
  for (const std::string& phone : contact.phones()) add(ContactLookupKey::kPhone, phone);
}

// Inserts identity rows (4 values each) in multi-row statements.
void InsertIdentities(Transaction& tx, const std::vector<SqlValue>& values) {
  constexpr size_t kWidth = 4;
  for (const InsertChunk& chunk : InsertChunks(values.size() / kWidth)) {
    std::vector<SqlValue> chunk_values(values.begin() + static_cast<std::ptrdiff_t>(chunk.begin * kWidth),
                                       values.begin() + static_cast<std::ptrdiff_t>((chunk.begin + chunk.size) * kWidth));
    tx.Execute(MultiRowInsertSql("INSERT INTO contact_identities (tenant_id, kind, identity_value, "
                                 "contact_id) VALUES ",
                                 "(?, ?, ?, ?)", chunk.size),
               chunk_values);
  }
}

// Inserts a new contact with its lookup entries; false on a duplicate external id.
bool InsertContact(Transaction& tx, const std::string& contact_id, const v1::Contact& contact) {
  if (!tx.InsertUnlessDuplicate(InsertContactsSql(1),
                                InsertValues(tx.tenant().value(), contact_id, contact,
                                             ToSqlDatetime(NowMicros())))) {
    return false;
  }
  WriteIdentities(tx, contact_id, contact);
  return true;
}

// Removes a contact row and its lookup entries (its history is handled by the caller).
void DeleteContactRow(Transaction& tx, absl::string_view contact_id) {
  tx.Execute("DELETE FROM contact_identities WHERE tenant_id = ? AND contact_id = ?",
             {tx.tenant().value(), std::string(contact_id)});
  tx.Execute("DELETE FROM contacts WHERE tenant_id = ? AND contact_id = ?",
             {tx.tenant().value(), std::string(contact_id)});
}

// Tables holding a contact's history, moved on merge and erased on delete.
constexpr const char* kHistoryTables[] = {"purchases", "interactions", "complaints", "leads",
                                          "lead_follow_ups"};

// A contact's places in campaign audiences and its explicit responses, erased on
// delete and on merge (the merged person's audience slots described someone who no
// longer exists; the survivor keeps its own).
constexpr const char* kCampaignMemberTables[] = {"campaign_recipients", "campaign_responses"};

void EraseCampaignMemberships(Transaction& tx, absl::string_view contact_id) {
  for (const char* table : kCampaignMemberTables) {
    tx.Execute(absl::StrCat("DELETE FROM ", table, " WHERE tenant_id = ? AND contact_id = ?"),
               {tx.tenant().value(), std::string(contact_id)});
  }
}

}  // namespace

const ListTable& ContactRepository::Table() {
  static const ListTable table{kContactWithValues, "contacts.contact_id", kJoinedColumns,
                               /*id_is_time_ordered=*/true, "contacts.tenant_id",
                               /*tenant_params_in_table=*/1};
  return table;
}

absl::StatusOr<v1::Contact> ContactRepository::Create(const TenantId& tenant,
                                                      const v1::Contact& contact,
                                                      absl::string_view request_id,
                                                      absl::Time deadline) {
  const std::string contact_id = NewResourceId();
  return RunTransactionFor<v1::Contact>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Contact> {
    absl::StatusOr<std::optional<std::string>> replay =
        ClaimRequestId(tx, request_id, "CreateContact", contact_id);
    if (!replay.ok()) return replay.status();
    const std::string id = replay->value_or(contact_id);
    if (!replay->has_value()) {
      if (absl::Status account = CheckAccountReference(tx, contact); !account.ok()) return account;
      if (!InsertContact(tx, contact_id, contact)) return DuplicateExternalId(contact);
    }
    return ReadContact(tx, id, false);
  });
}

absl::StatusOr<v1::Contact> ContactRepository::Get(const TenantId& tenant,
                                                   absl::string_view contact_id,
                                                   absl::Time deadline) {
  return RunTransactionFor<v1::Contact>(pool_, tenant, deadline, [&](Transaction& tx) {
    return ReadContact(tx, contact_id, false);
  });
}

absl::StatusOr<Page<v1::Contact>> ContactRepository::List(const TenantId& tenant,
                                                          const ListQuery& query,
                                                          absl::Time deadline) {
  return ReadListPage<v1::Contact>(pool_, &tenant, Table(), query, deadline, ContactFromRow);
}

absl::StatusOr<v1::Contact> ContactRepository::Update(
    const TenantId& tenant, absl::string_view contact_id, absl::string_view expected_etag,
    const std::function<absl::Status(v1::Contact&)>& mutate, absl::Time deadline) {
  return RunTransactionFor<v1::Contact>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Contact> {
    absl::StatusOr<v1::Contact> current = ReadContact(tx, contact_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    v1::Contact updated = *current;
    if (absl::Status mutated = mutate(updated); !mutated.ok()) return mutated;
    if (updated.account() != current->account()) {
      if (absl::Status account = CheckAccountReference(tx, updated); !account.ok()) return account;
    }
    if (absl::Status written = WriteContact(tx, contact_id, *current, updated); !written.ok()) {
      return written;
    }
    return ReadContact(tx, contact_id, false);
  });
}

absl::Status ContactRepository::Delete(const TenantId& tenant, absl::string_view contact_id,
                                       absl::string_view expected_etag, absl::Time deadline) {
  return RunTransaction(pool_, tenant, deadline, [&](Transaction& tx) -> absl::Status {
    absl::StatusOr<v1::Contact> current = ReadContact(tx, contact_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    // A deleted person's history goes with them (erasure), in the same transaction,
    // and so do their value-analysis results.
    for (const char* table : kHistoryTables) {
      tx.Execute(absl::StrCat("DELETE FROM ", table, " WHERE tenant_id = ? AND contact_id = ?"),
                 {tenant.value(), std::string(contact_id)});
    }
    EraseCampaignMemberships(tx, contact_id);
    tx.Execute("DELETE FROM contact_touches WHERE tenant_id = ? AND contact_id = ?",
               {tenant.value(), std::string(contact_id)});
    DeleteContactRow(tx, contact_id);
    // After the contact row: a run writing results share-locks the rows of the contacts
    // it writes, so either it waits for this erasure and skips the contact, or this
    // statement waits for its commit and sees its rows.
    tx.Execute("DELETE FROM customer_values WHERE tenant_id = ? AND contact_id = ?",
               {tenant.value(), std::string(contact_id)});
    return absl::OkStatus();
  });
}

absl::StatusOr<Page<v1::DuplicateContactGroup>> ContactRepository::FindDuplicates(
    const TenantId& tenant, const std::optional<ListCursor>& after, int page_size,
    absl::Time deadline) {
  constexpr size_t kMaxNamesPerGroup = 100;
  int64_t after_kind = 0;
  if (after && !absl::SimpleAtoi(after->sort_value, &after_kind)) after_kind = 0;
  const std::string after_value = after ? after->id : "";
  return RunTransactionFor<Page<v1::DuplicateContactGroup>>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<Page<v1::DuplicateContactGroup>> {
        auto rows = tx.Query(
            "SELECT kind, identity_value, COUNT(*) AS contact_count, "
            "GROUP_CONCAT(contact_id ORDER BY contact_id SEPARATOR ',') AS contact_ids "
            "FROM contact_identities WHERE tenant_id = ? AND (kind > ? OR (kind = ? AND "
            "identity_value > ?)) GROUP BY kind, identity_value HAVING COUNT(*) > 1 "
            "ORDER BY kind, identity_value LIMIT ?",
            {tenant.value(), after_kind, after_kind, after_value,
             static_cast<int64_t>(page_size) + 1});
        Page<v1::DuplicateContactGroup> page;
        std::string last_kind;
        while (rows->next()) {
          if (static_cast<int>(page.items.size()) == page_size) {
            page.next = ListCursor{last_kind, page.items.back().value()};
            break;
          }
          v1::DuplicateContactGroup group;
          const int kind = rows->getInt("kind");
          group.set_match_kind(kind == static_cast<int>(ContactLookupKey::kEmail)
                                   ? v1::DuplicateContactGroup::MATCH_KIND_EMAIL
                                   : v1::DuplicateContactGroup::MATCH_KIND_PHONE);
          group.set_value(rows->getString("identity_value"));
          group.set_contact_count(rows->getInt64("contact_count"));
          for (absl::string_view id : absl::StrSplit(std::string(rows->getString("contact_ids")), ',')) {
            if (static_cast<size_t>(group.contacts_size()) == kMaxNamesPerGroup) break;
            group.add_contacts(absl::StrCat("contacts/", id));
          }
          last_kind = absl::StrCat(kind);
          page.items.push_back(std::move(group));
        }
        return page;
      });
}

absl::StatusOr<v1::Contact> ContactRepository::Merge(
    const TenantId& tenant, absl::string_view survivor_id, absl::string_view merged_id,
    absl::string_view request_id,
    const std::function<absl::Status(v1::Contact&, const v1::Contact&)>& combine,
    absl::Time deadline) {
  return RunTransactionFor<v1::Contact>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Contact> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "MergeContacts", survivor_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) return ReadContact(tx, **replay, false);
        // Lock both rows in id order, so two opposite merges cannot deadlock forever.
        const bool survivor_first = survivor_id < merged_id;
        absl::StatusOr<v1::Contact> first =
            ReadContact(tx, survivor_first ? survivor_id : merged_id, /*for_update=*/true);
        absl::StatusOr<v1::Contact> second =
            ReadContact(tx, survivor_first ? merged_id : survivor_id, /*for_update=*/true);
        absl::StatusOr<v1::Contact>& survivor = survivor_first ? first : second;
        absl::StatusOr<v1::Contact>& merged = survivor_first ? second : first;
        if (!survivor.ok()) return absl::NotFoundError(absl::StrCat("survivor: ", survivor.status().message()));
        if (!merged.ok()) return absl::NotFoundError(absl::StrCat("merged: ", merged.status().message()));
        v1::Contact combined = *survivor;
        if (absl::Status status = combine(combined, *merged); !status.ok()) return status;
        for (const char* table : kHistoryTables) {
          tx.Execute(absl::StrCat("UPDATE ", table,
                                  " SET contact_id = ? WHERE tenant_id = ? AND contact_id = ?"),
                     {std::string(survivor_id), tenant.value(), std::string(merged_id)});
        }
        tx.Execute(
            "INSERT INTO contact_merges (tenant_id, merged_contact_id, survivor_contact_id, "
            "merge_time) VALUES (?, ?, ?, ?)",
            {tenant.value(), std::string(merged_id), std::string(survivor_id),
             ToSqlDatetime(NowMicros())});
        EraseCampaignMemberships(tx, merged_id);
        // The merged person's touches count against the survivor's contact policy.
        // IGNORE keeps the survivor's row when both were touched in the same instant.
        tx.Execute("UPDATE IGNORE contact_touches SET contact_id = ? WHERE tenant_id = ? AND contact_id = ?",
                   {std::string(survivor_id), tenant.value(), std::string(merged_id)});
        tx.Execute("DELETE FROM contact_touches WHERE tenant_id = ? AND contact_id = ?",
                   {tenant.value(), std::string(merged_id)});
        // The merged row goes first: the survivor may take over its external id.
        DeleteContactRow(tx, merged_id);
        // The merged contact's results described half a customer; the next run computes
        // the survivor from the combined history. After the row, as in Delete.
        tx.Execute("DELETE FROM customer_values WHERE tenant_id = ? AND contact_id = ?",
                   {tenant.value(), std::string(merged_id)});
        if (absl::Status written = WriteContact(tx, survivor_id, *survivor, combined); !written.ok()) {
          return written;
        }
        return ReadContact(tx, survivor_id, false);
      });
}

absl::StatusOr<ContactImportResult> ContactRepository::ImportBatch(
    const TenantId& tenant, const std::vector<v1::Contact>& rows, bool all_or_nothing,
    const std::function<absl::Status(const v1::Contact*, v1::Contact*)>& prepare,
    absl::Time deadline) {
  std::vector<std::string> new_ids;  // made outside so a retried attempt reuses them
  for (size_t i = 0; i < rows.size(); ++i) new_ids.push_back(NewResourceId());
  return RunTransactionFor<ContactImportResult>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<ContactImportResult> {
        ContactImportResult result;
        // The stored contacts with these external ids, locked for the upsert.
        std::vector<std::string> external_ids;
        for (const v1::Contact& row : rows) external_ids.push_back(row.external_id());
        absl::flat_hash_map<std::string, v1::Contact> stored;
        ForEachRowWithValueIn(tx, "contacts", "external_id", kColumns, external_ids, " FOR UPDATE",
                              [&](sql::ResultSet& row) {
                                v1::Contact contact = ContactFromRow(row);
                                stored.emplace(contact.external_id(), std::move(contact));
                              });
        std::vector<std::pair<size_t, v1::Contact>> prepared;
        std::vector<std::string> account_ids;
        for (size_t i = 0; i < rows.size(); ++i) {
          auto previous = stored.find(rows[i].external_id());
          v1::Contact row = rows[i];
          if (absl::Status status = prepare(previous == stored.end() ? nullptr : &previous->second, &row);
              !status.ok()) {
            result.errors.emplace_back(static_cast<int>(i), status);
            continue;
          }
          if (!AccountIdOf(row).empty()) account_ids.push_back(AccountIdOf(row));
          prepared.emplace_back(i, std::move(row));
        }
        const absl::flat_hash_set<std::string> accounts =
            ExistingIds(tx, "accounts", "account_id", account_ids, " LOCK IN SHARE MODE");
        std::vector<std::pair<size_t, v1::Contact>> writable;
        for (auto& [index, row] : prepared) {
          if (!AccountIdOf(row).empty() && !accounts.contains(AccountIdOf(row))) {
            result.errors.emplace_back(static_cast<int>(index), absl::NotFoundError(absl::StrCat(
                                                                    "account: ", row.account(), " does not exist")));
            continue;
          }
          writable.emplace_back(index, std::move(row));
        }
        if (all_or_nothing && !result.errors.empty()) return result;
        std::vector<const std::pair<size_t, v1::Contact>*> creates;
        for (const auto& entry : writable) {
          const auto& [index, row] = entry;
          auto previous = stored.find(row.external_id());
          if (previous == stored.end()) {
            creates.push_back(&entry);
            continue;
          }
          const std::string id = previous->second.name().substr(sizeof("contacts/") - 1);
          if (absl::Status written = WriteContact(tx, id, previous->second, row); !written.ok()) {
            return written;
          }
          ++result.updated;
        }
        // New contacts go in multi-row INSERTs, their lookup rows after them.
        const std::string now = ToSqlDatetime(NowMicros());
        std::vector<SqlValue> identities;
        for (const InsertChunk& chunk : InsertChunks(creates.size())) {
          std::vector<SqlValue> values;
          for (int i = 0; i < chunk.size; ++i) {
            const auto& [index, row] = *creates[chunk.begin + i];
            for (SqlValue& value : InsertValues(tenant.value(), new_ids[index], row, now)) {
              values.push_back(std::move(value));
            }
          }
          if (tx.InsertUnlessDuplicate(InsertContactsSql(chunk.size), values)) {
            result.created += chunk.size;
            for (int i = 0; i < chunk.size; ++i) {
              const auto& [index, row] = *creates[chunk.begin + i];
              AppendIdentityValues(tenant.value(), new_ids[index], row, &identities);
            }
            continue;
          }
          // Another import created one of these external ids since the lookup above (the
          // failed statement changed nothing): this chunk goes row by row.
          for (int i = 0; i < chunk.size; ++i) {
            const auto& [index, row] = *creates[chunk.begin + i];
            if (InsertContact(tx, new_ids[index], row)) {
              ++result.created;
            } else {
              result.errors.emplace_back(static_cast<int>(index), DuplicateExternalId(row));
            }
          }
        }
        InsertIdentities(tx, identities);
        return result;
      });
}

absl::StatusOr<v1::Contact> ContactRepository::Lookup(const TenantId& tenant,
                                                      ContactLookupKey key,
                                                      const std::string& value,
                                                      absl::Time deadline) {
  return RunTransactionFor<v1::Contact>(pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Contact> {
    std::unique_ptr<sql::ResultSet> row;
    if (key == ContactLookupKey::kExternalId) {
      row = tx.Query("SELECT contact_id FROM contacts WHERE tenant_id = ? AND external_id = ?",
                     {tenant.value(), value});
    } else {
      row = tx.Query(
          "SELECT contact_id FROM contact_identities WHERE tenant_id = ? AND kind = ? AND "
          "identity_value = ? ORDER BY contact_id LIMIT 1",
          {tenant.value(), static_cast<int64_t>(key), value});
    }
    if (!row->next()) return absl::NotFoundError("no contact of this tenant has that key");
    return ReadContact(tx, std::string(row->getString(1)), false);
  });
}

}  // namespace crm::storage
