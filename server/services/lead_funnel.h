#ifndef CRM_SERVER_SERVICES_LEAD_FUNNEL_H_
#define CRM_SERVER_SERVICES_LEAD_FUNNEL_H_

#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "crm/v1/lead.pb.h"
#include "storage/lead_repository.h"

namespace crm::server {

// The median of `durations` in days (fractional); the mean of the middle two for an
// even count; nullopt when empty.
std::optional<double> MedianDays(const std::vector<absl::Duration>& durations);

// GetLeadFunnel's answer from the stored per-source figures: every source in Source
// order (zeros where a source has no leads), conversion rate = converted / created,
// the median time to convert, invalid leads by reason, and the same over all sources
// in `total`.
v1::LeadFunnel BuildLeadFunnel(const std::vector<storage::LeadSourceCounts>& counts,
                               absl::Time start, absl::Time end);

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_LEAD_FUNNEL_H_
