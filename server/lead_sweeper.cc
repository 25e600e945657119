#include "server/lead_sweeper.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/validation/lead_rules.h"
#include "storage/list_page.h"

namespace crm::server {
namespace {

// Each pass bounds its own database work; a pass that runs out simply resumes on the
// next interval.
constexpr absl::Duration kPassTimeout = absl::Minutes(5);
constexpr int kTenantsPerPage = 500;

}  // namespace

absl::StatusOr<int64_t> LeadSweeper::SweepOnce(absl::Time now) {
  const absl::Time deadline = absl::Now() + kPassTimeout;
  int64_t total = 0;
  storage::ListQuery query;
  query.page_size = kTenantsPerPage;
  while (true) {
    absl::StatusOr<storage::Page<v1::Tenant>> page = tenants_.List(query, deadline);
    if (!page.ok()) return page.status();
    for (const v1::Tenant& tenant : page->items) {
      const std::string tenant_id = tenant.name().substr(tenant.name().find('/') + 1);
      absl::StatusOr<storage::TenantId> id = storage::TenantId::Make(tenant_id);
      if (!id.ok()) continue;
      const v1::LeadPolicy& policy = tenant.lead_policy();
      const storage::UnreachedLeadRule rule{
          now - LeadNoContactPeriod(policy), now, now + LeadRevisitPeriod(policy),
          absl::StrCat("not reached for ", absl::ToInt64Hours(LeadNoContactPeriod(policy)) / 24,
                       " days")};
      absl::StatusOr<int64_t> changed = leads_.InvalidateUnreached(*id, rule, deadline);
      if (!changed.ok()) {
        spdlog::warn("lead sweep of tenant {} failed: {}", tenant_id, changed.status().ToString());
        continue;
      }
      total += *changed;
    }
    if (!page->next) return total;
    query.after = page->next;
  }
}

void LeadSweeper::Start(absl::Duration interval) {
  thread_ = std::thread([this, interval] {
    absl::MutexLock lock(&mutex_);
    while (!mutex_.AwaitWithTimeout(absl::Condition(&stopping_), interval)) {
      mutex_.Unlock();
      absl::StatusOr<int64_t> swept = SweepOnce(absl::Now());
      if (!swept.ok()) {
        spdlog::warn("lead sweep failed: {}", swept.status().ToString());
      } else if (*swept > 0) {
        spdlog::info("lead sweep invalidated {} unreached leads", *swept);
      }
      mutex_.Lock();
    }
  });
}

void LeadSweeper::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace crm::server
