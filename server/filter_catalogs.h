#ifndef CRM_SERVER_FILTER_CATALOGS_H_
#define CRM_SERVER_FILTER_CATALOGS_H_

#include "server/filter/filter.h"

namespace crm::server {

// The whitelists of filterable fields per resource, mapping each API field to its
// column in the storage schema (storage/migrations). Enum fields accept the proto
// value names, e.g. `tier = TIER_A`.
const filter::FieldCatalog& TenantFilterFields();
const filter::FieldCatalog& AccountFilterFields();
const filter::FieldCatalog& ContactFilterFields();
const filter::FieldCatalog& PurchaseFilterFields();
const filter::FieldCatalog& InteractionFilterFields();
const filter::FieldCatalog& ComplaintFilterFields();
const filter::FieldCatalog& LeadFilterFields();
const filter::FieldCatalog& CampaignFilterFields();
// A value-analysis run's per-contact results (ListCustomerValues).
const filter::FieldCatalog& CustomerValueFilterFields();

}  // namespace crm::server

#endif  // CRM_SERVER_FILTER_CATALOGS_H_
