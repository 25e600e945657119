#ifndef CRM_SERVER_SERVICES_ANALYSIS_REPORT_H_
#define CRM_SERVER_SERVICES_ANALYSIS_REPORT_H_

#include <string>
#include <vector>

#include "crm/v1/value_analysis.pb.h"
#include "server/analysis/value_analysis.h"
#include "storage/analysis_repository.h"

// Turns the analysis library's results into what a run stores: one row per customer
// and the aggregate messages the report RPCs return. No SQL, no gRPC.
namespace crm::server {

// The API enums of the library's classes.
v1::RfmSegment ToProto(analysis::RfmSegment segment);
v1::AbcClass ToProto(analysis::AbcClass abc);
v1::ValueTier ToProto(analysis::ValueTier tier);
v1::LifecycleStage ToProto(analysis::LifecycleStage stage);

// One row per customer with a purchase before as_of; `contact_ids[i]` is customer i.
std::vector<storage::CustomerValueRow> CustomerValueRows(const analysis::ValueAnalysis& result,
                                                         const std::vector<std::string>& contact_ids);

// Per RFM segment, value tier, ABC class and lifecycle stage: customers, window
// revenue and contribution, and their shares; the RFM averages.
v1::SegmentSummary BuildSegmentSummary(const analysis::ValueAnalysis& result, const std::string& currency);

// The curve at 100 points, with the ABC thresholds used.
v1::ParetoCurve BuildParetoCurve(const analysis::ValueAnalysis& result, const analysis::AbcThresholds& abc);

// Both fits with their diagnostics, or the reason each failed.
v1::ModelFit BuildModelFit(const analysis::ValueAnalysis& result);

// The unavailable results, as fields and reason.
std::vector<v1::UnavailableResult> UnavailableResults(const analysis::ValueAnalysis& result);

}  // namespace crm::server

#endif  // CRM_SERVER_SERVICES_ANALYSIS_REPORT_H_
