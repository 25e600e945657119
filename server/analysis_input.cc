#include "server/analysis_input.h"

#include "absl/container/flat_hash_map.h"

namespace crm::server {

absl::StatusOr<TenantPurchases> LoadTenantPurchases(storage::PurchaseRepository& purchases,
                                                    const storage::TenantId& tenant, absl::Time as_of,
                                                    absl::Time deadline,
                                                    const std::function<bool(int64_t)>& on_progress) {
  TenantPurchases out;
  bool keep_going = true;
  absl::flat_hash_map<std::string, uint32_t> index_of;
  absl::Status scanned = purchases.ScanFacts(
      tenant, as_of,
      [&](const storage::PurchaseRepository::Fact& fact) {
        auto [it, inserted] = index_of.try_emplace(std::string(fact.contact_id),
                                                   static_cast<uint32_t>(out.contact_ids.size()));
        if (inserted) out.contact_ids.emplace_back(fact.contact_id);
        out.records.push_back({it->second, fact.time, fact.amount_micros, fact.margin_micros, fact.refund});
        const int64_t read = static_cast<int64_t>(out.records.size());
        if (on_progress && keep_going && read % kProgressEveryRows == 0) keep_going = on_progress(read);
      },
      deadline, /*chunk_rows=*/50000, [&] { return keep_going; });
  if (!scanned.ok()) return scanned;
  return out;
}

}  // namespace crm::server
