#include "storage/tenant_repository.h"

#include <cppconn/resultset.h>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/idempotency.h"
#include "storage/list_page.h"
#include "storage/row_codec.h"
#include "storage/transaction.h"

namespace crm::storage {
namespace {

constexpr char kColumns[] =
    "tenant_id, display_name, state, currency_code, time_zone, quota_requests_per_second, "
    "quota_max_concurrent_streams, quota_max_contacts, revision, create_time, update_time, "
    "complaint_hours_low, complaint_hours_medium, complaint_hours_high, complaint_hours_critical, "
    "lead_no_contact_days, lead_revisit_days, contact_max_touches, "
    "contact_max_touches_per_channel, contact_period_days, contact_quiet_start_hour, "
    "contact_quiet_end_hour";

SqlValue OptionalHour(bool has, int32_t hour) {
  return has ? SqlValue(static_cast<int64_t>(hour)) : SqlValue(nullptr);
}

// The contact-policy values in column order.
std::vector<SqlValue> ContactPolicyValues(const v1::ContactPolicy& policy) {
  return {static_cast<int64_t>(policy.max_touches()),
          static_cast<int64_t>(policy.max_touches_per_channel()),
          static_cast<int64_t>(policy.period_days()),
          OptionalHour(policy.has_quiet_start_hour(), policy.quiet_start_hour()),
          OptionalHour(policy.has_quiet_end_hour(), policy.quiet_end_hour())};
}

v1::Tenant TenantFromRow(sql::ResultSet& row) {
  v1::Tenant tenant;
  tenant.set_name(absl::StrCat("tenants/", std::string(row.getString("tenant_id"))));
  tenant.set_display_name(row.getString("display_name"));
  tenant.set_state(static_cast<v1::Tenant::State>(row.getInt("state")));
  tenant.set_currency_code(row.getString("currency_code"));
  tenant.set_time_zone(row.getString("time_zone"));
  tenant.mutable_quotas()->set_requests_per_second(row.getInt("quota_requests_per_second"));
  tenant.mutable_quotas()->set_max_concurrent_streams(row.getInt("quota_max_concurrent_streams"));
  tenant.mutable_quotas()->set_max_contacts(row.getInt64("quota_max_contacts"));
  ToProtoTimestamp(FromSqlDatetime(row.getString("create_time")), tenant.mutable_create_time());
  ToProtoTimestamp(FromSqlDatetime(row.getString("update_time")), tenant.mutable_update_time());
  tenant.set_etag(EtagForRevision(row.getInt64("revision")));
  v1::ComplaintPolicy* policy = tenant.mutable_complaint_policy();
  policy->set_low_hours(row.getInt("complaint_hours_low"));
  policy->set_medium_hours(row.getInt("complaint_hours_medium"));
  policy->set_high_hours(row.getInt("complaint_hours_high"));
  policy->set_critical_hours(row.getInt("complaint_hours_critical"));
  tenant.mutable_lead_policy()->set_no_contact_days(row.getInt("lead_no_contact_days"));
  tenant.mutable_lead_policy()->set_revisit_days(row.getInt("lead_revisit_days"));
  v1::ContactPolicy* contact = tenant.mutable_contact_policy();
  contact->set_max_touches(row.getInt("contact_max_touches"));
  contact->set_max_touches_per_channel(row.getInt("contact_max_touches_per_channel"));
  contact->set_period_days(row.getInt("contact_period_days"));
  if (!row.isNull("contact_quiet_start_hour")) contact->set_quiet_start_hour(row.getInt("contact_quiet_start_hour"));
  if (!row.isNull("contact_quiet_end_hour")) contact->set_quiet_end_hour(row.getInt("contact_quiet_end_hour"));
  return tenant;
}

// `values` followed by the tenant's contact-policy values.
std::vector<SqlValue> WithContactPolicy(const v1::Tenant& tenant, std::vector<SqlValue> values) {
  for (SqlValue& value : ContactPolicyValues(tenant.contact_policy())) values.push_back(std::move(value));
  return values;
}

absl::StatusOr<v1::Tenant> ReadTenant(Transaction& transaction, absl::string_view tenant_id,
                                      bool for_update) {
  auto row = transaction.Query(absl::StrCat("SELECT ", kColumns,
                                            " FROM tenants WHERE tenant_id = ?",
                                            for_update ? " FOR UPDATE" : ""),
                               {std::string(tenant_id)});
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat("tenants/", tenant_id, " does not exist"));
  }
  return TenantFromRow(*row);
}

}  // namespace

const ListTable& TenantRepository::Table() {
  static const ListTable table{"tenants", "tenant_id", kColumns, /*id_is_time_ordered=*/false};
  return table;
}

absl::StatusOr<v1::Tenant> TenantRepository::Create(const std::string& tenant_id,
                                                    const v1::Tenant& tenant,
                                                    absl::string_view request_id,
                                                    absl::Time deadline) {
  return RunGlobalTransactionFor<v1::Tenant>(pool_, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Tenant> {
    absl::StatusOr<std::optional<std::string>> replay =
        ClaimPlatformRequestId(tx, request_id, "CreateTenant", tenant_id);
    if (!replay.ok()) return replay.status();
    if (replay->has_value()) return ReadTenant(tx, **replay, false);
    const std::string now = ToSqlDatetime(NowMicros());
    const bool inserted = tx.InsertUnlessDuplicate(
        absl::StrCat("INSERT INTO tenants (", kColumns,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        WithContactPolicy(tenant, {tenant_id, tenant.display_name(), static_cast<int64_t>(tenant.state()),
         tenant.currency_code(), tenant.time_zone(),
         static_cast<int64_t>(tenant.quotas().requests_per_second()),
         static_cast<int64_t>(tenant.quotas().max_concurrent_streams()),
         tenant.quotas().max_contacts(), now, now,
         static_cast<int64_t>(tenant.complaint_policy().low_hours()),
         static_cast<int64_t>(tenant.complaint_policy().medium_hours()),
         static_cast<int64_t>(tenant.complaint_policy().high_hours()),
         static_cast<int64_t>(tenant.complaint_policy().critical_hours()),
         static_cast<int64_t>(tenant.lead_policy().no_contact_days()),
         static_cast<int64_t>(tenant.lead_policy().revisit_days())}));
    if (!inserted) {
      return absl::AlreadyExistsError(absl::StrCat("tenant_id: tenants/", tenant_id, " already exists"));
    }
    return ReadTenant(tx, tenant_id, false);
  });
}

absl::StatusOr<v1::Tenant> TenantRepository::Get(absl::string_view tenant_id, absl::Time deadline) {
  return RunGlobalTransactionFor<v1::Tenant>(pool_, deadline, [&](Transaction& tx) {
    return ReadTenant(tx, tenant_id, false);
  });
}

absl::StatusOr<Page<v1::Tenant>> TenantRepository::List(const ListQuery& query,
                                                        absl::Time deadline) {
  return ReadListPage<v1::Tenant>(pool_, nullptr, Table(), query, deadline, TenantFromRow);
}

absl::StatusOr<v1::Tenant> TenantRepository::Update(
    absl::string_view tenant_id, absl::string_view expected_etag,
    const std::function<absl::Status(v1::Tenant&)>& mutate, absl::Time deadline) {
  return RunGlobalTransactionFor<v1::Tenant>(pool_, deadline, [&](Transaction& tx) -> absl::StatusOr<v1::Tenant> {
    absl::StatusOr<v1::Tenant> current = ReadTenant(tx, tenant_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (absl::Status etag = CheckEtag(expected_etag, current->etag(), current->name()); !etag.ok()) {
      return etag;
    }
    v1::Tenant updated = *current;
    if (absl::Status mutated = mutate(updated); !mutated.ok()) return mutated;
    tx.Execute(
        "UPDATE tenants SET display_name = ?, state = ?, currency_code = ?, time_zone = ?, "
        "quota_requests_per_second = ?, quota_max_concurrent_streams = ?, quota_max_contacts = ?, "
        "complaint_hours_low = ?, complaint_hours_medium = ?, complaint_hours_high = ?, "
        "complaint_hours_critical = ?, lead_no_contact_days = ?, lead_revisit_days = ?, "
        "contact_max_touches = ?, contact_max_touches_per_channel = ?, contact_period_days = ?, "
        "contact_quiet_start_hour = ?, contact_quiet_end_hour = ?, "
        "revision = revision + 1, update_time = ? WHERE tenant_id = ?",
        [&] {
          std::vector<SqlValue> values = WithContactPolicy(
              updated,
              {updated.display_name(), static_cast<int64_t>(updated.state()), updated.currency_code(),
               updated.time_zone(), static_cast<int64_t>(updated.quotas().requests_per_second()),
               static_cast<int64_t>(updated.quotas().max_concurrent_streams()),
               updated.quotas().max_contacts(),
               static_cast<int64_t>(updated.complaint_policy().low_hours()),
               static_cast<int64_t>(updated.complaint_policy().medium_hours()),
               static_cast<int64_t>(updated.complaint_policy().high_hours()),
               static_cast<int64_t>(updated.complaint_policy().critical_hours()),
               static_cast<int64_t>(updated.lead_policy().no_contact_days()),
               static_cast<int64_t>(updated.lead_policy().revisit_days())});
          values.push_back(ToSqlDatetime(NowMicros()));
          values.push_back(std::string(tenant_id));
          return values;
        }());
    return ReadTenant(tx, tenant_id, false);
  });
}

}  // namespace crm::storage
