#include "storage/lead_conversion.h"

#include <cppconn/resultset.h>

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "crm/v1/lead.pb.h"
#include "storage/existing_ids.h"
#include "storage/row_codec.h"

namespace crm::storage {

void ConvertLeadsOnPurchases(Transaction& tx, const std::vector<ConvertingPurchase>& purchases) {
  if (purchases.empty()) return;
  // Most imports run for tenants with no open lead at all: one probe of the
  // (tenant, status, ...) index answers that before any per-contact lookup. A lead
  // committed concurrently is missed only if one of these purchases is dated after its
  // creation, i.e. within the few minutes of clock skew a purchase time may run ahead;
  // ConvertLead covers that case.
  static const std::string* any_open = new std::string(absl::StrCat(
      "SELECT 1 FROM leads WHERE tenant_id = ? AND status IN (",
      static_cast<int>(v1::Lead::STATUS_ACTIVE), ", ", static_cast<int>(v1::Lead::STATUS_INVALID),
      ") LIMIT 1"));
  if (!tx.Query(*any_open, {tx.tenant().value()})->next()) return;
  absl::flat_hash_map<std::string, std::vector<const ConvertingPurchase*>> by_contact;
  for (const ConvertingPurchase& purchase : purchases) by_contact[purchase.contact_id].push_back(&purchase);
  std::vector<std::string> contact_ids;
  contact_ids.reserve(by_contact.size());
  for (auto& [contact_id, list] : by_contact) {
    std::sort(list.begin(), list.end(), [](const auto* a, const auto* b) { return a->time < b->time; });
    contact_ids.push_back(contact_id);
  }
  struct OpenLead {
    std::string lead_id;
    std::string contact_id;
    absl::Time create_time;
  };
  std::vector<OpenLead> open;
  static const std::string* open_statuses = new std::string(absl::StrCat(
      " AND status IN (", static_cast<int>(v1::Lead::STATUS_ACTIVE), ", ",
      static_cast<int>(v1::Lead::STATUS_INVALID), ") FOR UPDATE"));
  ForEachRowWithValueIn(tx, "leads", "contact_id", "lead_id, contact_id, create_time", contact_ids,
                        open_statuses->c_str(), [&](sql::ResultSet& row) {
                          open.push_back({row.getString("lead_id"), row.getString("contact_id"),
                                          FromSqlDatetime(row.getString("create_time"))});
                        });
  const std::string now = ToSqlDatetime(NowMicros());
  for (const OpenLead& lead : open) {
    const auto& candidates = by_contact[lead.contact_id];
    auto first = std::find_if(candidates.begin(), candidates.end(),
                              [&](const auto* p) { return p->time >= lead.create_time - kConversionClockSkew; });
    if (first == candidates.end()) continue;
    const absl::Time convert_time = std::max((*first)->time, lead.create_time);
    // Mirrors what ConvertLead does to a lead (LeadService): converted, no further
    // follow-up planned, no longer invalid.
    tx.Execute(
        "UPDATE leads SET status = ?, convert_time = ?, conversion_purchase_id = ?, "
        "next_follow_up_time = NULL, invalid_time = NULL, invalid_reason = 0, invalid_note = '', "
        "revisit_time = NULL, revision = revision + 1, update_time = ? "
        "WHERE tenant_id = ? AND lead_id = ?",
        {static_cast<int64_t>(v1::Lead::STATUS_CONVERTED), ToSqlDatetime(convert_time),
         (*first)->purchase_id, now, tx.tenant().value(), lead.lead_id});
  }
}

}  // namespace crm::storage
