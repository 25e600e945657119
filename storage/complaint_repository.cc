#include "storage/complaint_repository.h"

#include <cppconn/resultset.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "storage/existing_ids.h"
#include "storage/idempotency.h"
#include "storage/ids.h"
#include "storage/list_page.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "complaint_id, contact_id, category, severity, status, description, resolution, "
    "satisfaction_score, due_time, resolve_time, close_time, revision, create_time, update_time";
constexpr char kContactPrefix[] = "contacts/";

v1::Complaint ComplaintFromRow(sql::ResultSet& row) {
  v1::Complaint complaint;
  complaint.set_name(absl::StrCat("complaints/", std::string(row.getString("complaint_id"))));
  complaint.set_contact(absl::StrCat(kContactPrefix, std::string(row.getString("contact_id"))));
  complaint.set_category(row.getString("category"));
  complaint.set_severity(static_cast<v1::Complaint::Severity>(row.getInt("severity")));
  complaint.set_status(static_cast<v1::Complaint::Status>(row.getInt("status")));
  complaint.set_description(row.getString("description"));
  complaint.set_resolution(row.getString("resolution"));
  if (!row.isNull("satisfaction_score")) complaint.set_satisfaction_score(row.getInt("satisfaction_score"));
  ToProtoTimestamp(FromSqlDatetime(row.getString("due_time")), complaint.mutable_due_time());
  if (auto time = GetOptionalDatetime(row, "resolve_time")) {
    ToProtoTimestamp(*time, complaint.mutable_resolve_time());
  }
  if (auto time = GetOptionalDatetime(row, "close_time")) {
    ToProtoTimestamp(*time, complaint.mutable_close_time());
  }
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), complaint.mutable_create_time());
  ToProtoTimestamp(FromSqlDatetime(row.getString("update_time")), complaint.mutable_update_time());
  complaint.set_etag(EtagForRevision(row.getInt64("revision")));
  return complaint;
}

absl::StatusOr<v1::Complaint> ReadComplaint(Transaction& tx, absl::string_view id, bool for_update) {
  auto row = tx.Query(absl::StrCat("SELECT ", kColumns,
                                   " FROM complaints WHERE tenant_id = ? AND complaint_id = ?",
                                   for_update ? " FOR UPDATE" : ""),
                      {tx.tenant().value(), std::string(id)});
  if (!row->next()) return absl::NotFoundError(absl::StrCat("complaints/", id, " does not exist"));
  return ComplaintFromRow(*row);
}

}  // namespace

v1::Complaint ComplaintRepository::FromRow(sql::ResultSet& row) { return ComplaintFromRow(row); }

const ListTable& ComplaintRepository::Table() {
  static const ListTable table{"complaints", "complaint_id", kColumns};
  return table;
}

absl::StatusOr<v1::Complaint> ComplaintRepository::Create(const TenantId& tenant,
                                                          const v1::Complaint& complaint,
                                                          absl::string_view request_id,
                                                          absl::Time deadline) {
  const std::string complaint_id = NewResourceId();
  absl::string_view contact_id = complaint.contact();
  absl::ConsumePrefix(&contact_id, kContactPrefix);
  return RunTransactionFor<v1::Complaint>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Complaint> {
        absl::StatusOr<std::optional<std::string>> replay =
            ClaimRequestId(tx, request_id, "CreateComplaint", complaint_id);
        if (!replay.ok()) return replay.status();
        if (replay->has_value()) return ReadComplaint(tx, **replay, false);
        if (ExistingIds(tx, "contacts", "contact_id", {std::string(contact_id)}, " LOCK IN SHARE MODE")
                .empty()) {
          return absl::NotFoundError(absl::StrCat("contact: ", complaint.contact(), " does not exist"));
        }
        const std::string now = ToSqlDatetime(FromProtoTimestamp(complaint.create_time()));
        tx.Execute(absl::StrCat("INSERT INTO complaints (tenant_id, ", kColumns,
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 1, ?, ?)"),
                   {tenant.value(), complaint_id, std::string(contact_id), complaint.category(),
                    static_cast<int64_t>(complaint.severity()),
                    static_cast<int64_t>(complaint.status()), complaint.description(),
                    complaint.resolution(),
                    complaint.has_satisfaction_score()
                        ? SqlValue(static_cast<int64_t>(complaint.satisfaction_score()))
                        : SqlValue(nullptr),
                    ToSqlDatetime(FromProtoTimestamp(complaint.due_time())), now, now});
        return ReadComplaint(tx, complaint_id, false);
      });
}

absl::StatusOr<v1::Complaint> ComplaintRepository::Get(const TenantId& tenant,
                                                       absl::string_view complaint_id,
                                                       absl::Time deadline) {
  return RunTransactionFor<v1::Complaint>(pool_, tenant, deadline, [&](Transaction& tx) {
    return ReadComplaint(tx, complaint_id, false);
  });
}

absl::StatusOr<Page<v1::Complaint>> ComplaintRepository::List(
    const TenantId& tenant, ListQuery query, std::optional<absl::Time> overdue_before,
    absl::Time deadline) {
  if (overdue_before) {
    const std::string condition = absl::StrCat(
        "status IN (", static_cast<int>(v1::Complaint::STATUS_OPEN), ", ",
        static_cast<int>(v1::Complaint::STATUS_IN_PROGRESS), ") AND due_time < ?");
    if (query.filter.sql.empty()) {
      query.filter.sql = condition;
    } else {
      query.filter.sql = absl::StrCat("(", query.filter.sql, ") AND ", condition);
    }
    query.filter.params.push_back(ToSqlDatetime(*overdue_before));
  }
  return ReadListPage<v1::Complaint>(pool_, &tenant, Table(), query, deadline, ComplaintFromRow);
}

absl::StatusOr<v1::Complaint> ComplaintRepository::Update(
    const TenantId& tenant, absl::string_view complaint_id, absl::string_view expected_etag,
    const std::function<absl::Status(v1::Complaint&)>& mutate, absl::Time deadline) {
  return RunTransactionFor<v1::Complaint>(
      pool_, tenant, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Complaint> {
        absl::StatusOr<v1::Complaint> current = ReadComplaint(tx, complaint_id, /*for_update=*/true);
        if (!current.ok()) return current.status();
        if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
          return etag;
        }
        v1::Complaint updated = *current;
        if (absl::Status mutated = mutate(updated); !mutated.ok()) return mutated;
        tx.Execute(
            "UPDATE complaints SET category = ?, severity = ?, status = ?, description = ?, "
            "resolution = ?, satisfaction_score = ?, due_time = ?, resolve_time = ?, "
            "close_time = ?, revision = revision + 1, update_time = ? WHERE tenant_id = ? AND "
            "complaint_id = ?",
            {updated.category(), static_cast<int64_t>(updated.severity()),
             static_cast<int64_t>(updated.status()), updated.description(), updated.resolution(),
             updated.has_satisfaction_score()
                 ? SqlValue(static_cast<int64_t>(updated.satisfaction_score()))
                 : SqlValue(nullptr),
             ToSqlDatetime(FromProtoTimestamp(updated.due_time())),
             OptionalDatetimeValue(updated.has_resolve_time(), updated.resolve_time()),
             OptionalDatetimeValue(updated.has_close_time(), updated.close_time()),
             ToSqlDatetime(NowMicros()), tenant.value(), std::string(complaint_id)});
        return ReadComplaint(tx, complaint_id, false);
      });
}

}  // namespace crm::storage
