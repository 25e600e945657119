#ifndef CRM_SERVER_SERVICES_STORE_ANALYSES_H_
#define CRM_SERVER_SERVICES_STORE_ANALYSES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/v1/value_analysis.pb.h"
#include "storage/analysis_repository.h"
#include "storage/analysis_sources.h"
#include "storage/tenant_id.h"

// The value analyses computed on request rather than by runs: they read what they
// need through storage, hand it to server/analysis in dense indexes, and map the
// result to the API. Requests arrive validated (validation/analysis_rules).
namespace crm::server {

// Period P of `kind` containing `period_time` against P - 1, overall and per store.
// No purchase in either period is FAILED_PRECONDITION.
absl::StatusOr<v1::GapAnalysis> ComputeGapAnalysis(storage::AnalysisSources& sources, const storage::TenantId& tenant,
                                                   v1::PeriodKind kind, absl::Time period_time, absl::TimeZone zone,
                                                   const std::string& currency, absl::Time deadline);

// The stores' features over the 365 days before `now`, clustered. k above the number
// of stores is INVALID_ARGUMENT naming `k`; no store with purchases is
// FAILED_PRECONDITION.
absl::StatusOr<v1::StoreClustering> ClusterTenantStores(storage::AnalysisSources& sources,
                                                        const storage::TenantId& tenant,
                                                        const v1::ClusterStoresRequest& request, absl::Time now,
                                                        absl::TimeZone zone, absl::Time deadline);

// CBV of the category's customer group from the request's market inputs and the
// category's purchases over the 365 days before `now`.
absl::StatusOr<v1::BrandValue> ComputeCategoryBrandValue(storage::AnalysisSources& sources,
                                                         const storage::TenantId& tenant,
                                                         const v1::ComputeBrandValueRequest& request, absl::Time now,
                                                         absl::Time deadline);

// The reciprocity matrix of a run's customers that have a satisfaction score.
absl::StatusOr<v1::ReciprocityMatrix> BuildReciprocityMatrix(storage::AnalysisRepository& runs,
                                                             storage::AnalysisSources& sources,
                                                             const storage::TenantId& tenant,
                                                             const std::string& run_id,
                                                             const v1::GetReciprocityMatrixRequest& request,
                                                             absl::Time deadline);

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_STORE_ANALYSES_H_
